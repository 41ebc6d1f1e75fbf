"""The document catalogue: every version of every document, with its text, paragraphs and chunks.

The catalogue is the history; Chroma holds vectors only for the versions needed today (the one
in force and upcoming ones, see `DocumentRecord.indexed`). A superseded version's chunks stay
here, and their vectors in the embedding cache, so a question about an earlier date costs no
re-embedding. Adding a version is one transaction, done after its chunks are in the
index and before paragraphs no longer needed are removed, so readers, who keep only chunks of
catalogued versions, never see a document half replaced.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import asdict
from datetime import UTC, date, datetime

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Integer,
    MetaData,
    Row,
    Table,
    Text,
    inspect,
    select,
)

from assistant.storage.database import Database, upsert
from assistant.storage.locks import named_lock
from assistant.storage.versions import DELETED, DocumentRecord, VersionRecord

SCHEMA = MetaData()
VERSIONS = Table(
    "versions",
    SCHEMA,
    Column("doc_id", Text, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("content_hash", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("organisation", Text),
    Column("document_type", Text),
    Column("effective_date", Text, nullable=False),
    Column("withdrawn", Integer, nullable=False),
    Column("source_path", Text, nullable=False),
    Column("ingested_at", Text, nullable=False),
    Column("chunk_count", Integer, nullable=False),
    Column("metadata", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("paragraphs", Text, nullable=False),
)
CHUNKS = Table(
    "chunks",
    SCHEMA,
    Column("doc_id", Text, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("content", Text, nullable=False),
    Column("metadata", Text, nullable=False),
)
STATE = Table(
    "state",
    SCHEMA,
    Column("key", Text, primary_key=True),
    Column("value", BigInteger, nullable=False),
)

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
COLUMNS = [VERSIONS.c[name] for name in FIELDS]
Paragraph = tuple[str, str]  # (section, verbatim text)
StoredChunk = tuple[str, dict]  # (embedded text, chunk metadata), as the index holds it


class OutdatedCatalogError(RuntimeError):
    """The catalogue was written by a release without version dates."""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Catalog:
    """One short transaction per call, so threads, processes and hosts can share it.

    `clock` says what day it is: statuses and the version in force follow it, so a version
    dated in the future comes into force on its day with no re-ingest.
    """

    def __init__(self, url: str, clock: Callable[[], date] = date.today) -> None:
        self.db = Database(url)
        self.clock = clock
        tables = inspect(self.db.engine)
        if tables.has_table("versions"):
            columns = {c["name"] for c in tables.get_columns("versions")}
            if "withdrawn" not in columns:
                raise OutdatedCatalogError(
                    f"{self.db.describe()} was written by an earlier release, which kept no "
                    "version dates."
                )
        self.db.create(SCHEMA)

    def today(self) -> date:
        return self.clock()

    def generation(self) -> int:
        """Grows with every version added, so readers know when to refresh derived indexes."""
        with self.db.transaction() as db:
            value = db.scalar(select(STATE.c.value).where(STATE.c.key == "generation"))
        return value or 0

    def identity(self) -> str:
        """Tells this catalogue from another at the same generation (one rebuilt or recreated),
        so that a snapshot saved from one is never read for the other."""
        with self.db.transaction() as db:
            new = {"key": "identity", "value": secrets.randbits(62)}
            db.execute(upsert(db, STATE).values(new).on_conflict_do_nothing())
            value = db.scalar(select(STATE.c.value).where(STATE.c.key == "identity"))
        return f"{value:016x}"

    def indexed_store(self) -> int | None:
        """The identity of the vector store the last command-line ingest wrote and found
        consistent with this catalogue (`Store.identity`), if one did."""
        with self.db.transaction() as db:
            return db.scalar(select(STATE.c.value).where(STATE.c.key == "store"))

    def note_indexed_store(self, identity: int) -> None:
        with self.db.transaction() as db:
            row = upsert(db, STATE).values(key="store", value=identity)
            db.execute(row.on_conflict_do_update(index_elements=["key"], set_={"value": identity}))

    def document(self, doc_id: str) -> DocumentRecord | None:
        with self.db.transaction() as db:
            return self._document(db, doc_id)

    def _document(self, db: Connection, doc_id: str) -> DocumentRecord | None:
        rows = db.execute(select(*COLUMNS).where(VERSIONS.c.doc_id == doc_id)).all()
        return DocumentRecord(doc_id, [_version(r) for r in rows], self.today()) if rows else None

    def documents(self, include_withdrawn: bool = False) -> list[DocumentRecord]:
        with self.db.transaction() as db:
            rows = db.execute(select(*COLUMNS).order_by(VERSIONS.c.doc_id)).all()
        grouped: dict[str, list[VersionRecord]] = {}
        for row in rows:
            grouped.setdefault(row.doc_id, []).append(_version(row))
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
        query = (
            select(CHUNKS.c.content, CHUNKS.c.metadata)
            .where(CHUNKS.c.doc_id == doc_id, CHUNKS.c.version == version)
            .order_by(CHUNKS.c.position)
        )
        with self.db.transaction() as db:
            rows = db.execute(query).all()
        return [(r.content, json.loads(r.metadata)) for r in rows]

    def writing(self, doc_id: str, timeout: float) -> AbstractContextManager[None]:
        """Hold `doc_id` for one writer at a time, in every process and on every host that
        shares this catalogue; wait up to `timeout` s for another (`LockTimeoutError`)."""
        return named_lock(self.db, f"document:{doc_id}", timeout)

    def store_writer(self, embedded: bool, timeout: float) -> AbstractContextManager[None]:
        """Held by every process that writes an embedded vector store (a command-line ingest
        for its whole run, a server's upload or delete), since Chroma's embedded client is not
        process-safe (`Store.refresh`, called under it); another writer waits up to `timeout`
        s (`LockTimeoutError`). A Chroma server takes writers at once: no lock."""
        if not embedded:
            return nullcontext()
        return named_lock(self.db, "embedded-store", timeout)

    def publish(
        self,
        record: VersionRecord,
        text: str,
        paragraphs: list[Paragraph],
        chunks: list[StoredChunk],
    ) -> VersionRecord | None:
        """Add `record` as the document's newest version, with its chunks, atomically.

        None, and nothing stored, when the version in force on its date has the same content
        (see `DocumentRecord.changed_by`). Checked in the transaction that adds it: two
        publishers that read the same versions cannot both add the next, as (document,
        version) is the table's key.
        """
        with self.db.transaction() as db:
            current = self._document(db, record.doc_id)
            if current and not current.changed_by(record.content_hash, record.effective_date):
                return None
            record.version = max(v.version for v in current.versions) + 1 if current else 1
            record.ingested_at = now()
            values = {name: value for name, value in asdict(record).items() if name in FIELDS}
            values["metadata"] = json.dumps(record.metadata, ensure_ascii=False)
            values["withdrawn"] = int(record.withdrawn)
            values.update(text=text, paragraphs=json.dumps(paragraphs, ensure_ascii=False))
            db.execute(VERSIONS.insert().values(values))
            if chunks:
                db.execute(
                    CHUNKS.insert(),
                    [
                        {
                            "doc_id": record.doc_id,
                            "version": record.version,
                            "position": n,
                            "content": content,
                            "metadata": json.dumps(meta, ensure_ascii=False),
                        }
                        for n, (content, meta) in enumerate(chunks)
                    ],
                )
            _bump_generation(db)
        return record

    def withdraw(self, doc_id: str) -> VersionRecord | None:
        """Withdraw a document from today (a delete); its versions stay as history. None when
        it has no version in force (or another writer withdrew it first)."""
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
        query = select(VERSIONS.c[column]).where(
            VERSIONS.c.doc_id == doc_id, VERSIONS.c.version == version
        )
        with self.db.transaction() as db:
            return db.scalar(query)


def _bump_generation(db: Connection) -> None:
    first = upsert(db, STATE).values(key="generation", value=1)
    db.execute(
        first.on_conflict_do_update(index_elements=["key"], set_={"value": STATE.c.value + 1})
    )


def _version(row: Row) -> VersionRecord:
    values = {name: row._mapping[name] for name in FIELDS}
    values["metadata"] = json.loads(values["metadata"])
    values["withdrawn"] = bool(values["withdrawn"])
    return VersionRecord(**values)
