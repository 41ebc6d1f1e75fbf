"""`policy-assistant`: the maintainers' and staff's command line."""

from __future__ import annotations

import argparse
import copy
import logging
import os
import sys
from dataclasses import asdict
from datetime import date
from pathlib import Path

from assistant.answering.asking import InvalidQuestionError, check_question
from assistant.cli.maintainer import delete_document, list_documents, run_ingest, show_changes
from assistant.cli.output import console, print_json, printable, reader_went_away, report_problem
from assistant.service import Assistant
from assistant.settings import Settings, root_path_of
from assistant.storage.consistency import DataDirError
from assistant.storage.embedders import MissingExtraError
from assistant.storage.vectors import IndexMismatchError
from assistant.types import Filters, Message


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="policy-assistant", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    commands = parser.add_subparsers(dest="command", required=True)
    add_maintainer_commands(commands)
    add_staff_commands(commands)
    return parser


def add_maintainer_commands(commands: argparse._SubParsersAction) -> None:
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
    changes = commands.add_parser("changes", help="what changed between two versions")
    changes.add_argument("document", help="the document's id")
    for option, dest, default in (
        ("--from", "start", "the version before"),
        ("--to", "end", "today"),
    ):
        changes.add_argument(
            option,
            dest=dest,
            type=iso_date,
            metavar="YYYY-MM-DD",
            help=f"the version in force that day (default: {default})",
        )
    changes.add_argument("--json", action="store_true", help="print the changes as JSON")


def add_staff_commands(commands: argparse._SubParsersAction) -> None:
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


def iso_date(value: str) -> date:
    """A date argument; argparse names the option before this message."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date; write YYYY-MM-DD") from None


def main(argv: list[str] | None = None) -> int:
    """Exit codes: 0 done; 1 done, but a file failed (or a delete was declined or blocked);
    2 nothing done (a usage error, an unknown document, a data directory to repair);
    130 stopped with Ctrl-C (an ingest run again goes on from the documents it published);
    141 the reader of the output went away (`… | head`)."""
    try:
        code = run_command(argv)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's last flush
    except BrokenPipeError:
        return reader_went_away()
    except KeyboardInterrupt:
        report_problem(
            "Stopped. Every document reported done is published; an ingest run again goes on "
            "from there."
        )
        return 130
    return code


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
            if args.root_path is not None:  # each worker reads its settings from the environment
                os.environ["POLICY_ASSISTANT_ROOT_PATH"] = args.root_path
                settings = Settings()
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


def configure_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets itself to DEBUG


def ask_question(settings: Settings, question: str, filters: Filters, as_json: bool) -> int:
    check_question([question], settings.max_question_chars)  # before the model loads
    answer = Assistant(settings).ask([Message("user", question)], filters)
    if as_json:
        print_json(asdict(answer))
        return 0
    console.print(printable(answer.text), markup=False, highlight=False)
    note = answer.generation_note()
    if note:  # its words say it, not only its italics: a pipe or a file keeps no style
        console.print(f"\n{note}", style="italic", markup=False, highlight=False)
    if answer.citations:
        console.print(f"\n[bold]{answer.sources_heading}[/bold]")
    for number, citation in enumerate(answer.citations, start=1):
        line = f"[{number}] {citation.reference}\n    {citation.text}"
        console.print(printable(line), markup=False, highlight=False)
    return 0


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
