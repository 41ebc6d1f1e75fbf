"""The chat page's signed-in sessions, kept server-side so that they end, and the count of failed
sign-ins and keys per client address, so that guessing keys slows down.

The browser's cookie holds a random token; the table keeps only its hash, whom it signs in and
when. A session ends at sign-out, after `idle_seconds` without use, `absolute_seconds` after
sign-in, and (checked by the web edge) when the key it was begun with is no longer configured.
Both tables live in the database the site configured, so several workers and hosts share them.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from sqlalchemy import Column, Float, Integer, MetaData, Table, Text, delete, select, update

from assistant.storage.database import Database, upsert

SCHEMA = MetaData()
SESSIONS = Table(
    "page_sessions",
    SCHEMA,
    Column("token_hash", Text, primary_key=True),
    Column("user_name", Text, nullable=False),
    Column("started_at", Float, nullable=False),
    Column("seen_at", Float, nullable=False),
)
FAILURES = Table(
    "credential_failures",
    SCHEMA,
    Column("address", Text, primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_at", Float, nullable=False),
)
TOUCH_EVERY = 60.0  # seconds: a session's last use is written at most this often
LONGEST_BLOCK = 900.0  # seconds
FORGIVEN_AFTER = 3600.0  # seconds without a failure: the address starts afresh


@dataclass(frozen=True)
class Lifetimes:
    idle_seconds: float  # a session unused this long has ended
    absolute_seconds: float  # a session this old has ended
    failures_allowed: int  # failed keys from one address before each further one blocks it


class SessionStore:
    def __init__(self, url: str, lifetimes: Lifetimes) -> None:
        self.db = Database(url)
        self.lifetimes = lifetimes
        self.db.create(SCHEMA)

    # ---- sessions ----

    def start(self, user_name: str) -> str:
        """A new session for `user_name`; returns the token for the browser's cookie."""
        token = secrets.token_urlsafe(32)
        now = time.time()
        with self.db.transaction() as db:
            db.execute(self._expired(now))
            db.execute(
                SESSIONS.insert().values(
                    token_hash=_hash(token), user_name=user_name, started_at=now, seen_at=now
                )
            )
        return token

    def user_of(self, token: str) -> str | None:
        """Who the session `token` signs in, or None when there is no such live session."""
        now = time.time()
        with self.db.transaction() as db:
            row = db.execute(select(SESSIONS).where(SESSIONS.c.token_hash == _hash(token))).first()
            if row is None:
                return None
            if self._ended(row.started_at, row.seen_at, now):
                db.execute(delete(SESSIONS).where(SESSIONS.c.token_hash == row.token_hash))
                return None
            if now - row.seen_at > min(TOUCH_EVERY, self.lifetimes.idle_seconds / 4):
                db.execute(
                    update(SESSIONS)
                    .where(SESSIONS.c.token_hash == row.token_hash)
                    .values(seen_at=now)
                )
        return row.user_name

    def end(self, token: str) -> None:
        with self.db.transaction() as db:
            db.execute(delete(SESSIONS).where(SESSIONS.c.token_hash == _hash(token)))

    def end_all_but(self, user_names: set[str]) -> int:
        """End every session of a user not in `user_names` (a key no longer configured)."""
        with self.db.transaction() as db:
            ended = db.execute(delete(SESSIONS).where(SESSIONS.c.user_name.not_in(user_names)))
        return ended.rowcount

    def _ended(self, started_at: float, seen_at: float, now: float) -> bool:
        return (
            now - seen_at > self.lifetimes.idle_seconds
            or now - started_at > self.lifetimes.absolute_seconds
        )

    def _expired(self, now: float):
        return delete(SESSIONS).where(
            (SESSIONS.c.seen_at < now - self.lifetimes.idle_seconds)
            | (SESSIONS.c.started_at < now - self.lifetimes.absolute_seconds)
        )

    # ---- failed credentials, per client address ----

    def blocked_for(self, address: str) -> float:
        """Seconds until `address` may try a key again (0: it may now)."""
        with self.db.transaction() as db:
            row = db.execute(select(FAILURES).where(FAILURES.c.address == address)).first()
        if row is None:
            return 0.0
        wait = block_seconds(row.failures, self.lifetimes.failures_allowed)
        return max(0.0, row.last_at + wait - time.time())

    def failed(self, address: str) -> tuple[int, float]:
        """Count a failed key from `address`: (failures so far, seconds it is now blocked)."""
        now = time.time()
        with self.db.transaction() as db:
            row = db.execute(select(FAILURES).where(FAILURES.c.address == address)).first()
            failures = 1 if row is None or now - row.last_at > FORGIVEN_AFTER else row.failures + 1
            statement = upsert(db, FAILURES).values(address=address, failures=failures, last_at=now)
            db.execute(
                statement.on_conflict_do_update(
                    index_elements=[FAILURES.c.address],
                    set_={"failures": failures, "last_at": now},
                )
            )
        return failures, block_seconds(failures, self.lifetimes.failures_allowed)


def block_seconds(failures: int, allowed: int) -> float:
    """No wait for the failures allowed, then 1, 2, 4 … seconds, up to a quarter of an hour."""
    if failures <= allowed:
        return 0.0
    return min(LONGEST_BLOCK, 2.0 ** min(failures - allowed - 1, 20))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
