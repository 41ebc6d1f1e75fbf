"""Staff feedback on answers (thumbs up/down, an optional comment), kept for maintainers.

Each record keeps the question, the answer and the cited paragraph ids as they were shown, so a
maintainer can see what was judged even after the documents changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import CheckConstraint, Column, Integer, MetaData, Table, Text, select

from assistant.storage.database import Database

SCHEMA = MetaData()
FEEDBACK = Table(
    "feedback",
    SCHEMA,
    Column("id", Integer, primary_key=True),
    Column("created_at", Text, nullable=False),
    Column("rating", Text, CheckConstraint("rating IN ('up', 'down')")),
    Column("comment", Text, nullable=False, server_default=""),
    Column("question", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("citations", Text, nullable=False, server_default="[]"),
    Column("source", Text, nullable=False, server_default="api"),
    sqlite_autoincrement=True,
)


@dataclass
class Feedback:
    question: str
    answer: str
    rating: str | None = None  # "up", "down", or None for a comment alone
    comment: str = ""
    citations: list[str] = field(default_factory=list)  # as shown: ids (API), titles (chat)
    source: str = "api"  # "api" or "chat"
    id: int | None = None
    created_at: str = ""


class FeedbackStore:
    def __init__(self, url: str) -> None:
        self.db = Database(url)
        self.db.create(SCHEMA)

    def add(self, feedback: Feedback) -> Feedback:
        created = datetime.now(UTC).isoformat(timespec="seconds")
        values = {
            "created_at": created,
            "rating": feedback.rating,
            "comment": feedback.comment,
            "question": feedback.question,
            "answer": feedback.answer,
            "citations": json.dumps(feedback.citations),
            "source": feedback.source,
        }
        with self.db.transaction() as db:
            new_id = db.scalar(FEEDBACK.insert().values(values).returning(FEEDBACK.c.id))
        return Feedback(**{**feedback.__dict__, "id": new_id, "created_at": created})

    def update(
        self, feedback_id: int, rating: str | None = None, comment: str | None = None
    ) -> None:
        """Change a record's rating or comment (a thumb first, the comment typed after it)."""
        changes = {
            name: value
            for name, value in [("rating", rating), ("comment", comment)]
            if value is not None
        }
        if changes:
            with self.db.transaction() as db:
                db.execute(FEEDBACK.update().where(FEEDBACK.c.id == feedback_id).values(changes))

    def list(self, limit: int = 100, rating: str | None = None) -> list[Feedback]:
        """The newest feedback first."""
        query = select(FEEDBACK).order_by(FEEDBACK.c.id.desc()).limit(limit)
        if rating is not None:
            query = query.where(FEEDBACK.c.rating == rating)
        with self.db.transaction() as db:
            rows = db.execute(query).all()
        return [
            Feedback(
                question=row.question,
                answer=row.answer,
                rating=row.rating,
                comment=row.comment,
                citations=json.loads(row.citations),
                source=row.source,
                id=row.id,
                created_at=row.created_at,
            )
            for row in rows
        ]
