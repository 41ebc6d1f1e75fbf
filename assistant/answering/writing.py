"""Chosen quotes → the answer's lines: a short frame naming the source, each quote verbatim
followed by its citation number; or the decline, in the question's language."""

from __future__ import annotations

from assistant.answering.quotes import Unit
from assistant.language.swedish_terms import to_english
from assistant.types import Language, Passage

DECLINE = {
    "en": "The documents don't say. The closest passages are listed under See also.",
    "sv": "Det framgår inte av dokumenten. De närmaste avsnitten finns under Se även.",
}

CLOSEST = {
    "en": "The documents do not answer this in so many words. The closest passage:",
    "sv": "Dokumenten svarar inte uttryckligen på frågan. Närmast i dokumenten:",
}
MAX_CLOSEST = 600  # characters of the closest passage quoted, in whole sentences

NO_DOCUMENTS = {
    "en": "No documents have been ingested yet, so there is nothing to answer from.",
    "sv": "Inga dokument är inlästa ännu, så det finns inget att svara utifrån.",
}


def answer_lines(
    chosen: list[Unit], passages: list[Passage], english: bool
) -> tuple[list[str], list[Passage]]:
    """The lines of the answer and the passages its [n] numbers cite, in that order."""
    order: list[int] = []  # passage indices in citation order
    for unit in chosen:
        if unit.passage not in order:
            order.append(unit.passage)
    number = {p: n + 1 for n, p in enumerate(order)}
    lines: list[str] = []
    current_doc = None
    as_list = len(chosen) > 1 and all(u.is_list for u in chosen)
    previous: Unit | None = None
    for unit in chosen:
        passage = passages[unit.passage]
        if passage.doc_id != current_doc:
            current_doc = passage.doc_id
            lines.append(_frame(passage, english, as_list))
        marker = f" [{number[unit.passage]}]"
        joined = _joined(previous, unit, lines[-1].removesuffix(marker), passage.text)
        if joined is not None:
            # One stycke reads as one paragraph with one citation, as the law prints it.
            lines[-1] = f"{joined}{marker}"
        else:
            lines.append(f"- {unit.text}{marker}" if as_list else f"{unit.text}{marker}")
        previous = unit
    if english:
        lines += swedish_terms([u.text for u in chosen])
    return lines, [passages[p] for p in order]


def swedish_terms(quotes: list[str]) -> list[str]:
    """Under an English answer, the English of its Swedish quotes' key words ("landstings-
    fullmäktige = county council assembly"), so the reader sees where the answer lies."""
    terms = to_english(" ".join(quotes))
    return ["Swedish terms: " + "; ".join(f"{sv} = {en}" for sv, en in terms)] if terms else []


def _joined(previous: Unit | None, unit: Unit, quoted: str, source: str) -> str | None:
    """The quote so far and the next sentence of its stycke as one verbatim span of the
    source (whatever space lay between them), or None when the sentence starts a new line."""
    if previous is None or unit.stycke is None:
        return None
    if previous.passage != unit.passage or previous.stycke != unit.stycke:
        return None
    start = source.find(quoted)
    end = source.find(unit.text, start + len(quoted)) if start >= 0 else -1
    if end < 0 or source[start + len(quoted) : end].strip():
        return None  # not the next sentence in the source
    return source[start : end + len(unit.text)]


def _frame(passage: Passage, english: bool, as_list: bool) -> str:
    source = f"{passage.title}" + (f" ({passage.organisation})" if passage.organisation else "")
    heading = passage.section.split(" › ")[-1] if passage.section else ""
    if as_list and heading:
        return f"According to {source}, {heading}" if english else f"Enligt {source}, {heading}"
    return f"According to {source}:" if english else f"Enligt {source}:"


def closest_lines(units: list[Unit], passage: Passage, language: Language) -> list[str]:
    """The nearest passage, quoted whole or in its first sentences, under the caveat."""
    quoted = [units[0].text]
    length = len(quoted[0])
    for unit in units[1:]:
        length += len(unit.text)
        if length > MAX_CLOSEST:
            break
        quoted.append(unit.text)
    frame = _frame(passage, language == "en", False)
    terms = swedish_terms(quoted) if language == "en" else []
    return [CLOSEST[language], frame, *(f"{q} [1]" for q in quoted), *terms]
