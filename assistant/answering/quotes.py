"""Passages → quotable units: the sentences and list items an answer may quote, verbatim."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.language.analysis import SENTENCE_BOUNDARY, WORD, Analyzer
from assistant.types import Passage

MAX_RUN_ON = 400  # characters a quote may grow to by running blocks together


@dataclass
class Unit:
    """A quotable sentence or list item of one passage."""

    passage: int  # index into the passages
    doc_id: str
    text: str
    words: set[str]
    context: set[str]  # organisation, title and heading trail
    is_list: bool
    heading: set[str] = field(default_factory=set)  # the nearest heading's words
    source: str = ""  # organisation, title and heading trail, as written
    # The stycke (block of text) the sentence lies in; None for list items and for a quote
    # that runs on across blocks.
    stycke: str | None = None


def quotable_units(passages: list[Passage], analyzer: Analyzer) -> list[Unit]:
    units = []
    for i, passage in enumerate(passages):
        source = f"{passage.organisation or ''} {passage.title} {passage.section}"
        context = set(analyzer.words(source))
        heading = set(analyzer.words(passage.section.split(" › ")[-1]))
        blocks = [b.strip() for b in passage.text.split("\n\n") if b.strip()]
        for part in quotable_parts(passage):
            if len(WORD.findall(part)) >= 2:
                words = set(analyzer.words(part))
                listed = passage.is_list
                stycke = None if listed else next((b for b in blocks if part in b), None)
                units.append(
                    Unit(i, passage.doc_id, part, words, context, listed, heading, source, stycke)
                )
    return units


def quotable_parts(passage: Passage) -> list[str]:
    """Sentences and list items, verbatim.

    A block that does not end a sentence runs on into the next one: "… föreslår
    landstingsstyrelsen besluta" + "att antaga …", or a signature's "Vid protokollet" + the
    name, so that a quote carries its whole statement.
    """
    blocks = [b.strip() for b in passage.text.split("\n\n") if b.strip()]
    if passage.is_list:
        return blocks
    parts: list[str] = []
    run_on = False
    for block in blocks:
        sentences = [s.strip() for s in SENTENCE_BOUNDARY.split(block) if s.strip()]
        if run_on and parts and len(parts[-1]) + len(sentences[0]) <= MAX_RUN_ON:
            parts[-1] = f"{parts[-1]}\n\n{sentences.pop(0)}"
        parts.extend(sentences)
        run_on = bool(parts) and parts[-1][-1] not in ".!?;"
    return parts


def with_their_stycke(chosen: list[Unit], units: list[Unit]) -> list[Unit]:
    """Each chosen sentence with the other sentences of its stycke, when that is short.

    The sentences of one stycke qualify each other: "Fullmäktige får dock …", "Detsamma gäller
    om …", "Detta gäller dock endast om …". Quoting the first without the rest states a rule
    the text limits, and a question about the limit ("Måste ett olagligt beslut upphävas även
    om det inte längre har någon betydelse?") is answered by the sentence it shares fewest
    words with.
    """
    result: list[Unit] = []
    for unit in chosen:
        short = unit.stycke is not None and len(unit.stycke) <= MAX_RUN_ON
        group = [
            u for u in units if short and u.passage == unit.passage and u.stycke == unit.stycke
        ] or [unit]
        result.extend(u for u in group if all(u is not r for r in result))
    return result
