"""Document → chunks: one per paragraph or list item, tiny neighbours merged, long ones split.

A chunk's `text` is always a slice of the document's text, so a citation quotes the source
verbatim; the document title, organisation and heading trail go only into `embedded_text`,
where they help retrieval find the right document.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from assistant.language.analysis import SENTENCE_END
from ingest.documents import Block, LoadedDocument

TRAIL_SEPARATOR = " › "


@dataclass(frozen=True)
class ChunkingOptions:
    min_chars: int = 120  # shorter paragraphs join a neighbour in the same section
    max_chars: int = 1000  # longer ones are split at sentence boundaries


@dataclass
class Chunk:
    doc_id: str
    position: int
    section: str  # the heading trail, e.g. "Internationell policy › Landstingsstyrelsen"
    start: int  # span in the document's text
    end: int
    text: str
    page: int | None = None
    is_list: bool = False  # made of list items only: an answer may need all of its siblings

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass
class _Piece:
    section: str
    start: int
    end: int
    page: int | None
    is_list: bool = False


def chunk_document(doc: LoadedDocument, options: ChunkingOptions | None = None) -> list[Chunk]:
    options = options or ChunkingOptions()
    pieces = [
        piece
        for section, block in _sectioned(doc.blocks)
        for piece in _split_long(doc.text, section, block, options.max_chars)
    ]
    merged = _merge_small(pieces, options)
    return [
        Chunk(
            doc_id=doc.doc_id,
            position=i,
            section=p.section,
            start=p.start,
            end=p.end,
            text=doc.text[p.start : p.end],
            page=p.page,
            is_list=p.is_list,
        )
        for i, p in enumerate(merged)
    ]


def paragraphs(doc: LoadedDocument) -> list[tuple[str, str]]:
    """(section, text) of every paragraph and list item, as the file has them: what a
    comparison of two versions matches, where chunks would merge or split them."""
    return [(section, block.text) for section, block in _sectioned(doc.blocks)]


def embedded_text(doc: LoadedDocument, chunk: Chunk) -> str:
    """What the embedder (and the lexical index) sees: where the paragraph stands, then it."""
    context = chunk.section
    if not _same_words(context[: len(doc.title)], doc.title):
        context = f"{doc.title}{TRAIL_SEPARATOR}{context}" if context else doc.title
    if doc.organisation:
        context = f"{doc.organisation} – {context}"
    return f"{context}\n\n{chunk.text}"


def _same_words(a: str, b: str) -> bool:
    """Titles and headings differ in dashes and case after PDF conversion."""
    return re.findall(r"\w+", a.casefold()) == re.findall(r"\w+", b.casefold())


def _sectioned(blocks: list[Block]) -> list[tuple[str, Block]]:
    trail: list[Block] = []
    result = []
    for block in blocks:
        if block.kind == "heading":
            trail = [h for h in trail if h.level < block.level] + [block]
        else:
            result.append((TRAIL_SEPARATOR.join(h.text for h in trail), block))
    return result


def _split_long(text: str, section: str, block: Block, max_chars: int) -> list[_Piece]:
    is_list = block.kind == "list_item"
    if block.end - block.start <= max_chars:
        return [_Piece(section, block.start, block.end, block.page, is_list)]
    pieces: list[_Piece] = []
    start = block.start
    last_boundary = start
    for match in SENTENCE_END.finditer(text, block.start, block.end):
        if match.start() - start > max_chars and last_boundary > start:
            pieces.append(_Piece(section, start, last_boundary, block.page))
            start = _skip_space(text, last_boundary)
        last_boundary = match.start()
    if block.end - start > max_chars and last_boundary > start:
        pieces.append(_Piece(section, start, last_boundary, block.page))
        start = _skip_space(text, last_boundary)
    pieces.append(_Piece(section, start, block.end, block.page))
    return [
        _Piece(p.section, p.start, p.end, p.page, is_list)
        for piece in pieces
        for p in _split_at_spaces(text, piece, max_chars)
    ]


def _split_at_spaces(text: str, piece: _Piece, max_chars: int) -> list[_Piece]:
    """Last resort for a single sentence longer than `max_chars`."""
    result = []
    start = piece.start
    while piece.end - start > max_chars:
        cut = text.rfind(" ", start, start + max_chars)
        cut = cut if cut > start else start + max_chars
        result.append(_Piece(piece.section, start, cut, piece.page))
        start = _skip_space(text, cut)
    result.append(_Piece(piece.section, start, piece.end, piece.page))
    return result


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position


def _merge_small(pieces: list[_Piece], options: ChunkingOptions) -> list[_Piece]:
    merged: list[_Piece] = []
    for piece in pieces:
        last = merged[-1] if merged else None
        if (
            last is not None
            and last.section == piece.section
            and min(last.end - last.start, piece.end - piece.start) < options.min_chars
            and piece.end - last.start <= options.max_chars
        ):
            last.end = piece.end
            last.is_list = last.is_list and piece.is_list
        else:
            merged.append(_Piece(piece.section, piece.start, piece.end, piece.page, piece.is_list))
    return merged
