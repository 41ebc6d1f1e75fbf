"""The document catalogue: every version of every document, with its text, paragraphs and chunks.

The catalogue is the history; Chroma holds vectors only for the versions needed today (the one
in force and upcoming ones, see `DocumentRecord.indexed`). A superseded version's chunks stay
here, and their vectors in the embedding cache, so a question about an earlier date costs no
re-embedding. Adding a version is one SQLite transaction, done after its chunks are in the
index and before paragraphs no longer needed are removed, so readers, who keep only chunks of
catalogued versions, never see a document half replaced.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, date, datetime
from pathlib import Path

from assistant.storage import sqlite
from assistant.storage.versions import DELETED, DocumentRecord, VersionRecord

SCHEMA = """
CREATE TABLE IF NOT EXISTS versions (
    doc_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    title TEXT NOT NULL,
    organisation TEXT,
    document_type TEXT,
    effective_date TEXT NOT NULL,
    withdrawn INTEGER NOT NULL,
    source_path TEXT NOT NULL,
    ingested_at TEXT NOT NULL,
    chunk_count INTEGER NOT NULL,
    metadata TEXT NOT NULL,
    text TEXT NOT NULL,
    paragraphs TEXT NOT NULL,
    PRIMARY KEY (doc_id, version)
);
CREATE TABLE IF NOT EXISTS chunks (
    doc_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    position INTEGER NOT NULL,
    content TEXT NOT NULL,
    metadata TEXT NOT NULL,
    PRIMARY KEY (doc_id, version, position)
);
CREATE TABLE IF NOT EXISTS state (
    key TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
"""

# Every column but the text and paragraphs, which only citations and history views need.
FIELDS = (
    "doc_id",
    "version",
    "content_hash",
    "title",
    "organisation",
    "document_type",
    "effective_date",
    "withdrawn",
    "source_path",
    "ingested_at",
    "chunk_count",
    "metadata",
)
Paragraph = tuple[str, str]  # (section, verbatim text)
StoredChunk = tuple[str, dict]  # (embedded text, chunk metadata), as the index holds it


class OutdatedCatalogError(RuntimeError):
    """The catalogue was written by a release without version dates."""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Catalog:
    """SQLite-backed; one short connection per call, so threads and processes can share it.

    `clock` says what day it is: statuses and the version in force follow it, so a version
    dated in the future comes into force on its day with no re-ingest.
    """

    def __init__(self, path: Path, clock: Callable[[], date] = date.today) -> None:
        self.path = path
        self.clock = clock
        if path.exists():
            with sqlite.connect(path) as db:
                columns = {row["name"] for row in db.execute("PRAGMA table_info(versions)")}
            if columns and "withdrawn" not in columns:
                raise OutdatedCatalogError(
                    f"{path} was written by an earlier release, which kept no version dates."
                )
        sqlite.create(path, SCHEMA)

    def today(self) -> date:
        return self.clock()

    def generation(self) -> int:
        """Grows with every version added, so readers know when to refresh derived indexes."""
        with sqlite.connect(self.path) as db:
            row = db.execute("SELECT value FROM state WHERE key = 'generation'").fetchone()
        return row["value"] if row else 0

    def identity(self) -> str:
        """Tells this catalogue from another at the same generation (one rebuilt or recreated),
        so that a snapshot saved from one is never read for the other."""
        with sqlite.connect(self.path) as db:
            db.execute(
                "INSERT OR IGNORE INTO state VALUES ('identity', ?)", (secrets.randbits(62),)
            )
            row = db.execute("SELECT value FROM state WHERE key = 'identity'").fetchone()
        return f"{row['value']:016x}"

    def document(self, doc_id: str) -> DocumentRecord | None:
        with sqlite.connect(self.path) as db:
            rows = db.execute(
                f"SELECT {', '.join(FIELDS)} FROM versions WHERE doc_id = ?", (doc_id,)
            ).fetchall()
        return DocumentRecord(doc_id, [_version(r) for r in rows], self.today()) if rows else None

    def documents(self, include_withdrawn: bool = False) -> list[DocumentRecord]:
        with sqlite.connect(self.path) as db:
            rows = db.execute(
                f"SELECT {', '.join(FIELDS)} FROM versions ORDER BY doc_id"
            ).fetchall()
        grouped: dict[str, list[VersionRecord]] = {}
        for row in rows:
            grouped.setdefault(row["doc_id"], []).append(_version(row))
        today = self.today()
        records = [DocumentRecord(doc_id, versions, today) for doc_id, versions in grouped.items()]
        return [r for r in records if include_withdrawn or r.state != "withdrawn"]

    def live(self, doc_id: str) -> VersionRecord | None:
        """The version in force today."""
        record = self.document(doc_id)
        return record.live if record else None

    def text(self, doc_id: str, version: int | None = None) -> str | None:
        """A version's full text (the one in force by default): what citations quote from."""
        if version is None:
            live = self.live(doc_id)
            if live is None:
                return None
            version = live.version
        return self._column("text", doc_id, version)

    def paragraphs(self, doc_id: str, version: int) -> list[Paragraph]:
        """A version's paragraphs (not merged or split as chunks are), in reading order."""
        stored = self._column("paragraphs", doc_id, version)
        return [tuple(p) for p in json.loads(stored)] if stored else []  # type: ignore[misc]

    def chunks(self, doc_id: str, version: int) -> list[StoredChunk]:
        with sqlite.connect(self.path) as db:
            rows = db.execute(
                "SELECT content, metadata FROM chunks WHERE doc_id = ? AND version = ? "
                "ORDER BY position",
                (doc_id, version),
            ).fetchall()
        return [(r["content"], json.loads(r["metadata"])) for r in rows]

    def publish(
        self,
        record: VersionRecord,
        text: str,
        paragraphs: list[Paragraph],
        chunks: list[StoredChunk],
    ) -> VersionRecord:
        """Add `record` as the document's newest version, with its chunks, atomically."""
        with sqlite.connect(self.path) as db:
            previous = db.execute(
                "SELECT MAX(version) AS v FROM versions WHERE doc_id = ?", (record.doc_id,)
            ).fetchone()["v"]
            record.version = (previous or 0) + 1
            record.ingested_at = now()
            values = asdict(record)
            values["metadata"] = json.dumps(record.metadata, ensure_ascii=False)
            values["withdrawn"] = int(record.withdrawn)
            columns = [*FIELDS, "text", "paragraphs"]
            values.update(text=text, paragraphs=json.dumps(paragraphs, ensure_ascii=False))
            db.execute(
                f"INSERT INTO versions ({', '.join(columns)}) VALUES ({', '.join('?' * 14)})",
                [values[c] for c in columns],
            )
            db.executemany(
                "INSERT INTO chunks VALUES (?, ?, ?, ?, ?)",
                [
                    (
                        record.doc_id,
                        record.version,
                        n,
                        content,
                        json.dumps(meta, ensure_ascii=False),
                    )
                    for n, (content, meta) in enumerate(chunks)
                ],
            )
            _bump_generation(db)
        return record

    def withdraw(self, doc_id: str) -> VersionRecord | None:
        """Withdraw a document from today (a delete); its versions stay as history."""
        record = self.document(doc_id)
        if record is None or record.live is None:
            return None
        latest = record.latest
        withdrawal = VersionRecord(
            doc_id=doc_id,
            content_hash="",
            title=latest.title,
            source_path="",
            chunk_count=0,
            effective_date=self.today().isoformat(),
            organisation=latest.organisation,
            document_type=latest.document_type,
            metadata={**latest.metadata, "withdrawn_by": DELETED},
            withdrawn=True,
        )
        return self.publish(withdrawal, "", [], [])

    def _column(self, column: str, doc_id: str, version: int) -> str | None:
        with sqlite.connect(self.path) as db:
            row = db.execute(
                f"SELECT {column} FROM versions WHERE doc_id = ? AND version = ?",
                (doc_id, version),
            ).fetchone()
        return row[column] if row else None


def _bump_generation(db: sqlite3.Connection) -> None:
    db.execute(
        "INSERT INTO state VALUES ('generation', 1) "
        "ON CONFLICT(key) DO UPDATE SET value = value + 1"
    )


def _version(row: sqlite3.Row) -> VersionRecord:
    values = {name: row[name] for name in FIELDS}
    values["metadata"] = json.loads(values["metadata"])
    values["withdrawn"] = bool(values["withdrawn"])
    return VersionRecord(**values)
