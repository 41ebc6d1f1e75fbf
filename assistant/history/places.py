"""Where each changed paragraph stands in the two versions: the position of the chunk that holds
it, which the source view marks (`#p{position}`). Paragraphs are compared whole, chunks may join
or split them, so a paragraph is found by its text within its section."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.history.changes import ParagraphChange
from assistant.storage.catalog import StoredChunk


@dataclass
class PlacedChange:
    change: ParagraphChange
    old_position: int | None  # the old text's chunk in the old version; None for an addition
    new_position: int | None  # the new text's chunk in the new version; None for a removal


def placed(
    changes: list[ParagraphChange], old_chunks: list[StoredChunk], new_chunks: list[StoredChunk]
) -> list[PlacedChange]:
    """Each change with the chunks holding its old and new text."""
    return [
        PlacedChange(
            change,
            position(old_chunks, change.section, change.old),
            position(new_chunks, change.section, change.new),
        )
        for change in changes
    ]


def position(chunks: list[StoredChunk], section: str, text: str | None) -> int | None:
    """The chunk of `section` that holds `text` (or that `text` holds), else the section's
    first chunk; None when there is no text or the section is not in the version."""
    if text is None:
        return None
    wanted = _words(text)
    in_section = [meta for _, meta in chunks if meta.get("section") == section]
    for meta in in_section:
        held = _words(str(meta.get("text", "")))
        if held and (wanted in held or held in wanted):
            return int(meta["position"])
    return int(in_section[0]["position"]) if in_section else None


def _words(text: str) -> str:
    return " ".join(text.split())
