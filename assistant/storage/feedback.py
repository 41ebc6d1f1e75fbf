"""Staff feedback on answers (thumbs up/down, an optional comment), kept for maintainers.

Each record keeps the question, the answer and the cited paragraph ids as they were shown, so a
maintainer can see what was judged even after the documents changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from assistant.storage import sqlite

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    rating TEXT CHECK (rating IN ('up', 'down')),
    comment TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    citations TEXT NOT NULL DEFAULT '[]',
    source TEXT NOT NULL DEFAULT 'api'
);
"""


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
    def __init__(self, path: Path) -> None:
        self.path = path
        sqlite.create(path, SCHEMA)

    def add(self, feedback: Feedback) -> Feedback:
        created = datetime.now(UTC).isoformat(timespec="seconds")
        with sqlite.connect(self.path) as db:
            cursor = db.execute(
                "INSERT INTO feedback (created_at, rating, comment, question, answer, citations,"
                " source) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    created,
                    feedback.rating,
                    feedback.comment,
                    feedback.question,
                    feedback.answer,
                    json.dumps(feedback.citations),
                    feedback.source,
                ),
            )
        return Feedback(**{**feedback.__dict__, "id": cursor.lastrowid, "created_at": created})

    def update(
        self, feedback_id: int, rating: str | None = None, comment: str | None = None
    ) -> None:
        """Change a record's rating or comment (a thumb first, the comment typed after it)."""
        with sqlite.connect(self.path) as db:
            if rating is not None:
                db.execute("UPDATE feedback SET rating = ? WHERE id = ?", (rating, feedback_id))
            if comment is not None:
                db.execute("UPDATE feedback SET comment = ? WHERE id = ?", (comment, feedback_id))

    def list(self, limit: int = 100, rating: str | None = None) -> list[Feedback]:
        """The newest feedback first."""
        query = "SELECT * FROM feedback"
        params: tuple = ()
        if rating is not None:
            query += " WHERE rating = ?"
            params = (rating,)
        with sqlite.connect(self.path) as db:
            rows = db.execute(query + " ORDER BY id DESC LIMIT ?", (*params, limit)).fetchall()
        return [
            Feedback(
                question=row["question"],
                answer=row["answer"],
                rating=row["rating"],
                comment=row["comment"],
                citations=json.loads(row["citations"]),
                source=row["source"],
                id=row["id"],
                created_at=row["created_at"],
            )
            for row in rows
        ]
