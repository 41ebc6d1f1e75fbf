"""The maintainers' commands: ingest, documents, delete, changes."""

from __future__ import annotations

import getpass
import math
import sys
from dataclasses import asdict
from datetime import date
from pathlib import Path

from rich.table import Table
from rich.text import Text

from assistant.cli.output import console, print_json, printable, report_problem
from assistant.history.timeline import History
from assistant.retrieval.retriever import Retriever
from assistant.settings import Settings
from assistant.storage.audit import AuditLog, AuditRecord
from assistant.storage.consistency import check_consistency, open_catalog, set_index_aside
from assistant.storage.embedders import ingest_threads, make_embedder
from assistant.storage.locks import LockTimeoutError
from assistant.storage.vectors import open_store
from assistant.storage.versions import VersionRecord
from assistant.web.document_schemas import DocumentOut
from ingest.files import discover
from ingest.indexing import Indexer, lock_wait
from ingest.progress import Checkpoints, ProgressDisplay
from ingest.report import IngestReport


def run_ingest(settings: Settings, paths: list[Path], prune: bool, rebuild: bool = False) -> int:
    missing = [p for p in paths if not p.exists()]
    if missing:
        report_problem(f"Not found: {', '.join(map(str, missing))}")
        return 2
    if rebuild:
        console.print(f"The previous index is kept in {set_index_aside(settings)}")
    # The catalogue first: an unreachable database is named before the model loads.
    catalog = open_catalog(settings)
    # One writer of an embedded store at a time, whose client is opened under the lock.
    with catalog.store_writer(settings.chroma_url is None, math.inf):
        store = open_store(settings, make_embedder(settings.embedder))
        store.refresh()
        store.embedder.passage_threads = ingest_threads(settings.ingest_threads)
        check_consistency(settings, store, catalog)
        indexer = Indexer.from_settings(store, catalog, settings)
        snapshots = Retriever(store, catalog, snapshot_root=settings.snapshot_dir).snapshots
        with ProgressDisplay(discover(paths), console) as progress:
            report = indexer.ingest(paths, prune, Checkpoints(progress, snapshots.latest))
        print_report(report)
        with console.status("Saving the snapshot servers load"):
            snapshots.latest()
        catalog.note_indexed_store(store.identity)  # counted above, and written since
    actor = f"cli:{getpass.getuser()}"
    AuditLog(settings.audit_url).add(
        AuditRecord(actor, "ingest", ", ".join(map(str, paths)), report.summary())
    )
    return 1 if report.failed else 0


def print_report(report: IngestReport) -> None:
    table = Table(title="Ingest")
    columns = [
        "added",
        "updated",
        "unchanged",
        "deleted",
        "failed",
        "chunks",
        "embedded",
        "seconds",
        "chunks/s",
    ]
    for column in columns:
        table.add_column(column, justify="right")
    table.add_row(
        *(
            str(len(x))
            for x in (report.added, report.updated, report.unchanged, report.deleted, report.failed)
        ),
        str(report.chunks),
        str(report.embedded),
        f"{report.seconds:.1f}",
        f"{report.chunks_per_second:.1f}",
    )
    console.print(table)
    for file, reason in report.failed:
        report_problem(f"failed {file}: {reason}")


def list_documents(settings: Settings, as_json: bool = False) -> int:
    documents = open_catalog(settings).documents(include_withdrawn=True)
    if as_json:
        print_json({"documents": [DocumentOut.of(doc).model_dump() for doc in documents]})
        return 0
    table = Table(title=f"Documents in {settings.data_dir}")
    columns = ("id", "title", "organisation", "status", "versions: date, status, paragraphs")
    for column in columns:
        table.add_column(column)
    for doc in documents:
        versions = "\n".join(
            f"v{v.version} {v.effective_date}: {doc.status(v)}, {v.chunk_count}"
            for v in doc.versions
        )
        cells = (doc.doc_id, doc.title, doc.organisation or "", doc.state, versions)
        table.add_row(*(Text(printable(cell)) for cell in cells))
    console.print(table)
    if not documents:
        console.print("No documents yet: run `policy-assistant ingest PATH`.")
    return 0


