"""The audit log of admin actions: who ingested, deleted or read feedback, when, and the result.

Append-only: the table refuses UPDATE and DELETE, so a record, once written, stays as written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from assistant.storage import sqlite

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    result TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""


@dataclass
class AuditRecord:
    actor: str  # a key's name ("key-1a2b3c4d"), a signed-in user, or "cli:<account>"
    action: str  # "ingest", "delete", "read feedback"
    target: str  # the files, the document, what was read
    result: str  # what came of it, in a line
    id: int | None = None
    at: str = ""


class AuditLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        sqlite.create(path, SCHEMA)

    def add(self, record: AuditRecord) -> AuditRecord:
        at = datetime.now(UTC).isoformat(timespec="seconds")
        with sqlite.connect(self.path) as db:
            cursor = db.execute(
                "INSERT INTO audit (at, actor, action, target, result) VALUES (?, ?, ?, ?, ?)",
                (at, record.actor, record.action, record.target[:2000], record.result[:2000]),
            )
        return AuditRecord(record.actor, record.action, record.target, record.result,
                           cursor.lastrowid, at)  # fmt: skip

    def list(self, limit: int = 100) -> list[AuditRecord]:
        """The newest records first."""
        with sqlite.connect(self.path) as db:
            rows = db.execute("SELECT * FROM audit ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return [
            AuditRecord(r["actor"], r["action"], r["target"], r["result"], r["id"], r["at"])
            for r in rows
        ]
