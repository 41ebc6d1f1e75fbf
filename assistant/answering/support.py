"""Whether the chosen quotes support an answer, or the assistant must say the documents don't.

The quotes must cover the question's telling words, mention the names it uses, and hold the
kind of fact it asks for (an amount, a date, the person or body asked about).
"""

from __future__ import annotations

from assistant.answering.options import ExtractiveOptions
from assistant.answering.protocol import Question
from assistant.answering.quotes import Unit
from assistant.language.acronyms import acronyms, spells_out
from assistant.language.analysis import STOP_WORDS, is_english
from assistant.language.evidence import (
    IDENTITY_QUESTION,
    PROPER_NAME,
    lacks_asked_fact,
    match,
)
from assistant.language.glossary import to_swedish


def supported(
    question: Question,
    chosen: list[Unit],
    coverage: float | None,
    dense: float | None,
    options: ExtractiveOptions,
) -> bool:
    if not fits(question, chosen):
        return False
    if coverage is None:  # nothing in the question the corpus could contain word for word
        return (dense or 0.0) >= options.min_dense
    return coverage >= options.min_coverage or (
        coverage >= options.min_coverage_dense and (dense or 0.0) >= options.min_dense
    )


def fits(question: Question, quotes: list[Unit]) -> bool:
    """Whether the quotes could answer at all: they mention the names the question uses and
    hold the kind of fact it asks for. Failing this, the documents do not say."""
    text = question.text
    evidence = " ".join(u.text for u in quotes)
    found = set().union(*(u.words | u.context for u in quotes))
    if not _names_found(question, found, quotes):
        return False
    if lacks_asked_fact(text, evidence):
        return False
    focus = IDENTITY_QUESTION.match(text)
    # "Vem är ordförande …?" is not answered by a sentence with no chairman.
    return not focus or match(focus.group(1).lower(), found) >= 0.7


def _names_found(question: Question, found: set[str], quotes: list[Unit]) -> bool:
    english = is_english(question.text)
    short = acronyms(question.text)
    for name in PROPER_NAME.findall(question.text):
        name = name.lower()
        if name in STOP_WORDS:
            continue  # a word with no content ("i Sverige": every document is Swedish)
        if english and to_swedish([name]):
            # "the Patient Safety Act": words the glossary knows as English, not names, even
            # where the corpus holds the same letters.
            continue
        if match(name, found) >= 0.7:
            continue  # the quotes name it, in some form or spelt right ("Jönkööping")
        if name in short and any(
            spells_out(name, u.text) or spells_out(name, u.source) for u in quotes
        ):
            continue  # "IVO": a quote or its heading names "Inspektionen för vård och omsorg"
        if question.vocabulary.known_word(name):
            # A name the corpus knows but the quotes do not mention: the quotes are about
            # something else (another organisation, another body).
            return False
        if not english:
            return False  # a name no document mentions ("Kaunas"): nothing to quote
    return True
