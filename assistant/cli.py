"""`policy-assistant`: the maintainers' and staff's command line."""

from __future__ import annotations

import argparse
import copy
import getpass
import json
import logging
import os
import re
import signal
import sys
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from assistant.history.timeline import History
from assistant.retrieval.retriever import Retriever
from assistant.service import Assistant, InvalidQuestionError, check_question
from assistant.settings import Settings
from assistant.storage.audit import AuditLog, AuditRecord
from assistant.storage.consistency import (
    DataDirError,
    check_consistency,
    open_catalog,
    set_index_aside,
)
from assistant.storage.embedders import MissingExtraError, ingest_threads, make_embedder
from assistant.storage.locks import LockTimeoutError
from assistant.storage.vectors import IndexMismatchError, open_store
from assistant.storage.versions import VersionRecord
from assistant.types import Filters, Message
from assistant.web.document_schemas import DocumentOut
from ingest.files import discover
from ingest.indexing import Indexer
from ingest.progress import Checkpoints, ProgressDisplay
from ingest.report import IngestReport

UNCUT = 10_000  # columns of output that is not a terminal: no table header or line is cut
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def width_for(stream: TextIO) -> int | None:
    """A terminal's own width (or COLUMNS); for cron, a pipe or a file, wide enough that
    nothing is cut, since whole lines are read there."""
    if os.environ.get("COLUMNS") or stream.isatty():
        return None
    return UNCUT


class Output(Console):
    """A console that leaves a closed pipe to `main`, so every command ends alike when the
    reader goes away (rich's own way exits with 1, this CLI's code for a failed file)."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


console = Output(width=width_for(sys.stdout))
errors = Output(stderr=True, width=width_for(sys.stderr))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="policy-assistant", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    commands = parser.add_subparsers(dest="command", required=True)

    ingest = commands.add_parser("ingest", help="index policy files and folders, incrementally")
    ingest.add_argument("paths", nargs="+", type=Path, help="files or folders to ingest")
    ingest.add_argument(
        "--prune", action="store_true", help="remove documents whose files under PATHS are gone"
    )
    ingest.add_argument(
        "--rebuild",
        action="store_true",
        help="rebuild a damaged index from PATHS (the old one is kept aside in the data dir)",
    )
    documents = commands.add_parser("documents", help="list indexed documents and their versions")
    documents.add_argument(
        "--json", action="store_true", help="print them as JSON (the API's GET /v1/documents)"
    )

    delete = commands.add_parser(
        "delete",
        help="take a document out of the index from today; its history stays",
        description="Withdraw a document from today, as the API's DELETE /v1/documents/{id} "
        "does: questions no longer find it, `documents` and `changes` keep its versions (and "
        "the withdrawal), and ingesting its file again brings it back from today. Asks for "
        "confirmation unless --yes.",
    )
    delete.add_argument("document", help="the document's id")
    delete.add_argument(
        "-y", "--yes", action="store_true", help="do not ask (needed when stdin is no terminal)"
    )

    ask = commands.add_parser("ask", help="ask a question; the answer cites its sources")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    ask.add_argument("--organisation", help="only documents of this organisation")
    ask.add_argument("--document", help="only this document (its id)")
    ask.add_argument(
        "--as-of",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="answer from the versions in force on that day",
    )

    changes = commands.add_parser("changes", help="what changed between two versions")
    changes.add_argument("document", help="the document's id")
    changes.add_argument(
        "--from",
        dest="start",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="the version in force that day (default: the version before)",
    )
    changes.add_argument(
        "--to",
        dest="end",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="the version in force that day (default: today)",
    )
    changes.add_argument("--json", action="store_true", help="print the changes as JSON")

    serve = commands.add_parser("serve", help="serve the HTTP API and the chat page")
    serve.add_argument("--host", help="interface to listen on (default: settings, 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default: settings, 8000)")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        choices=range(1, 65),
        metavar="N",
        help="server processes sharing the port and the saved snapshot (default: 1)",
    )

    return parser


def iso_date(value: str) -> date:
    """A date argument; argparse names the option before this message."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date; write YYYY-MM-DD") from None


def main(argv: list[str] | None = None) -> int:
    """Exit codes: 0 done; 1 done, but a file failed (or a delete was declined or blocked);
    2 nothing done (a usage error, an unknown document, a data directory to repair);
    141 the reader of the output went away (`… | head`)."""
    try:
        code = run_command(argv)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's last flush
    except BrokenPipeError:
        return reader_went_away()
    return code