def delete_document(settings: Settings, doc_id: str, confirmed: bool) -> int:
    """Withdraw a document from today with the API's own step (`Indexer.delete`)."""
    catalog = open_catalog(settings)
    record = catalog.document(doc_id)
    if record is None:
        report_problem(f"No document with id {doc_id!r}; `policy-assistant documents` lists them.")
        return 2
    if record.live is None:
        report_problem(f"{doc_id!r} is not in force ({record.state}); nothing to delete.")
        return 2
    if not confirmed and not confirm_delete(doc_id, record.title):
        return 1
    store = open_store(settings, make_embedder(settings.embedder))
    indexer = Indexer.from_settings(store, catalog, settings)
    try:
        with catalog.store_writer(store.embedded, lock_wait(indexer.limits)):
            store.refresh()
            check_consistency(settings, store, catalog)
            deleted = indexer.delete(doc_id)
            Retriever(store, catalog, snapshot_root=settings.snapshot_dir).snapshots.latest()
    except LockTimeoutError:
        report_problem(f"{doc_id!r} is being ingested elsewhere; try again once that is done.")
        return 1
    result = "deleted" if deleted else "not indexed"
    AuditLog(settings.audit_url).add(
        AuditRecord(f"cli:{getpass.getuser()}", "delete", doc_id, result)
    )
    if not deleted:  # another writer withdrew it meanwhile
        report_problem(f"{doc_id!r} was no longer in force; nothing deleted.")
        return 2
    console.print(
        f"Deleted {doc_id!r} from today; its versions stay in `policy-assistant documents`.",
        markup=False,
        highlight=False,
    )
    return 0


def confirm_delete(doc_id: str, title: str) -> bool:
    """Asks on a terminal; without one, `--yes` is the only way to say yes."""
    if not sys.stdin.isatty():
        report_problem(f"Not deleted: {doc_id!r}. Without a terminal to ask on, add --yes.")
        return False
    question = f"Delete {doc_id!r} ({printable(title)}) from today? Its history stays. [y/N] "
    if input(question).strip().lower() in ("y", "yes", "j", "ja"):
        return True
    report_problem(f"Not deleted: {doc_id!r}.")
    return False


def show_changes(
    settings: Settings, doc_id: str, start: date | None, end: date | None, as_json: bool
) -> int:
    # The maintainer's view: every version, whatever its labels.
    history = History(open_catalog(settings))
    if history.record(doc_id, None) is None:
        report_problem(f"No document with id {doc_id!r}; `policy-assistant documents` lists them.")
        return 2
    changes = history.changes(doc_id, None, start, end)
    if changes is None:
        report_problem(
            f"No version of {doc_id!r} was in force on {end or history.catalog.today()}."
        )
        return 2
    old, new = changes.old, changes.new
    if as_json:
        body = {
            "document": doc_id,
            "title": changes.record.title,
            "old": old.effective_date if old else None,
            "new": new.effective_date,
            "old_version": old.version if old else None,
            "new_version": new.version,
            "changes": [asdict(c) for c in changes.paragraphs],
        }
        print_json(body)
        return 0
    heading = f"{changes.record.title}: {version_name(old)} → {version_name(new)}"
    console.print(Text(printable(heading), style="bold"))
    for change in changes.paragraphs:
        console.print(printable(f"\n{change.kind}: {change.section}"), markup=False)
        if change.old:
            console.print(printable(f"  - {change.old}"), markup=False, highlight=False)
        if change.new:
            console.print(printable(f"  + {change.new}"), markup=False, highlight=False)
    return 0


def version_name(version: VersionRecord | None) -> str:
    """A version as `changes` names it: "v2 (2025-01-01)", since two versions may share a date."""
    if version is None:
        return "(none)"
    withdrawn = ", withdrawn" if version.withdrawn else ""
    return f"v{version.version} ({version.effective_date}{withdrawn})"
