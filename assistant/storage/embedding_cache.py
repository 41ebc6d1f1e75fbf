"""Vectors already computed, keyed by embedder and text, in the database beside the index.

LangChain's `CacheBackedEmbeddings` needs a byte store; the SQL one lives in the sunset
`langchain-community` package, so this is the few lines of it the assistant needs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from langchain_core.stores import ByteStore
from sqlalchemy import Column, LargeBinary, MetaData, Table, Text, select

from assistant.storage.database import Database, upsert

SCHEMA = MetaData()
CACHE = Table(
    "cache",
    SCHEMA,
    Column("key", Text, primary_key=True),
    Column("value", LargeBinary),
)


class SQLByteStore(ByteStore):
    def __init__(self, url: str) -> None:
        self.db = Database(url)
        self.db.create(SCHEMA)

    def mget(self, keys: Sequence[str]) -> list[bytes | None]:
        if not keys:
            return []
        with self.db.transaction() as db:
            rows = db.execute(select(CACHE).where(CACHE.c.key.in_(keys))).all()
        found = {row.key: bytes(row.value) for row in rows}
        return [found.get(key) for key in keys]

    def mset(self, key_value_pairs: Sequence[tuple[str, bytes]]) -> None:
        # One row per key: a statement may not touch a row twice (PostgreSQL refuses it).
        rows = [{"key": k, "value": v} for k, v in dict(key_value_pairs).items()]
        if not rows:
            return
        with self.db.transaction() as db:
            insert = upsert(db, CACHE)
            db.execute(
                insert.on_conflict_do_update(
                    index_elements=["key"], set_={"value": insert.excluded.value}
                ),
                rows,
            )

    def mdelete(self, keys: Sequence[str]) -> None:
        with self.db.transaction() as db:
            db.execute(CACHE.delete().where(CACHE.c.key.in_(list(keys))))

    def yield_keys(self, *, prefix: str | None = None) -> Iterator[str]:
        escaped = (prefix or "").replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = select(CACHE.c.key).where(CACHE.c.key.like(escaped + "%", escape="\\"))
        with self.db.transaction() as db:
            keys = db.scalars(query).all()
        yield from keys
