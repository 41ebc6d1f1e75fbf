"""A document's history for the edges and the answer: what a revision changed, a version's
text on a day, and whether a cited paragraph reads differently in the version that follows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from difflib import SequenceMatcher

from assistant.history.changes import SIMILAR, Paragraph, ParagraphChange, compare
from assistant.retrieval.snapshot import Snapshot
from assistant.storage.catalog import Catalog
from assistant.storage.versions import DocumentRecord, VersionRecord
from assistant.types import Passage

CHANGE_QUESTION = re.compile(
    r"\b(vad har ändrats|vad ändrades|vilka ändringar|ändringar(na)? i|vad är nytt i|"
    r"what (has )?changed|what are the changes|changes (in|to))\b",
    re.IGNORECASE,
)
BEFORE_DATE = re.compile(r"\b(?:före|innan|before)\s+(?:den\s+)?(\d{4}-\d{2}-\d{2})\b", re.I)
ON_DATE = re.compile(r"\b(?:den|per|på|från|as of|on)\s+(\d{4}-\d{2}-\d{2})\b", re.I)


@dataclass
class Changes:
    record: DocumentRecord
    old: VersionRecord | None  # None: the document had no earlier version
    new: VersionRecord
    paragraphs: list[ParagraphChange]


@dataclass
class Revision:
    """How the version after a cited one treats the cited paragraph (it differs there)."""

    version: VersionRecord
    passage: Passage | None  # the new wording; None when removed or the document withdrawn


def question_date(question: str) -> date | None:
    """The day a question asks about in its own words ("före 2025-07-01", "per 2024-01-01")."""
    for pattern, shift in ((BEFORE_DATE, -1), (ON_DATE, 0)):
        match = pattern.search(question)
        if match:
            try:
                return date.fromisoformat(match.group(1)) + timedelta(days=shift)
            except ValueError:
                return None
    return None


def changes_between(
    catalog: Catalog, doc_id: str, start: date | None = None, end: date | None = None
) -> Changes | None:
    """From the version in force on `start` (default: the one before) to the one in force on
    `end` (default: today); a withdrawal counts as every paragraph removed. Needs only the
    catalogue, so the command line answers it without loading the model."""
    record = catalog.document(doc_id)
    if record is None:
        return None
    new = record.entry_on(end or catalog.today())
    if new is None:
        return None
    old = record.version_on(start) if start else record.previous(new)
    if old is new:
        old = None
    before = catalog.paragraphs(doc_id, old.version) if old else []
    after = catalog.paragraphs(doc_id, new.version)
    return Changes(record, old, new, compare(before, after) if old else [])


def version_text(
    catalog: Catalog, doc_id: str, day: date
) -> tuple[VersionRecord, list[Paragraph]] | None:
    """The version in force on `day` and its paragraphs."""
    record = catalog.document(doc_id)
    version = record.version_on(day) if record else None
    if version is None:
        return None
    return version, catalog.paragraphs(doc_id, version.version)


class History:
    """Versions over time; the methods an answer uses read the snapshot its question took."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def changes(
        self, doc_id: str, start: date | None = None, end: date | None = None
    ) -> Changes | None:
        return changes_between(self.catalog, doc_id, start, end)

    def version_on(self, doc_id: str, day: date) -> tuple[VersionRecord, list[Paragraph]] | None:
        return version_text(self.catalog, doc_id, day)

    def revision(self, passage: Passage, snapshot: Snapshot) -> Revision | None:
        """The next version's wording of a cited paragraph, if that version reads differently."""
        record = snapshot.records.get(passage.doc_id)
        version = record.version(passage.version) if record else None
        following = record.following(version) if record and version else None
        if following is None:
            return None
        if following.withdrawn:
            return Revision(following, None)
        rows = snapshot.sections.get((passage.doc_id, following.version, passage.section), [])
        # Unchanged wording is the common case: the next version's chunks of the section say
        # so without reading its whole text, which is only needed when chunk bounds moved.
        if any(passage.text in snapshot.metadatas[r]["text"] for r in rows):
            return None
        if passage.text in (self.catalog.text(passage.doc_id, following.version) or ""):
            return None
        best = max(rows, key=lambda r: _similarity(passage.text, snapshot, r), default=None)
        if best is None or _similarity(passage.text, snapshot, best) < SIMILAR:
            return Revision(following, None)
        return Revision(following, snapshot.passage(best, 0.0))

    def passage_holding(
        self, snapshot: Snapshot, doc_id: str, version: int, section: str, text: str
    ) -> Passage | None:
        """The chunk of a version that holds a paragraph: what a change is cited by."""
        for row in snapshot.sections.get((doc_id, version, section), []):
            if text in snapshot.metadatas[row]["text"] or snapshot.metadatas[row]["text"] in text:
                return snapshot.passage(row, 0.0)
        return None

    def changed_document(
        self, question: str, found: list[Passage], snapshot: Snapshot
    ) -> str | None:
        """The document a "what changed" question is about: the best passage's, preferring a
        document that has an earlier version."""
        if not CHANGE_QUESTION.search(question) or not found:
            return None
        records = snapshot.records
        revised = [
            p.doc_id
            for p in found
            if p.doc_id in records and sum(not v.withdrawn for v in records[p.doc_id].versions) > 1
        ]
        return (revised or [found[0].doc_id])[0]


def _similarity(text: str, snapshot: Snapshot, row: int) -> float:
    return SequenceMatcher(None, text, snapshot.metadatas[row]["text"], autojunk=False).ratio()
