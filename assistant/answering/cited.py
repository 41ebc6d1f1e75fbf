"""What the passages a sentence cites say: their words, facts and quotable sentences.

The guard (`guard.py`) holds a generated sentence's checkable facts (`checkable.py`) against
this; `facts_missing` names the first fact the cited text lacks.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from assistant.answering import checkable
from assistant.answering.protocol import Question
from assistant.answering.question_terms import QuestionTerms
from assistant.answering.quotes import Unit, quotable_units
from assistant.language.analysis import WORD, Analyzer, compound_parts, language_of
from assistant.language.evidence import match
from assistant.language.glossary import to_swedish
from assistant.language.swedish_terms import to_english
from assistant.types import Passage

NAME_MATCH = 0.7  # a name found in another form ("Dalarnas" for "Dalarna"), as `support` has it
CONTEXT_CREDIT = 0.5  # a content word found only in the title, organisation or headings


class CitedVocabulary:
    """The cited passages' own words, as the `Vocabulary` the question-term coverage asks:
    every word weighs the same; a word is known when the passages use it."""

    def __init__(self, words: list[str]) -> None:
        self.frequency = Counter(words)

    def term_weight(self, word: str) -> float:
        return 1.0

    def known_word(self, word: str) -> bool:
        return match(word, set(self.frequency)) >= NAME_MATCH

    def parts(self, word: str) -> list[str]:
        parts = compound_parts(word, self.frequency)
        return parts if len(parts) == 2 else []


@dataclass
class CitedText:
    """The passages one sentence cites, read once for every check."""

    text: str  # the passages' text, verbatim
    full: str  # with their organisation, title and heading trail
    words: set[str]  # every word, lower-cased, stop words included
    numbers: set[str]
    months: set[int]
    references: set[str]
    english_bodies: set[str]
    units: list[Unit]
    vocabulary: CitedVocabulary

    @classmethod
    def of(cls, passages: list[Passage], analyzer: Analyzer) -> CitedText:
        text = "\n\n".join(p.text for p in passages)
        context = " ".join(f"{p.organisation or ''} {p.title} {p.section}" for p in passages)
        full = f"{context}\n\n{text}"
        return cls(
            text=text,
            full=full,
            words={w.lower() for w in WORD.findall(full)},
            numbers=checkable.numbers(full),
            months=checkable.months(full),
            references=checkable.references(full),
            english_bodies=checkable.english_bodies(to_english(full, limit=1000)),
            units=quotable_units(passages, analyzer),
            vocabulary=CitedVocabulary(analyzer.words(full)),
        )

    def coverage(self, sentence: str, analyzer: Analyzer) -> float | None:
        """The share of the sentence's content words the cited sentences hold (their headings
        for less), measured as the extractive answerer measures a question's; None for an
        English sentence, or one with no content words."""
        if language_of(sentence) == "en":
            return None  # English words are not found in Swedish text; the facts are
        question = Question(sentence, self.vocabulary, "sv")
        terms = QuestionTerms.of(question, analyzer, CONTEXT_CREDIT)
        if not terms.weights:
            return None
        return terms.coverage(self.units)

    def missing_words(self, sentence: str, analyzer: Analyzer) -> list[str]:
        """The sentence's content words no cited sentence holds in any form."""
        found = set().union(*(u.words | u.context for u in self.units))
        return [w for w in dict.fromkeys(analyzer.words(sentence)) if match(w, found) < NAME_MATCH]


def negation_held(sentence: str, unit: Unit, analyzer: Analyzer) -> bool:
    """Whether a cited sentence denies what the sentence's negations deny: it has a negation
    among the same content words. An English sentence's words are not in Swedish text: there
    the cited sentence's having a negation is all that can be asked."""
    if not checkable.negated(unit.text):
        return False
    if language_of(sentence) == "en":
        return True
    theirs = [set(analyzer.words(" ".join(s))) for s in checkable.negation_scopes(unit.text)]
    for scope in checkable.negation_scopes(sentence):
        words = analyzer.words(" ".join(scope))
        if not any(match(w, their) >= NAME_MATCH for w in words for their in theirs):
            return False
    return True


def facts_missing(sentence: str, cited: CitedText) -> str | None:
    """Why the sentence says more than the cited text, in the order a reader would care:
    a quotation, a name or body, a number, a date, a reference; None when all are there."""
    source = checkable.plain(cited.text)
    for quoted in checkable.quotations(sentence):
        if checkable.plain(quoted) not in source:
            return f"quote not verbatim: “{quoted}”"
    english = language_of(sentence) == "en"
    for name in checkable.names(sentence):
        if english and name.lower() in checkable.BODY_WORDS:
            continue  # "the County Council Assembly": its body is checked below
        swedish = to_swedish([name.lower()]) if english else []
        # An English word ("European") is in the cited text when one of its Swedish forms is.
        if not any(_found(form, cited) for form in swedish or [name]):
            return f"name not in the cited text: {name}"
    for body in checkable.bodies(sentence):
        found = body in cited.english_bodies or match(body, cited.words) >= NAME_MATCH
        if not found:
            return f"name not in the cited text: {body}"
    for number in sorted(checkable.numbers(sentence) - cited.numbers):
        return f"number not in the cited text: {number}"
    for month in sorted(checkable.months(sentence) - cited.months):
        return f"date not in the cited text: month {month}"
    for reference in sorted(checkable.references(sentence) - cited.references):
        return f"reference not in the cited text: {reference}"
    return None


def _found(name: str, cited: CitedText) -> bool:
    """Whether each word of a name is in the cited text, in some form."""
    return all(match(w, cited.words) >= NAME_MATCH for w in WORD.findall(name.lower()))
