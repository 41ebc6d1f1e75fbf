"""What every format's loader shares: a document's identity, title, date and metadata.

A loader finds the blocks; this turns them, the raw bytes and any front matter into the
`LoadedDocument` ingest works with, so every format names and dates documents the same way.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ingest.documents import Block, LoadedDocument, LoadError

DATE_STEM = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def loaded_document(
    path: Path, raw: bytes, blocks: list[Block], meta: dict[str, Any], fallback_title: str = ""
) -> LoadedDocument:
    if not any(block.kind != "heading" and block.text.strip() for block in blocks):
        raise LoadError(path, "no text found" + (" (headings only)" if blocks else ""))
    metadata = {str(k): _as_text(v) for k, v in meta.items() if v not in (None, "")}
    first_heading = next((b.text for b in blocks if b.kind == "heading"), "")
    title = metadata.get("title") or metadata.get("rubrik") or fallback_title or first_heading
    return LoadedDocument(
        doc_id=_doc_id(path, metadata),
        title=title or path.stem,
        source_path=path,
        content_hash=hashlib.sha256(raw).hexdigest(),
        blocks=blocks,
        organisation=metadata.get("organisation"),
        document_type=metadata.get("document_type"),
        effective_date=_effective_date(path, metadata),
        metadata=metadata,
    )


def _doc_id(path: Path, metadata: dict[str, str]) -> str:
    """Front matter `id`; else the file name; else, for `<doc>/<date>.md`, the folder's name.

    Successive versions of one document therefore share an id wherever their files live.
    """
    if metadata.get("id"):
        return metadata["id"]
    stem = path.parent.name if DATE_STEM.match(path.stem) else path.stem
    return re.sub(r"[^\w.-]+", "-", stem).strip("-").lower() or "document"


def _effective_date(path: Path, metadata: dict[str, str]) -> str | None:
    if metadata.get("effective_date"):
        return metadata["effective_date"]
    if DATE_STEM.match(path.stem):
        return path.stem
    return metadata.get("ikraft_datum")


def _as_text(value: Any) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(_as_text(v) for v in value)
    return str(value)
