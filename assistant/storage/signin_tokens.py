"""Short-lived, single-use sign-in tokens: an intranet's server asks for one with its key, puts
it in the page that embeds the chat, and the browser exchanges it for a chat page session.

The table keeps only each token's hash, whom it signs in and until when. Redeeming a token
deletes its row in the same transaction that reads it, so a token signs in once, whichever
worker or host sees it first.
"""

from __future__ import annotations

import hashlib
import secrets
import time

from sqlalchemy import Column, Float, MetaData, Table, Text, delete, select

from assistant.storage.database import Database

SCHEMA = MetaData()
TOKENS = Table(
    "signin_tokens",
    SCHEMA,
    Column("token_hash", Text, primary_key=True),
    Column("user_name", Text, nullable=False),
    Column("expires_at", Float, nullable=False),
)


class SignInTokens:
    def __init__(self, url: str) -> None:
        self.db = Database(url)
        self.db.create(SCHEMA)

    def issue(self, user_name: str, seconds: float) -> str:
        """A new token that signs `user_name` in once within `seconds`."""
        token = secrets.token_urlsafe(32)
        now = time.time()
        with self.db.transaction() as db:
            db.execute(delete(TOKENS).where(TOKENS.c.expires_at < now))
            db.execute(
                TOKENS.insert().values(
                    token_hash=_hash(token), user_name=user_name, expires_at=now + seconds
                )
            )
        return token

    def redeem(self, token: str) -> str | None:
        """Whom `token` signs in, once: None for an unknown, used or expired token."""
        token_hash = _hash(token)
        with self.db.transaction() as db:
            row = db.execute(select(TOKENS).where(TOKENS.c.token_hash == token_hash)).first()
            if row is None:
                return None
            taken = db.execute(delete(TOKENS).where(TOKENS.c.token_hash == token_hash))
        if taken.rowcount != 1 or row.expires_at < time.time():
            return None  # another request redeemed it first, or it has expired
        return row.user_name


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
