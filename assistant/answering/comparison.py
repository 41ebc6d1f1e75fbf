"""Questions that compare organisations, answered side by side, one organisation at a time.

"Vem antar policyn i Dalarna respektive i Jönköping?" is two questions. Each side is retrieved
and answered within that organisation's documents, and the answers are shown one after the
other with their own citations. A side whose documents are silent says so instead of the
whole answer declining.
"""

from __future__ import annotations

import re

from assistant.answering.conversation import Organisation, mentioned_all, same_word
from assistant.answering.protocol import Draft
from assistant.language.analysis import WORD
from assistant.types import Generation, Language

COMPARISON_CUE = re.compile(
    r"\b(båda|bägge|respektive|skiljer sig|jämför\w*|compare\w*|both|differ\w*)\b",
    re.IGNORECASE,
)
MARKER = re.compile(r"\[(\d+)\]")
SILENT = {
    "sv": "{name}: dokumenten säger inget om detta.",
    "en": "{name}: the documents don't say.",
}


def compared(question: str, organisations: list[Organisation]) -> list[Organisation]:
    """The organisations a question compares: those it names when it names two or more, or all
    of them when it asks about "both" and names none. Otherwise none: not a comparison."""
    named = mentioned_all(question, organisations)
    if len(named) >= 2:
        return named
    if not named and COMPARISON_CUE.search(question) and 2 <= len(organisations) <= 3:
        return organisations
    return []


def side_question(question: str, side: Organisation, others: list[Organisation]) -> str:
    """The question as asked of one side: the other organisations' names and the words that
    ask for the comparison ("båda", "respektive") left out, so that a side's quotes are not
    judged by words only the other side's documents, or no document, contain."""
    aliases = [alias for other in others for alias in other.aliases]
    kept = [
        word
        for word in WORD.findall(COMPARISON_CUE.sub(" ", question))
        if not any(same_word(word.lower(), alias) for alias in aliases)
    ]
    return " ".join(kept) + ("?" if question.rstrip().endswith("?") else "")


def side_by_side(sides: list[tuple[Organisation, Draft]], language: Language) -> Draft:
    """One answer from the sides' drafts; citation numbers run on across the sides."""
    parts: list[str] = []
    citations = []
    generated: list[tuple[str, Generation, int]] = []  # a side's name, its model's part, offset
    for organisation, draft in sides:
        if not draft.answered:
            parts.append(SILENT[language].format(name=organisation.name))
            continue
        offset = len(citations)
        parts.append(_renumbered(draft.text, offset))
        citations += draft.citations
        if draft.generation is not None:
            generated.append((organisation.name, draft.generation, offset))
    answered = [d for _, d in sides if d.answered]
    coverage = min((d.coverage for d in answered if d.coverage is not None), default=None)
    dense = max((d.dense for d in answered if d.dense is not None), default=None)
    if not answered:
        see_also = [p for _, d in sides for p in d.citations]
        return Draft(sides[0][1].text, False, see_also, language, coverage, dense)
    # A side answered with its nearest passage carries the caveat, and so does the whole.
    closest = any(d.closest for d in answered)
    return Draft(
        "\n\n".join(parts), True, citations, language, coverage, dense, closest,
        generation=_joined(generated),
    )  # fmt: skip


def _renumbered(text: str, offset: int) -> str:
    return MARKER.sub(lambda m: f"[{int(m.group(1)) + offset}]", text)


def _joined(sides: list[tuple[str, Generation, int]]) -> Generation | None:
    """The sides' generated parts as one: their shown sentences numbered as in the joined
    answer, what was held back summed, and a fallback (with each side's reason) if any side
    fell back."""
    if not sides:
        return None
    reasons = [f"{name}: {g.reason}" for name, g, _ in sides if g.fell_back]
    return Generation(
        [_renumbered(sentence, offset) for _, g, offset in sides for sentence in g.shown],
        sum(g.removed for _, g, _ in sides),
        bool(reasons),
        "; ".join(reasons) or None,
    )
