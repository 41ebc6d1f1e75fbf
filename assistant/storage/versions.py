"""A document's versions on a time line: which one is in force on a given day, and each one's
status. Pure logic over the catalogue's records; the clock is the caller's.

A version takes effect on its effective date and stays in force until a later one does, whatever
order the files were ingested in; on the same day the one ingested last wins. A withdrawal is a
version with no text (a repealed statute, a deleted policy): from its date nothing is in force.

Each version carries its own access labels. A reader sees a document as `seen_by` makes it: the
versions it may read, and none of the others, which still end the version before them.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from assistant.types import Labels, may_read, parse_labels

Status = Literal["in_force", "superseded", "upcoming", "withdrawn"]
DELETED = "deleted"  # `withdrawn_by` of a withdrawal made by deleting the document
Order = tuple[str, int]  # (effective date, version number): a version's place on the time line


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
    def order(self) -> Order:
        return (self.effective_date, self.version)

    def same_as(self, content_hash: str, effective_date: str) -> bool:
        return self.content_hash == content_hash and self.effective_date == effective_date


@dataclass
class DocumentRecord:
    """A document's versions, oldest first by effective date, seen on the day `today`."""

    doc_id: str
    versions: list[VersionRecord]
    today: date
    # Where the versions a reader may not read take effect: only their place on the time line,
    # kept so that each still ends the version before it (see `seen_by`).
    hidden: list[Order] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.versions.sort(key=lambda v: v.order)

    def seen_by(self, labels: Labels | None) -> DocumentRecord | None:
        """The document as a reader holding `labels` sees it (`None`: every version); None when
        it may read no version, or not the one in force today.

        Only the versions it may read are there, with their own status. A version it may not
        read is absent, except that it still ends the version before it: on its days nothing
        is in force for this reader, and an earlier version never takes its place.
        """
        if labels is None:
            return self
        readable = [v for v in self.versions if may_read(v.access, labels)]
        current = self.entry_on(self.today)
        if not readable or (current is not None and not may_read(current.access, labels)):
            return None  # what is in force is not this reader's to know of, nor that it is
        hidden = [v.order for v in self.versions if not may_read(v.access, labels)]
        return DocumentRecord(self.doc_id, readable, self.today, self.hidden + hidden)

    def entry_on(self, day: date) -> VersionRecord | None:
        """The version (or withdrawal) that took effect last on or before `day`; None before
        the first, or when that is a version the reader may not read."""
        stamp = day.isoformat()
        current = None
        for version in self.versions:
            if version.effective_date <= stamp:
                current = version
        return None if self._hidden_between(current, (stamp, sys.maxsize)) else current

    def _hidden_between(self, start: VersionRecord | None, end: Order) -> bool:
        """Whether a hidden version takes effect after `start` (None: ever) and before `end`."""
        return any((start is None or start.order < h) and h < end for h in self.hidden)

    def changed_by(self, content_hash: str, effective_date: str) -> bool:
        """Whether a version with this content would change what is in force from its date.
        One that would not (the same file ingested twice at once, say) is no new version."""
        entry = self.entry_on(date.fromisoformat(effective_date))
        return entry is None or entry.content_hash != content_hash

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
            # Unless a version the reader may not read came between: that one was withdrawn.
            return "superseded" if self._hidden_between(version, entry.order) else "withdrawn"
        return "superseded"

    def previous(self, version: VersionRecord) -> VersionRecord | None:
        """The text version before `version` on the time line (of those the reader sees)."""
        earlier = [v for v in self.versions if v.order < version.order and not v.withdrawn]
        return earlier[-1] if earlier else None

    def following(self, version: VersionRecord) -> VersionRecord | None:
        """The version (or withdrawal) that takes effect after `version`; None also when that
        is one the reader may not read."""
        later = [v for v in self.versions if v.order > version.order]
        if not later:
            return None
        return None if self._hidden_between(version, later[0].order) else later[0]

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
        """The document's own status today: in force, withdrawn, or only upcoming versions; to
        a reader for whom a version it may not read is in force, superseded."""
        entry = self.entry_on(self.today)
        if entry is None:
            started = self.versions[0].effective_date <= self.today.isoformat()
            return "superseded" if started else "upcoming"
        return "withdrawn" if entry.withdrawn else "in_force"
