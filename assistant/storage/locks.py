"""Named locks held in the shared database, so that one document is written by one ingest at a
time across threads, processes and hosts.

On PostgreSQL a transaction-level advisory lock, taken on a connection of its own and held while
the block runs: the server releases it at the block's end, or when the holder's connection dies.
On SQLite (one host) an exclusive `flock` on a file in a `locks/` folder beside the database
file, which the kernel releases when the holder exits. `flock` locks belong to an open file, so
two threads of one process exclude each other as two processes do.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import math
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text

from assistant.storage.database import Database, advisory_key

log = logging.getLogger(__name__)

POLL = 0.1  # seconds between two tries while another holder has the lock


class LockTimeoutError(RuntimeError):
    """Another holder kept the lock longer than the caller would wait."""


@contextmanager
def named_lock(db: Database, name: str, timeout: float) -> Iterator[None]:
    """Hold `name` in `db` while the block runs; wait up to `timeout` s for another holder
    (saying so once, as a warning, when it is not free at once)."""
    if db.engine.dialect.name == "postgresql":
        take = _advisory(db, name)
    else:  # SQLite: always a file here (the settings name one in the data directory)
        take = _file_lock(Path(db.engine.url.database or ""), name)
    with take as try_lock:
        deadline = time.monotonic() + timeout
        told = False
        while not try_lock():
            if time.monotonic() >= deadline:
                raise LockTimeoutError(f"{name!r} held by another for over {timeout:g} s")
            if not told:
                limit = f" (up to {timeout:g} s)" if timeout != math.inf else ""
                log.warning("waiting for another holder of %s%s", name, limit)
                told = True
            time.sleep(POLL)
        yield


@contextmanager
def _advisory(db: Database, name: str) -> Iterator[Callable[[], bool]]:
    query = text("SELECT pg_try_advisory_xact_lock(:key)").bindparams(key=advisory_key(name))
    with db.engine.connect() as connection, connection.begin():
        yield lambda: bool(connection.scalar(query))


@contextmanager
def _file_lock(database: Path, name: str) -> Iterator[Callable[[], bool]]:
    folder = database.parent / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    # The name hashed: a document id may hold any character; the file stays (removing it
    # while another process waits on it would let a third take a lock on a new file).
    path = folder / (hashlib.sha256(name.encode()).hexdigest()[:32] + ".lock")
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)

    def try_lock() -> bool:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    try:
        yield try_lock
    finally:
        os.close(descriptor)  # releases the lock
