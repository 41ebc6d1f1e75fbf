"""What a loader hands to the chunker: a document as an ordered list of structural blocks."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from assistant.types import parse_labels

BlockKind = Literal["heading", "paragraph", "list_item"]
BLOCK_SEPARATOR = "\n\n"


@dataclass
class Block:
    """A heading, paragraph or list item, with its place in `LoadedDocument.text`."""

    kind: BlockKind
    text: str
    level: int = 0  # heading level, 1 = top
    page: int | None = None  # 1-based, for paginated formats
    start: int = 0
    end: int = 0


@dataclass
class LoadedDocument:
    """A file's text and structure; `text` is the blocks joined, so every span is verbatim."""

    doc_id: str
    title: str
    source_path: Path
    content_hash: str
    blocks: list[Block]
    organisation: str | None = None
    document_type: str | None = None
    effective_date: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    text: str = field(default="", repr=False)

    @property
    def access(self) -> str:
        """The access labels from front matter (`access: [hr, ledning]`), as stored."""
        return ",".join(sorted(parse_labels(self.metadata.get("access"))))

    @property
    def is_statute(self) -> bool:
        """A statute of the SFS: its front matter gives its number (`beteckning: 1993:100`)."""
        return bool(self.metadata.get("beteckning"))

    @property
    def withdrawn(self) -> bool:
        """A dated version with no text: from its date the document is not in force."""
        return not self.blocks

    def __post_init__(self) -> None:
        parts: list[str] = []
        offset = 0
        for block in self.blocks:
            if parts:
                offset += len(BLOCK_SEPARATOR)
            block.start, block.end = offset, offset + len(block.text)
            parts.append(block.text)
            offset = block.end
        self.text = BLOCK_SEPARATOR.join(parts)


@dataclass(frozen=True)
class LoadLimits:
    """What one file may hold before it is refused, checked before a library parses it, so
    a small file built to expand (nested YAML aliases, millions of empty DOCX paragraphs) is
    a clear per-file error, never a server that runs out of memory."""

    max_bytes: int = 50_000_000  # the file as stored
    max_chars: int = 5_000_000  # the document's text
    max_elements: int = 200_000  # XML elements of a DOCX, tags of an HTML file
    max_chunks: int = 20_000  # paragraphs indexed for one document
    max_seconds: float = 900.0  # embedding one file, so one upload cannot hold ingest for hours
    max_front_matter_chars: int = 500_000  # statutes list their amendments there (up to 80 kB)


class LoadError(Exception):
    """A file that cannot be ingested; the message names the file and says why."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
