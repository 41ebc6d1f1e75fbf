"""The sentences about versions, in the question's language: a cited paragraph's later wording,
and the answer to "what changed"."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from assistant.answering.protocol import Draft
from assistant.history.changes import ParagraphChange
from assistant.history.timeline import Changes, History, Revision
from assistant.retrieval.snapshot import Snapshot
from assistant.types import ComparedVersions, Labels, Language, Passage

MAX_LISTED = 6  # changes quoted in a chat answer; the changes view and route list them all


def revision_line(revision: Revision, number: int | None, today: date, language: Language) -> str:
    """A line under an answer: when the cited wording stops applying, and what replaces it."""
    day = revision.version.effective_date
    past = day <= today.isoformat()
    title = revision.version.title
    if language == "en":
        since = f"Since {day}" if past else f"From {day}"
        if revision.version.withdrawn:
            return f"{since} {title} is withdrawn."
        if revision.passage is None:
            return f"{since} this wording is no longer in {title}."
        return f"{since} a new wording applies: {revision.passage.text} [{number}]"
    since = f"Sedan {day}" if past else f"Från {day}"
    if revision.version.withdrawn:
        return f"{since} gäller inte längre {title}."
    if revision.passage is None:
        return f"{since} finns den här lydelsen inte längre i {title}."
    return f"{since} gäller en ny lydelse: {revision.passage.text} [{number}]"


def revision_lines(
    draft: Draft, history: History, snapshot: Snapshot, today: date, labels: Labels | None
) -> Iterator[str]:
    """Under an answer, one line per cited paragraph that the next version words differently
    ("Från 2027-01-01 gäller en ny lydelse: … [3]"), with its own citation, when the reader
    holding `labels` may read that version; each line is added to the draft's text and
    citations as it is yielded, for a stream."""
    if not draft.answered:
        return
    for passage in list(draft.citations):
        revision = history.revision(passage, snapshot, labels)
        if revision is None:
            continue
        number = None
        if revision.passage is not None:
            draft.citations.append(revision.passage)
            number = len(draft.citations)
        line = revision_line(revision, number, today, draft.language)
        draft.text += f"\n\n{line}"
        yield f"\n\n{line}"


def changes_draft(
    changes: Changes, history: History, snapshot: Snapshot, language: Language
) -> Draft:
    """The answer to "what changed in …": counts, then the first changes quoted from both
    versions with citations of each; the draft names the two versions (`compared`), so that
    an edge can lead to every change between them."""
    new, old, title = changes.new, changes.old, changes.record.title
    if old is None:
        text = (
            f"{title} has only one version, in force from {new.effective_date}."
            if language == "en"
            else f"{title} har bara en version, som gäller från {new.effective_date}."
        )
        return Draft(text, True, [], language)
    cited: list[Passage] = []

    def cite(version: int, change: ParagraphChange, text: str | None) -> str:
        passage = history.passage_holding(
            snapshot, changes.record.doc_id, version, change.section, text or ""
        )
        if passage is None:
            return ""
        if passage not in cited:
            cited.append(passage)
        return f" [{cited.index(passage) + 1}]"

    lines = [_summary(changes, language)]
    for change in changes.paragraphs[:MAX_LISTED]:
        heading = change.section.split(" › ")[-1] or title
        new_quote = f"{change.new}{cite(new.version, change, change.new)}" if change.new else ""
        old_quote = f"{change.old}{cite(old.version, change, change.old)}" if change.old else ""
        lines.append(f"- {heading}: " + _change_words(change, new_quote, old_quote, language))
    if len(changes.paragraphs) > MAX_LISTED:
        more = len(changes.paragraphs) - MAX_LISTED
        lines.append(f"… and {more} more." if language == "en" else f"… och {more} till.")
    draft = Draft("\n".join(lines), True, cited, language)
    draft.compared = ComparedVersions(
        changes.record.doc_id,
        old.version,
        new.version,
        old.effective_date,
        new.effective_date,
        len(changes.paragraphs),
    )
    return draft


def _summary(changes: Changes, language: Language) -> str:
    counts = {kind: 0 for kind in ("changed", "added", "removed")}
    for change in changes.paragraphs:
        counts[change.kind] += 1
    title, new, old = changes.record.title, changes.new, changes.old
    assert old is not None
    if language == "en":
        return (
            f"{title}, the version of {new.effective_date} against that of {old.effective_date}: "
            f"{counts['changed']} paragraphs changed, {counts['added']} added, "
            f"{counts['removed']} removed."
        )
    return (
        f"{title}, versionen från {new.effective_date} jämfört med den från "
        f"{old.effective_date}: {counts['changed']} stycken ändrade, {counts['added']} nya, "
        f"{counts['removed']} borttagna."
    )


def _change_words(change: ParagraphChange, new: str, old: str, language: Language) -> str:
    if language == "en":
        return {
            "added": f"new: {new}",
            "removed": f"removed: {old}",
            "changed": f"now: {new} (before: {old})",
        }[change.kind]
    return {
        "added": f"nytt: {new}",
        "removed": f"borttaget: {old}",
        "changed": f"nu: {new} (tidigare: {old})",
    }[change.kind]
