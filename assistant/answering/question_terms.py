"""The question's telling words with their weights, and how much of them quotes cover.

Coverage is the share of the question's weight (each word weighted by how rare it is in the
corpus) that a set of quotes holds, in its own words or, for less credit, in its title,
organisation and headings: the one measure selection and the support check both use.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.answering.protocol import Question
from assistant.answering.quotes import Unit
from assistant.language.acronyms import acronyms, spells_out
from assistant.language.analysis import Analyzer, is_english
from assistant.language.everyday import everyday_phrases
from assistant.language.evidence import cue_words, match, typed_without_dots
from assistant.language.glossary import to_swedish


@dataclass
class QuestionTerms:
    weights: dict[str, float]  # each term by its first word
    context_credit: float  # a word found only in the title, organisation or headings
    alternatives: dict[str, tuple[str, ...]]  # each term's words, any of which covers it
    parts: dict[str, list[str]]  # a compound's parts, which together cover it
    plain: bool  # typed without å, ä and ö: the quotes' are read as a and o
    acronyms: set[str] = field(default_factory=set)  # "ivo": covered by the name spelt out
    total: float = field(init=False)

    def __post_init__(self) -> None:
        self.total = sum(self.weights.values()) or 1.0

    @classmethod
    def of(cls, question: Question, analyzer: Analyzer, context_credit: float) -> QuestionTerms:
        asking = cue_words(question.text)  # "hur lång tid": the kind is checked on its own
        words = [w for w in dict.fromkeys(analyzer.words(question.text)) if w not in asking]
        known = question.vocabulary.known_word
        if is_english(question.text):
            # English words cannot be found in Swedish text; names, shared terms and the
            # glossary's Swedish counterparts can. The counterparts of one word are one term:
            # "days" is answered by "dagar" or by "dag", not only by a text holding both.
            terms, taken = {}, set()
            for word in words:
                group = [w for w in dict.fromkeys([word, *to_swedish([word])]) if known(w)]
                group = [w for w in group if w not in taken]  # "council", "municipal": once
                taken.update(group)
                if group:
                    terms[group[0]] = tuple(group)
            parts = {}
        else:
            # "ta reda på" is one term, covered by the documents' "utreda", not by "ta" or "reda".
            phrases = everyday_phrases(question.text)
            said = {w for own, _ in phrases for w in own}
            words = [w for w in words if w not in said]
            terms = {w: (w,) for w in words}
            for _, formal in phrases:
                terms[formal[0]] = tuple(w for w in formal if known(w)) or formal
            parts = {w: p for w in words if (p := question.vocabulary.parts(w))}
        weights = {
            key: max(question.vocabulary.term_weight(w) for w in group)
            for key, group in terms.items()
        }
        plain = not is_english(question.text) and typed_without_dots(question.text)
        return cls(weights, context_credit, terms, parts, plain, acronyms(question.text))

    def coverage(self, units: list[Unit], context_credit: float | None = None) -> float:
        context_credit = self.context_credit if context_credit is None else context_credit
        found = 0.0
        for key, weight in self.weights.items():
            credit = 0.0
            for word in self.alternatives[key]:
                for unit in units:
                    credit = max(
                        credit,
                        match(word, unit.words, self.plain),
                        context_credit * match(word, unit.context, self.plain),
                    )
                    if word in self.acronyms:
                        credit = max(credit, self._spelt_out(word, unit, context_credit))
                    if word in self.parts:
                        # "arbete i nätverk" says "nätverksarbete" in two words.
                        parts = self.parts[word]
                        credit = max(credit, min(match(p, unit.words, self.plain) for p in parts))
            found += weight * credit
        return found / self.total

    @staticmethod
    def _spelt_out(acronym: str, unit: Unit, context_credit: float) -> float:
        """An acronym is covered by the name it abbreviates, spelt out in the quote ("IVO" by
        "Inspektionen för vård och omsorg"), or for less in its headings."""
        if spells_out(acronym, unit.text):
            return 1.0
        return context_credit if spells_out(acronym, unit.source) else 0.0

    def asks_about(self, word: str) -> bool:
        """Whether the question uses this word (in any close form)."""
        asked = {w for group in self.alternatives.values() for w in group}
        return max((match(word, {q}, self.plain) for q in asked), default=0) >= 0.7
