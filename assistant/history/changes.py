"""What changed between two versions, paragraph by paragraph.

Paragraphs are matched by content first (the same text in the same section, then the same text
moved to another section: neither is a change), and only what is left is paired within a
section by similarity. An inserted paragraph is therefore one addition, never every later
paragraph shown as changed, which a comparison by position would report.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

Paragraph = tuple[str, str]  # (section, text)
ChangeKind = Literal["added", "removed", "changed"]
SIMILAR = 0.5  # two leftover paragraphs of one section this alike are one paragraph changed


@dataclass
class ParagraphChange:
    kind: ChangeKind
    section: str
    old: str | None  # None for an addition
    new: str | None  # None for a removal


def compare(old: list[Paragraph], new: list[Paragraph]) -> list[ParagraphChange]:
    """The paragraphs added, removed and changed from `old` to `new`, in the new reading order
    (removals where they stood)."""
    old_left = _unmatched(old, new)
    new_left = _unmatched(new, old)
    changes: list[ParagraphChange] = []
    paired: set[int] = set()
    for _, (section, text) in new_left:
        best, best_ratio = None, SIMILAR
        for i, (old_section, old_text) in old_left:
            if i in paired or old_section != section:
                continue
            ratio = SequenceMatcher(None, old_text, text, autojunk=False).ratio()
            if ratio >= best_ratio:
                best, best_ratio = i, ratio
        if best is None:
            changes.append(ParagraphChange("added", section, None, text))
        else:
            paired.add(best)
            changes.append(ParagraphChange("changed", section, old[best][1], text))
    removed = [
        ParagraphChange("removed", section, text, None)
        for i, (section, text) in old_left
        if i not in paired
    ]
    return _in_reading_order(changes, removed, [s for s, _ in new])


def _unmatched(paragraphs: list[Paragraph], other: list[Paragraph]) -> list[tuple[int, Paragraph]]:
    """The paragraphs of `paragraphs` whose text `other` does not hold (as often)."""
    same_place = Counter(other)
    anywhere = Counter(text for _, text in other)
    left = []
    for i, paragraph in enumerate(paragraphs):
        if same_place[paragraph] > 0:
            same_place[paragraph] -= 1
            anywhere[paragraph[1]] -= 1
        else:
            left.append((i, paragraph))
    result = []
    for i, (section, text) in left:
        if anywhere[text] > 0:  # moved to another section, word for word
            anywhere[text] -= 1
        else:
            result.append((i, (section, text)))
    return result


def _in_reading_order(
    changes: list[ParagraphChange], removed: list[ParagraphChange], sections: list[str]
) -> list[ParagraphChange]:
    """Removals follow the last change of their section (or come first if it is gone)."""
    order = {section: n for n, section in reversed(list(enumerate(sections)))}
    return sorted(
        [*changes, *removed],
        key=lambda c: order.get(c.section, -1),
    )
