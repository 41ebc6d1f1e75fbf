"""Staff's recent conversations on the chat page, kept so that a reload, a restart or a dropped
connection does not lose them.

Each conversation belongs to one owner (the signed-in user, or on an open page the browser's
own random id) and is found only with it; an owner of None (a browser without its id) has
none. With it are kept the document versions its answers cited, so that a conversation is
reopened only while its owner may still read every one of them, and which conversation each
owner is in. Conversations unused for `keep_days` are removed.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass, field

from sqlalchemy import Column, Float, Index, MetaData, Table, Text, delete, select

from assistant.storage.database import Database

SCHEMA = MetaData()
CONVERSATIONS = Table(
    "conversations",
    SCHEMA,
    Column("id", Text, primary_key=True),
    Column("owner", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("messages", Text, nullable=False),  # the page's messages, as JSON
    Column("cited", Text, nullable=False, server_default="[]"),  # [[doc_id, version], …]
    Index("conversations_by_owner", "owner", "updated_at"),
)
CURRENT = Table(  # the conversation each owner is in, reopened on their next load
    "current_conversations",
    SCHEMA,
    Column("owner", Text, primary_key=True),
    Column("conversation_id", Text, nullable=False),
)
TITLE_CHARS = 80
LISTED = 20  # the most recent conversations a list shows


@dataclass
class Conversation:
    id: str
    title: str
    updated_at: float
    messages: list[dict] = field(default_factory=list)
    cited: list[tuple[str, str]] = field(default_factory=list)  # (document, version number)


class ConversationStore:
    def __init__(self, url: str, keep_days: float) -> None:
        self.db = Database(url)
        self.keep_seconds = keep_days * 86400
        self.db.create(SCHEMA)

    def save(
        self,
        owner: str | None,
        conversation_id: str | None,
        messages: list[dict],
        cited: list[tuple[str, str]],
    ) -> str | None:
        """Store `messages` as the owner's conversation `conversation_id` (a new one when it is
        None or not the owner's); returns its id (None: no owner, nothing kept)."""
        if owner is None:
            return None
        now = time.time()
        title = _title(messages)
        values = {
            "owner": owner,
            "title": title,
            "updated_at": now,
            "messages": json.dumps(messages, ensure_ascii=False),
            "cited": json.dumps(sorted(set(map(tuple, cited)))),
        }
        with self.db.transaction() as db:
            db.execute(
                delete(CONVERSATIONS).where(CONVERSATIONS.c.updated_at < now - self.keep_seconds)
            )
            if conversation_id is not None:
                updated = db.execute(
                    CONVERSATIONS.update()
                    .where(CONVERSATIONS.c.id == conversation_id, CONVERSATIONS.c.owner == owner)
                    .values(values)
                )
                if updated.rowcount:
                    return conversation_id
            new_id = secrets.token_urlsafe(16)
            db.execute(CONVERSATIONS.insert().values(id=new_id, **values))
        return new_id

    def recent(self, owner: str | None, limit: int = LISTED) -> list[Conversation]:
        """The owner's conversations, the most recently used first (without their messages)."""
        if owner is None:
            return []
        since = time.time() - self.keep_seconds
        query = (
            select(CONVERSATIONS.c.id, CONVERSATIONS.c.title, CONVERSATIONS.c.updated_at)
            .where(CONVERSATIONS.c.owner == owner, CONVERSATIONS.c.updated_at >= since)
            .order_by(CONVERSATIONS.c.updated_at.desc())
            .limit(limit)
        )
        with self.db.transaction() as db:
            rows = db.execute(query).all()
        return [Conversation(row.id, row.title, row.updated_at) for row in rows]

    def get(self, owner: str | None, conversation_id: str) -> Conversation | None:
        """The owner's conversation, or None when there is none of that id that is theirs."""
        if owner is None:
            return None
        since = time.time() - self.keep_seconds
        query = select(CONVERSATIONS).where(
            CONVERSATIONS.c.id == conversation_id,
            CONVERSATIONS.c.owner == owner,
            CONVERSATIONS.c.updated_at >= since,
        )
        with self.db.transaction() as db:
            row = db.execute(query).first()
        if row is None:
            return None
        cited = [(doc, version) for doc, version in json.loads(row.cited)]
        return Conversation(row.id, row.title, row.updated_at, json.loads(row.messages), cited)

    def delete(self, owner: str | None, conversation_id: str) -> bool:
        if owner is None:
            return False
        with self.db.transaction() as db:
            removed = db.execute(
                delete(CONVERSATIONS).where(
                    CONVERSATIONS.c.id == conversation_id, CONVERSATIONS.c.owner == owner
                )
            )
        return bool(removed.rowcount)

    def current(self, owner: str | None) -> str | None:
        """The conversation the owner is in, if any."""
        if owner is None:
            return None
        with self.db.transaction() as db:
            return db.scalar(select(CURRENT.c.conversation_id).where(CURRENT.c.owner == owner))

    def set_current(self, owner: str | None, conversation_id: str | None) -> None:
        if owner is None:
            return
        with self.db.transaction() as db:
            db.execute(delete(CURRENT).where(CURRENT.c.owner == owner))
            if conversation_id is not None:
                db.execute(CURRENT.insert().values(owner=owner, conversation_id=conversation_id))


def _title(messages: list[dict]) -> str:
    """The conversation's first question, shortened."""
    first = next((m.get("content") for m in messages if m.get("role") == "user"), "") or ""
    text = " ".join(str(first).split())
    return text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1] + "…"
