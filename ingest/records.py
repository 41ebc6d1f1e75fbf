"""What a loaded file becomes against the versions already catalogued: its effective date,
whether it changes anything, whether it is a backdated edit to refuse, and its chunks' LangChain
documents and version record."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from langchain_core.documents import Document

from assistant.storage.versions import DocumentRecord, VersionRecord
from ingest.chunking import Chunk, embedded_text
from ingest.documents import LoadedDocument, LoadError


def effective_date(doc: LoadedDocument, record: DocumentRecord | None, today: date) -> str:
    """The file's date, else today; a deleted document comes back from today at the earliest."""
    effective = doc.effective_date or today.isoformat()
    return max(effective, today.isoformat()) if record is not None and record.deleted else effective


def refuse_backdated_edit(path: Path, record: DocumentRecord | None, effective: str) -> None:
    """Refuse a new text of the file in force dated before the version in force: stored, it
    would be superseded at once and the old text would stay in force, so `changes` would read
    backwards. Earlier versions kept in files of their own (`<document>/<date>.md`) are history
    and welcome in any order; an edited file with an old `effective_date` is a mistake."""
    live = record.live if record else None
    if live is None or effective >= live.effective_date:
        return
    if Path(live.source_path) != path.resolve():
        return
    raise LoadError(
        path,
        f"the new text is dated {effective}, before {live.effective_date}, the date of the "
        f"version in force (v{live.version}): it would be stored as superseded and the old "
        "text would stay in force; nothing was stored. Set `effective_date` in the file's "
        "front matter to the day the new text takes effect, and ingest it again",
    )


def unchanged(doc: LoadedDocument, record: DocumentRecord | None, effective: str) -> bool:
    """A file is unchanged if its version would change nothing in force from its date (for an
    undated file: it is the version in force; an edit reverted is a new version), or if it is
    dated and its version is catalogued. A deleted document never is."""
    if record is None or record.deleted:
        return False
    if not record.changed_by(doc.content_hash, effective):
        return True
    dated = doc.effective_date is not None
    return dated and any(v.same_as(doc.content_hash, effective) for v in record.versions)


def langchain_document(
    doc: LoadedDocument, chunk: Chunk, effective: str, organisation: str | None
) -> Document:
    """The chunk as the index holds it. `organisation` may be the site's one for statutes, which is
    metadata only: the embedded text (and so the cached vector) stays the file's own."""
    metadata: dict[str, str | int] = {
        "doc_id": doc.doc_id,
        "version_hash": doc.content_hash,
        "title": doc.title,
        "section": chunk.section,
        "position": chunk.position,
        "start": chunk.start,
        "end": chunk.end,
        "text": chunk.text,
        "chunk_hash": chunk.content_hash,
        "is_list": chunk.is_list,
        "effective_date": effective,
    }
    optional = {
        "access": doc.access or None,
        "organisation": organisation,
        "document_type": doc.document_type,
        "page": chunk.page,
    }
    metadata.update({k: v for k, v in optional.items() if v is not None})
    return Document(page_content=embedded_text(doc, chunk), metadata=metadata)


def version_record(
    doc: LoadedDocument, chunk_count: int, effective: str, organisation: str | None
) -> VersionRecord:
    return VersionRecord(
        doc_id=doc.doc_id,
        content_hash=doc.content_hash,
        title=doc.title,
        source_path=str(doc.source_path.resolve()),
        chunk_count=chunk_count,
        organisation=organisation,
        document_type=doc.document_type,
        effective_date=effective,
        metadata=doc.metadata,
        withdrawn=doc.withdrawn,
    )
