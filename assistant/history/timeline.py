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
from assistant.types import Labels, Passage

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
class VersionText:
    """The version in force on a day, with its paragraphs."""

    record: DocumentRecord
    version: VersionRecord
    paragraphs: list[Paragraph]


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


class History:
    """Versions over time, as each reader may see them.

    Each method that looks a document up takes the reader's access labels (`None`: every
    version, the maintainer's view) and reads it only through `record`, so a version the
    reader may not read reaches no route, listing, answer or revision line. The methods an
    answer uses read the snapshot its question took.
    """

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def record(
        self, doc_id: str, labels: Labels | None, snapshot: Snapshot | None = None
    ) -> DocumentRecord | None:
        """A document's versions as a reader holding `labels` sees them, from the snapshot an
        answer took, else from the catalogue; None when it may read none of them."""
        if snapshot is not None:
            record = snapshot.records.get(doc_id)
        else:
            record = self.catalog.document(doc_id)
        return record.seen_by(labels) if record is not None else None

    def records(
        self, labels: Labels | None, include_withdrawn: bool = False
    ) -> list[DocumentRecord]:
        """Every document a reader holding `labels` may read some version of, as it sees it."""
        seen = (r.seen_by(labels) for r in self.catalog.documents(include_withdrawn))
        return [r for r in seen if r is not None]

    def changes(
        self, doc_id: str, labels: Labels | None, start: date | None = None, end: date | None = None
    ) -> Changes | None:
        """From the version in force on `start` (default: the one before) to the one in force on
        `end` (default: today); a withdrawal counts as every paragraph removed. Needs only the
        catalogue, so the command line answers it without loading the model."""
        record = self.record(doc_id, labels)
        new = record.entry_on(end or self.catalog.today()) if record else None
        if record is None or new is None:
            return None
        old = record.version_on(start) if start else record.previous(new)
        if old is new:
            old = None
        before = self.catalog.paragraphs(doc_id, old.version) if old else []
        after = self.catalog.paragraphs(doc_id, new.version)
        return Changes(record, old, new, compare(before, after) if old else [])

    def between(
        self, doc_id: str, old_number: int, new_number: int, labels: Labels | None
    ) -> Changes | None:
        """What changed from one version to a later one, by their numbers (what an answer about
        changes names); None unless the reader may read both and both have text."""
        record = self.record(doc_id, labels)
        old = record.version(old_number) if record else None
        new = record.version(new_number) if record else None
        if record is None or old is None or new is None or old.withdrawn or new.withdrawn:
            return None
        if old.order >= new.order:
            return None
        before = self.catalog.paragraphs(doc_id, old.version)
        after = self.catalog.paragraphs(doc_id, new.version)
        return Changes(record, old, new, compare(before, after))

    def version_on(self, doc_id: str, day: date, labels: Labels | None) -> VersionText | None:
        """The version in force on `day` and its paragraphs."""
        record = self.record(doc_id, labels)
        version = record.version_on(day) if record else None
        if record is None or version is None:
            return None
        return VersionText(record, version, self.catalog.paragraphs(doc_id, version.version))

    def revision(
        self, passage: Passage, snapshot: Snapshot, labels: Labels | None
    ) -> Revision | None:
        """The next version's wording of a cited paragraph, if that version reads differently."""
        record = self.record(passage.doc_id, labels, snapshot)
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

    def changes_asked(
        self,
        question: str,
        found: list[Passage],
        snapshot: Snapshot,
        labels: Labels | None,
        end: date | None,
    ) -> Changes | None:
        """What changed up to `end` in the document a "what changed" question is about (None
        for another question): the best passage's, preferring a document with an earlier
        version the reader may read."""
        if not CHANGE_QUESTION.search(question) or not found:
            return None
        revised = [
            p.doc_id
            for p in found
            if (record := self.record(p.doc_id, labels, snapshot)) is not None
            and sum(not v.withdrawn for v in record.versions) > 1
        ]
        return self.changes((revised or [found[0].doc_id])[0], labels, end=end)


def _similarity(text: str, snapshot: Snapshot, row: int) -> float:
    return SequenceMatcher(None, text, snapshot.metadatas[row]["text"], autojunk=False).ratio()
