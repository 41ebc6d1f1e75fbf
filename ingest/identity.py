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
# A document's id appears in URLs (`/v1/documents/{id}`) and commands: letters, digits and
# '-', '_', '.', beginning with a letter or digit.
DOC_ID = re.compile(r"^[^\W_][\w.-]{0,199}$")


def loaded_document(
    path: Path, raw: bytes, blocks: list[Block], meta: dict[str, Any], fallback_title: str = ""
) -> LoadedDocument:
    metadata = {str(k): _as_text(v) for k, v in meta.items() if v not in (None, "")}
    if not any(block.kind != "heading" and block.text.strip() for block in blocks):
        if not _dated_version(path, metadata):
            raise LoadError(path, "no text found" + (" (headings only)" if blocks else ""))
        blocks = []  # a dated version with no text: the document is withdrawn from that date
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
        if not DOC_ID.match(metadata["id"]):
            raise LoadError(
                path,
                f"id {metadata['id']!r} may hold only letters, digits, '-', '_' and '.', "
                "begin with a letter or digit, and be at most 200 characters",
            )
        return metadata["id"]
    stem = path.parent.name if DATE_STEM.match(path.stem) else path.stem
    return re.sub(r"[^\w.-]+", "-", stem).strip("-").lower() or "document"


def _dated_version(path: Path, metadata: dict[str, str]) -> bool:
    """A version file of a document (`<doc>/<date>.md`, or an `effective_date`): one with no
    text withdraws the document, where an undated empty file is a mistake to report."""
    return bool(DATE_STEM.match(path.stem) or metadata.get("effective_date"))


def _effective_date(path: Path, metadata: dict[str, str]) -> str | None:
    """`effective_date`, else a `<date>.md` file name, else a statute's `ikraft_datum`."""
    for value, source in (
        (metadata.get("effective_date"), "effective_date"),
        (path.stem if DATE_STEM.match(path.stem) else None, "the file name"),
    ):
        if value:
            if not _is_date(value):
                raise LoadError(path, f"{source} {value!r} is not a date (YYYY-MM-DD)")
            return value
    statute = metadata.get("ikraft_datum")
    return statute if statute and _is_date(statute) else None


def _is_date(value: str) -> bool:
    try:
        return date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


def _as_text(value: Any) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(_as_text(v) for v in value)
    return str(value)
