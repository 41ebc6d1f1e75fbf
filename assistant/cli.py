"""`policy-assistant`: the maintainers' and staff's command line."""

from __future__ import annotations

import argparse
import copy
import getpass
import json
import logging
import os
import re
import sys
from dataclasses import asdict
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.table import Table

from assistant.history.timeline import History
from assistant.retrieval.retriever import Retriever
from assistant.service import Assistant, InvalidQuestionError, check_question
from assistant.settings import Settings, root_path_of
from assistant.storage.audit import AuditLog, AuditRecord
from assistant.storage.consistency import (
    DataDirError,
    check_consistency,
    open_catalog,
    set_index_aside,
)
from assistant.storage.embedders import MissingExtraError, ingest_threads, make_embedder
from assistant.storage.vectors import IndexMismatchError, open_store
from assistant.types import Filters, Message
from ingest.files import discover
from ingest.indexing import Indexer
from ingest.progress import Checkpoints, ProgressDisplay
from ingest.report import IngestReport

console = Console()
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


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
    commands.add_parser("documents", help="list indexed documents and their versions")

    ask = commands.add_parser("ask", help="ask a question; the answer cites its sources")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    ask.add_argument("--organisation", help="only documents of this organisation")
    ask.add_argument("--document", help="only this document (its id)")
    ask.add_argument(
        "--as-of", type=date.fromisoformat, help="answer from the versions in force on YYYY-MM-DD"
    )

    changes = commands.add_parser("changes", help="what changed between two versions")
    changes.add_argument("document", help="the document's id")
    changes.add_argument(
        "--from", dest="start", type=date.fromisoformat, help="default: the version before"
    )
    changes.add_argument("--to", dest="end", type=date.fromisoformat, help="default: today")
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
    serve.add_argument(
        "--root-path",
        type=root_path_of,
        metavar="PATH",
        help="the prefix a reverse proxy serves the app under, e.g. /assistent",
    )

    return parser


def main(argv: list[str] | None = None) -> int:
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
        if args.command == "serve":
            if args.root_path is not None:  # each worker reads its settings from the environment
                os.environ["POLICY_ASSISTANT_ROOT_PATH"] = args.root_path
                settings = Settings()
            return run_server(settings, args.host, args.port, args.workers)
        return list_documents(settings)
    except (
        IndexMismatchError,
        InvalidQuestionError,
        MissingExtraError,
        DataDirError,
        FileNotFoundError,
    ) as error:
        console.print(f"[red]{error}[/red]")
        return 2


def configure_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets itself to DEBUG


def run_ingest(settings: Settings, paths: list[Path], prune: bool, rebuild: bool = False) -> int:
    missing = [p for p in paths if not p.exists()]
    if missing:
        console.print(f"[red]Not found: {', '.join(map(str, missing))}[/red]")
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
        console.print(f"[red]failed[/red] {file}: {reason}")


def ask_question(settings: Settings, question: str, filters: Filters, as_json: bool) -> int:
    check_question([question], settings.max_question_chars)  # before the model loads
    answer = Assistant(settings).ask([Message("user", question)], filters)
    if as_json:
        print(json.dumps(asdict(answer), ensure_ascii=False, indent=2))
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
        root_path=settings.root_path,
        log_config=server_logging(),
    )
    return 0


def server_logging() -> dict:
    """uvicorn's logging, plus the product's own start-up and load times, in every worker."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["assistant"] = {"handlers": ["default"], "level": "INFO"}
    return config


def list_documents(settings: Settings) -> int:
    documents = open_catalog(settings).documents(include_withdrawn=True)
    table = Table(title=f"Documents in {settings.data_dir}")
    columns = ("id", "title", "organisation", "status", "versions: date, status, paragraphs")
    for column in columns:
        table.add_column(column)
    for doc in documents:
        versions = "\n".join(
            f"v{v.version} {v.effective_date}: {doc.status(v)}, {v.chunk_count}"
            for v in doc.versions
        )
        table.add_row(doc.doc_id, doc.title, doc.organisation or "", doc.state, versions)
    console.print(table)
    if not documents:
        console.print("No documents yet: run `policy-assistant ingest PATH`.")
    return 0


def show_changes(
    settings: Settings, doc_id: str, start: date | None, end: date | None, as_json: bool
) -> int:
    # The maintainer's view: every version, whatever its labels.
    changes = History(open_catalog(settings)).changes(doc_id, None, start, end)
    if changes is None:
        console.print(f"[red]No version of {doc_id!r} to compare.[/red]")
        return 2
    old = changes.old.effective_date if changes.old else None
    if as_json:
        body = {
            "document": doc_id,
            "old": old,
            "new": changes.new.effective_date,
            "changes": [asdict(c) for c in changes.paragraphs],
        }
        print(json.dumps(body, ensure_ascii=False, indent=2))
        return 0
    console.print(
        f"[bold]{changes.record.title}[/bold]: {old or '(none)'} → {changes.new.effective_date}"
    )
    for change in changes.paragraphs:
        console.print(printable(f"\n{change.kind}: {change.section}"), markup=False)
        if change.old:
            console.print(printable(f"  - {change.old}"), markup=False, highlight=False)
        if change.new:
            console.print(printable(f"  + {change.new}"), markup=False, highlight=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
