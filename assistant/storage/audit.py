"""The audit log: who ingested, deleted or read feedback, who signed in to the page, which
address sent a key that was refused; when, and the result.

Append-only: the table refuses UPDATE and DELETE, so a record, once written, stays as written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import DDL, Column, Integer, MetaData, Table, Text, event, select

from assistant.storage.database import Database

SCHEMA = MetaData()
AUDIT = Table(
    "audit",
    SCHEMA,
    Column("id", Integer, primary_key=True),
    Column("at", Text, nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("target", Text, nullable=False),
    Column("result", Text, nullable=False),
    sqlite_autoincrement=True,
)
APPEND_ONLY = {
    "sqlite": [
        f"CREATE TRIGGER audit_no_{verb.lower()} BEFORE {verb} ON audit "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
        for verb in ("UPDATE", "DELETE")
    ],
    "postgresql": [
        "CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$",
        "CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()",
    ],
}
for dialect, statements in APPEND_ONLY.items():
    for statement in statements:
        event.listen(AUDIT, "after_create", DDL(statement).execute_if(dialect=dialect))


@dataclass
class AuditRecord:
    actor: str  # a key's name ("key-1a2b3c4d"), a user, "cli:<account>", or a client address
    action: str  # "ingest", "delete", "read feedback", "sign in", "key refused"
    target: str  # the files, the document, what was read
    result: str  # what came of it, in a line
    id: int | None = None
    at: str = ""


class AuditLog:
    def __init__(self, url: str) -> None:
        self.db = Database(url)
        self.db.create(SCHEMA)

    def add(self, record: AuditRecord) -> AuditRecord:
        at = datetime.now(UTC).isoformat(timespec="seconds")
        values = {
            "at": at,
            "actor": record.actor,
            "action": record.action,
            "target": record.target[:2000],
            "result": record.result[:2000],
        }
        with self.db.transaction() as db:
            new_id = db.scalar(AUDIT.insert().values(values).returning(AUDIT.c.id))
        return AuditRecord(record.actor, record.action, record.target, record.result, new_id, at)

    def list(self, limit: int = 100) -> list[AuditRecord]:
        """The newest records first."""
        with self.db.transaction() as db:
            rows = db.execute(select(AUDIT).order_by(AUDIT.c.id.desc()).limit(limit)).all()
        return [AuditRecord(r.actor, r.action, r.target, r.result, r.id, r.at) for r in rows]