def reader_went_away() -> int:
    """Stop quietly, as `cat` does when `head` has read enough (128 + SIGPIPE)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # what is still buffered goes nowhere, silently
    return 128 + signal.SIGPIPE


def run_command(argv: list[str] | None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging(args.verbose)
    settings = Settings()
    try:
        if args.command == "ingest":
            return run_ingest(settings, args.paths, args.prune, args.rebuild)
        if args.command == "ask":
            filters = Filters(
                organisation=args.organisation, doc_id=args.document, as_of=args.as_of
            )
            return ask_question(settings, args.question, filters, args.json)
        if args.command == "changes":
            return show_changes(settings, args.document, args.start, args.end, args.json)
        if args.command == "delete":
            return delete_document(settings, args.document, args.yes)
        if args.command == "serve":
            return run_server(settings, args.host, args.port, args.workers)
        return list_documents(settings, args.json)
    except (
        IndexMismatchError,
        InvalidQuestionError,
        MissingExtraError,
        DataDirError,
        FileNotFoundError,
    ) as error:
        report_problem(str(error))
        return 2


def report_problem(message: str) -> None:
    """One line on stderr, in red, exactly as written: a file's reason may hold `[…]` (YAML's
    own messages do), which is text, never markup, and its line breaks are joined."""
    line = printable(" ".join(message.split()))
    errors.print(line, style="red", markup=False, highlight=False, soft_wrap=True)


def print_json(body: Any) -> None:
    print(json.dumps(body, ensure_ascii=False, indent=2))


def configure_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets itself to DEBUG


def run_ingest(settings: Settings, paths: list[Path], prune: bool, rebuild: bool = False) -> int:
    missing = [p for p in paths if not p.exists()]
    if missing:
        report_problem(f"Not found: {', '.join(map(str, missing))}")
        return 2
    if rebuild:
        console.print(f"The previous index is kept in {set_index_aside(settings)}")
    # The catalogue first: an unreachable database is named before the model loads.
    catalog = open_catalog(settings)
    store = open_store(settings, make_embedder(settings.embedder))
    store.embedder.passage_threads = ingest_threads(settings.ingest_threads)
    check_consistency(settings, store, catalog)
    indexer = Indexer.from_settings(store, catalog, settings)
    snapshots = Retriever(store, catalog, snapshot_root=settings.snapshot_dir).snapshots
    with ProgressDisplay(discover(paths), console) as progress:
        report = indexer.ingest(paths, prune, Checkpoints(progress, snapshots.latest))
    print_report(report)
    with console.status("Saving the snapshot servers load"):
        snapshots.latest()
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


def ask_question(settings: Settings, question: str, filters: Filters, as_json: bool) -> int:
    check_question([question], settings.max_question_chars)  # before the model loads
    answer = Assistant(settings).ask([Message("user", question)], filters)
    if as_json:
        print_json(asdict(answer))
        return 0
    console.print(printable(answer.text), markup=False, highlight=False)
    if answer.citations:
        console.print(f"\n[bold]{answer.sources_heading}[/bold]")
    for number, citation in enumerate(answer.citations, start=1):
        line = f"[{number}] {citation.reference}\n    {citation.text}"
        console.print(printable(line), markup=False, highlight=False)
    return 0


def printable(text: str) -> str:
    """Document text for a terminal: control characters (escape sequences among them) that a
    file may hold are dropped, so a citation cannot move the cursor or recolour the screen."""
    return CONTROL.sub("", text)


def run_server(settings: Settings, host: str | None, port: int | None, workers: int = 1) -> int:
    import uvicorn

    host, port = host or settings.host, port or settings.port
    console.print(f"Chat: http://{host}:{port}/chat/  API: http://{host}:{port}/docs")
    # Each worker process reads its settings from the environment, as this one did. Forwarding
    # headers are believed only from POLICY_ASSISTANT_TRUSTED_PROXIES (the app's TrustedProxy),
    # never uvicorn's default of any loopback connection.
    uvicorn.run(
        "assistant.web.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=False,
        log_config=server_logging(),
    )
    return 0


def server_logging() -> dict:
    """uvicorn's logging, plus the product's own start-up and load times, in every worker."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["assistant"] = {"handlers": ["default"], "level": "INFO"}
    return config


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
    check_consistency(settings, store, catalog)
    try:
        deleted = Indexer.from_settings(store, catalog, settings).delete(doc_id)
    except LockTimeoutError:
        report_problem(f"{doc_id!r} is being ingested elsewhere; try again once that is done.")
        return 1
    Retriever(store, catalog, snapshot_root=settings.snapshot_dir).snapshots.latest()
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


if __name__ == "__main__":
    sys.exit(main())
