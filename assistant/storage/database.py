"""The SQL database behind the catalogue, the embedding cache, feedback and the audit log.

By default each is a SQLite file in the data directory; with `POLICY_ASSISTANT_DATABASE_URL`
they all live in one database server (PostgreSQL), so that several hosts share them. The stores
speak SQLAlchemy Core, so one set of statements serves both.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from sqlalchemy import Connection, Engine, MetaData, Table, create_engine, event, make_url, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.pool import NullPool
from sqlalchemy.sql import Insert


class Database:
    """A URL's engine; each statement runs in a `transaction()` block."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _engine(url)

    def describe(self) -> str:
        return describe(self.url)

    def create(self, schema: MetaData) -> None:
        """Create the schema's missing tables, once however many processes start together:
        the creators take turns (else the second, finding no table, fails creating one the
        first made meanwhile: "table chunks already exists")."""
        with self.engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                connection.exec_driver_sql("BEGIN IMMEDIATE")  # waits for another writer
            else:
                key = advisory_key("schema")
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
            schema.create_all(connection)
            connection.commit()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A connection whose block is one transaction (committed, or rolled back on error)."""
        with self.engine.begin() as connection:
            yield connection


def describe(url: str) -> str:
    """The URL without its password, for messages and logs."""
    return make_url(url).render_as_string(hide_password=True)


def advisory_key(name: str) -> int:
    """A signed 64-bit PostgreSQL advisory lock key for `name`."""
    digest = hashlib.sha256(f"policy-assistant:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def upsert(connection: Connection, table: Table) -> Insert:
    """An INSERT that can take `on_conflict_do_nothing` / `on_conflict_do_update`."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


@cache
def _engine(url: str) -> Engine:
    """One engine, and so one connection pool, per URL and process: the catalogue, the cache,
    feedback and audit on one PostgreSQL server share it rather than open a pool each."""
    if make_url(url).get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    # One short connection per call, as a file shared with an ingesting process wants: no
    # connection outlives its transaction, and a writer waits up to 30 s for another's lock.
    path = make_url(url).database
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, poolclass=NullPool, connect_args={"timeout": 30})
    event.listen(engine, "connect", _write_ahead_log)
    return engine


def _write_ahead_log(connection: sqlite3.Connection, _record: object) -> None:
    """Readers do not block the writer nor it them. The mode stays with the file once set;
    setting it takes the file whole, without waiting (SQLite's busy timeout does not apply),
    so a process opening a new file while another creates its tables tries again."""
    for attempt in range(100):
        try:
            if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError:
            if attempt == 99:
                raise
            time.sleep(0.05)
