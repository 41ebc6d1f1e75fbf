"""Vectors already computed, keyed by embedder and text, in a SQLite file beside the index.

LangChain's `CacheBackedEmbeddings` needs a byte store; the SQL one lives in the sunset
`langchain-community` package, so this is the few lines of it the assistant needs.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path

from langchain_core.stores import ByteStore


class SQLiteByteStore(ByteStore):
    def __init__(self, path: Path) -> None:
        self.path = path
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("CREATE TABLE IF NOT EXISTS cache (key TEXT PRIMARY KEY, value BLOB)")

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    def mget(self, keys: Sequence[str]) -> list[bytes | None]:
        with self._connect() as db:
            found = (
                dict(
                    db.execute(
                        f"SELECT key, value FROM cache WHERE key IN ({','.join('?' * len(keys))})",
                        list(keys),
                    ).fetchall()
                )
                if keys
                else {}
            )
        return [found.get(key) for key in keys]

    def mset(self, key_value_pairs: Sequence[tuple[str, bytes]]) -> None:
        with self._connect() as db:
            db.executemany("INSERT OR REPLACE INTO cache VALUES (?, ?)", key_value_pairs)

    def mdelete(self, keys: Sequence[str]) -> None:
        with self._connect() as db:
            db.executemany("DELETE FROM cache WHERE key = ?", [(key,) for key in keys])

    def yield_keys(self, *, prefix: str | None = None) -> Iterator[str]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT key FROM cache WHERE key LIKE ? ESCAPE '\\'",
                ((prefix or "").replace("%", "\\%").replace("_", "\\_") + "%",),
            ).fetchall()
        yield from (row[0] for row in rows)
