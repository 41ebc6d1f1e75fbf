"""The document catalogue: which documents exist, every version of each, and which one is live.

Chroma holds the vectors of the live versions only; the catalogue keeps the history (metadata
and text of superseded versions, never their vectors). Switching a document to a new version is
one SQLite transaction, done after the new chunks are in the index and before the old ones are
removed, so a reader that keeps only chunks of the live version never sees a document half
replaced, nor one with no chunks.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from assistant.storage import sqlite
from assistant.types import Labels, parse_labels

SCHEMA = """
CREATE TABLE IF NOT EXISTS versions (
    doc_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    title TEXT NOT NULL,
    organisation TEXT,
    document_type TEXT,
    effective_date TEXT,
    source_path TEXT NOT NULL,
    ingested_at TEXT NOT NULL,
    superseded_at TEXT,
    chunk_count INTEGER NOT NULL,
    metadata TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (doc_id, version)
);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    live_version INTEGER,
    deleted_at TEXT
);
CREATE TABLE IF NOT EXISTS state (
    key TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
"""

# Every column but the text, which only citations and history views need.
RECORD_COLUMNS = ", ".join(
    f"v.{column}"
    for column in (
        "doc_id",
        "version",
        "content_hash",
        "title",
        "organisation",
        "document_type",
        "effective_date",
        "source_path",
        "ingested_at",
        "superseded_at",
        "chunk_count",
        "metadata",
    )
)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class VersionRecord:
    """One version of one document, as ingested."""

    doc_id: str
    content_hash: str
    title: str
    source_path: str
    chunk_count: int
    organisation: str | None = None
    document_type: str | None = None
    effective_date: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    version: int = 0
    ingested_at: str = ""
    superseded_at: str | None = None

    @property
    def access(self) -> Labels:
        return parse_labels(self.metadata.get("access"))

    @property
    def label(self) -> str:
        """How a citation names this version: its effective date when known, else its number."""
        if self.effective_date:
            return f"v{self.version}, in force {self.effective_date}"
        return f"v{self.version}, ingested {self.ingested_at[:10]}"


@dataclass
class DocumentRecord:
    doc_id: str
    live: VersionRecord | None
    versions: list[VersionRecord]
    deleted_at: str | None

    @property
    def latest(self) -> VersionRecord:
        """The live version, or the last one a deleted document had."""
        return self.live or self.versions[-1]

    @property
    def title(self) -> str:
        return self.latest.title

    @property
    def organisation(self) -> str | None:
        return self.latest.organisation

    @property
    def document_type(self) -> str | None:
        return self.latest.document_type

    @property
    def chunks(self) -> int:
        """Paragraphs of the live version in the index (none once deleted)."""
        return self.live.chunk_count if self.live else 0


class Catalog:
    """SQLite-backed; one short connection per call, so threads and processes can share it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        sqlite.create(path, SCHEMA)

    def live(self, doc_id: str) -> VersionRecord | None:
        with sqlite.connect(self.path) as db:
            row = db.execute(
                f"SELECT {RECORD_COLUMNS} FROM documents d JOIN versions v "
                "ON v.doc_id = d.doc_id AND v.version = d.live_version WHERE d.doc_id = ?",
                (doc_id,),
            ).fetchone()
        return _version(row) if row else None

    def live_hashes(self) -> dict[str, str]:
        """doc_id → content hash of its live version: what a reader may show."""
        with sqlite.connect(self.path) as db:
            rows = db.execute(
                "SELECT v.doc_id, v.content_hash FROM documents d JOIN versions v "
                "ON v.doc_id = d.doc_id AND v.version = d.live_version"
            ).fetchall()
        return {r["doc_id"]: r["content_hash"] for r in rows}

    def generation(self) -> int:
        """Grows with every publish or delete, so readers know when to refresh derived indexes."""
        with sqlite.connect(self.path) as db:
            row = db.execute("SELECT value FROM state WHERE key = 'generation'").fetchone()
        return row["value"] if row else 0

    def text(self, doc_id: str, version: int | None = None) -> str | None:
        """A version's full text (the live one by default): what citations quote from."""
        with sqlite.connect(self.path) as db:
            if version is None:
                row = db.execute(
                    "SELECT v.text FROM documents d JOIN versions v "
                    "ON v.doc_id = d.doc_id AND v.version = d.live_version WHERE d.doc_id = ?",
                    (doc_id,),
                ).fetchone()
            else:
                row = db.execute(
                    "SELECT text FROM versions WHERE doc_id = ? AND version = ?", (doc_id, version)
                ).fetchone()
        return row["text"] if row else None

    def publish(self, record: VersionRecord, text: str) -> VersionRecord:
        """Add `record` as the document's newest version and make it live, atomically."""
        with sqlite.connect(self.path) as db:
            previous = db.execute(
                "SELECT MAX(version) AS v FROM versions WHERE doc_id = ?", (record.doc_id,)
            ).fetchone()["v"]
            record.version = (previous or 0) + 1
            record.ingested_at = now()
            db.execute(
                "UPDATE versions SET superseded_at = ? WHERE doc_id = ? AND superseded_at IS NULL",
                (record.ingested_at, record.doc_id),
            )
            db.execute(
                "INSERT INTO versions VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    record.doc_id,
                    record.version,
                    record.content_hash,
                    record.title,
                    record.organisation,
                    record.document_type,
                    record.effective_date,
                    record.source_path,
                    record.ingested_at,
                    None,
                    record.chunk_count,
                    json.dumps(record.metadata, ensure_ascii=False),
                    text,
                ),
            )
            db.execute(
                "INSERT INTO documents VALUES (?, ?, NULL) ON CONFLICT(doc_id) "
                "DO UPDATE SET live_version = excluded.live_version, deleted_at = NULL",
                (record.doc_id, record.version),
            )
            _bump_generation(db)
        return record

    def delete(self, doc_id: str) -> None:
        """Take a document out of service; its versions stay as history."""
        stamp = now()
        with sqlite.connect(self.path) as db:
            db.execute(
                "UPDATE versions SET superseded_at = ? WHERE doc_id = ? AND superseded_at IS NULL",
                (stamp, doc_id),
            )
            db.execute(
                "UPDATE documents SET live_version = NULL, deleted_at = ? WHERE doc_id = ?",
                (stamp, doc_id),
            )
            _bump_generation(db)

    def documents(self, include_deleted: bool = False) -> list[DocumentRecord]:
        with sqlite.connect(self.path) as db:
            docs = db.execute("SELECT * FROM documents ORDER BY doc_id").fetchall()
            rows = db.execute(
                f"SELECT {RECORD_COLUMNS} FROM versions v ORDER BY v.doc_id, v.version"
            ).fetchall()
        versions: dict[str, list[VersionRecord]] = {}
        for row in rows:
            versions.setdefault(row["doc_id"], []).append(_version(row))
        result = []
        for doc in docs:
            if doc["deleted_at"] and not include_deleted:
                continue
            history = versions.get(doc["doc_id"], [])
            live = next((v for v in history if v.version == doc["live_version"]), None)
            result.append(DocumentRecord(doc["doc_id"], live, history, doc["deleted_at"]))
        return result


def _bump_generation(db: sqlite3.Connection) -> None:
    db.execute(
        "INSERT INTO state VALUES ('generation', 1) "
        "ON CONFLICT(key) DO UPDATE SET value = value + 1"
    )


def _version(row: sqlite3.Row) -> VersionRecord:
    return VersionRecord(
        doc_id=row["doc_id"],
        version=row["version"],
        content_hash=row["content_hash"],
        title=row["title"],
        organisation=row["organisation"],
        document_type=row["document_type"],
        effective_date=row["effective_date"],
        source_path=row["source_path"],
        ingested_at=row["ingested_at"],
        superseded_at=row["superseded_at"],
        chunk_count=row["chunk_count"],
        metadata=json.loads(row["metadata"]),
    )
