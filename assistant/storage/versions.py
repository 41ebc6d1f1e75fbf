"""A document's versions on a time line: which one is in force on a given day, and each one's
status. Pure logic over the catalogue's records; the clock is the caller's.

A version takes effect on its effective date and stays in force until a later one does, whatever
order the files were ingested in; on the same day the one ingested last wins. A withdrawal is a
version with no text (a repealed statute, a deleted policy): from its date nothing is in force.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from assistant.types import Labels, parse_labels

Status = Literal["in_force", "superseded", "upcoming", "withdrawn"]
DELETED = "deleted"  # `withdrawn_by` of a withdrawal made by deleting the document


@dataclass
class VersionRecord:
    """One version of one document, as ingested."""

    doc_id: str
    content_hash: str
    title: str
    source_path: str
    chunk_count: int
    effective_date: str  # YYYY-MM-DD: from the file, else the day it was ingested
    organisation: str | None = None
    document_type: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    version: int = 0
    ingested_at: str = ""
    withdrawn: bool = False  # no text: from its date the document is not in force

    @property
    def access(self) -> Labels:
        return parse_labels(self.metadata.get("access"))

    @property
    def label(self) -> str:
        """How a citation names this version: its number and the day it took effect."""
        return f"v{self.version}, {self.effective_date}"

    @property
    def order(self) -> tuple[str, int]:
        return (self.effective_date, self.version)

    def same_as(self, content_hash: str, effective_date: str) -> bool:
        return self.content_hash == content_hash and self.effective_date == effective_date


@dataclass
class DocumentRecord:
    """A document's versions, oldest first by effective date, seen on the day `today`."""

    doc_id: str
    versions: list[VersionRecord]
    today: date

    def __post_init__(self) -> None:
        self.versions.sort(key=lambda v: v.order)

    def entry_on(self, day: date) -> VersionRecord | None:
        """The version (or withdrawal) that took effect last on or before `day`."""
        stamp = day.isoformat()
        current = None
        for version in self.versions:
            if version.effective_date <= stamp:
                current = version
        return current

    def version_on(self, day: date) -> VersionRecord | None:
        """The text in force on `day`: None before the first version and once withdrawn."""
        entry = self.entry_on(day)
        return None if entry is None or entry.withdrawn else entry

    @property
    def live(self) -> VersionRecord | None:
        return self.version_on(self.today)

    @property
    def withdrawn_on(self) -> str | None:
        """The date the document was withdrawn, while it is."""
        entry = self.entry_on(self.today)
        return entry.effective_date if entry is not None and entry.withdrawn else None

    @property
    def deleted(self) -> bool:
        """Withdrawn by a maintainer's delete (not by a dated file): a re-ingest restores it."""
        entry = self.entry_on(self.today)
        return (
            entry is not None and entry.withdrawn and entry.metadata.get("withdrawn_by") == DELETED
        )

    def status(self, version: VersionRecord, day: date | None = None) -> Status:
        day = day or self.today
        if version.effective_date > day.isoformat():
            return "upcoming"
        entry = self.entry_on(day)
        if entry is version:
            return "withdrawn" if version.withdrawn else "in_force"
        if entry is not None and entry.withdrawn and self.previous(entry) is version:
            return "withdrawn"
        return "superseded"

    def previous(self, version: VersionRecord) -> VersionRecord | None:
        """The text version before `version` on the time line."""
        earlier = [v for v in self.versions if v.order < version.order and not v.withdrawn]
        return earlier[-1] if earlier else None

    def following(self, version: VersionRecord) -> VersionRecord | None:
        """The version (or withdrawal) that takes effect after `version`."""
        later = [v for v in self.versions if v.order > version.order]
        return later[0] if later else None

    def upcoming(self) -> list[VersionRecord]:
        return [v for v in self.versions if v.effective_date > self.today.isoformat()]

    def indexed(self) -> list[VersionRecord]:
        """The versions whose paragraphs the vector index holds: in force today, and upcoming."""
        wanted = [self.live] if self.live else []
        return wanted + [v for v in self.upcoming() if not v.withdrawn]

    def version(self, number: int) -> VersionRecord | None:
        return next((v for v in self.versions if v.version == number), None)

    @property
    def latest(self) -> VersionRecord:
        """The version in force, else the last one with text: what names the document."""
        texts = [v for v in self.versions if not v.withdrawn]
        return self.live or (texts[-1] if texts else self.versions[-1])

    @property
    def title(self) -> str:
        return self.latest.title

    @property
    def organisation(self) -> str | None:
        return self.latest.organisation

    @property
    def document_type(self) -> str | None:
        return self.latest.document_type

    @property
    def chunks(self) -> int:
        """Paragraphs of the version in force (none while withdrawn)."""
        return self.live.chunk_count if self.live else 0

    @property
    def state(self) -> Status:
        """The document's own status today: in force, withdrawn, or only upcoming versions."""
        entry = self.entry_on(self.today)
        if entry is None:
            return "upcoming"
        return "withdrawn" if entry.withdrawn else "in_force"
