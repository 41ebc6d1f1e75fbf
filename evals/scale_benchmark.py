"""How start-up, memory and latency grow with the index: 2 policies → the whole statute book.

    python -m evals scale-benchmark --source DATA_DIR [--chunks 0 10000 50000 all] [--seconds 20]

DATA_DIR is a data directory holding corpus/ and statutes from ../shared/sfs (the full-book
ingest: `policy-assistant ingest corpus ../shared/sfs`). For each size N, a data directory with
corpus/ and its first statutes (in path order) up to N chunks is ingested by the real CLI with
a copy of DATA_DIR's embedding cache, so nothing is embedded again; `all` uses DATA_DIR itself.
Each is then served by `policy-assistant serve`, twice: once as a site runs it (the ingest
saved the snapshot) and once with the snapshot folder removed (the server builds it): the
ratio is the saving. Latency is /v1/chat over the gold set's questions, one client; beside it,
with the server stopped, the embedder's own time for the same questions (`embed_query`, in
this process), since embedding the question is the floor under every answer. RSS is the
server process's resident memory after the questions.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from assistant.settings import Settings
from assistant.storage.catalog import Catalog
from assistant.storage.embedders import CountingEmbeddings, make_embedder
from evals.load_benchmark import Run, load, questions, start_server

CLI = Path(sys.executable).parent / "policy-assistant"
CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@dataclass
class Scale:
    label: str
    documents: int
    chunks: int
    start_saved: float
    start_building: float
    rss_mb: float
    run: Run
    embedder: Run


def subset(source: Path, target: Path, chunks: int) -> Path:
    """corpus/ and the first statutes of `source` up to `chunks` chunks, from its cache."""
    if (target / "catalog.sqlite").exists():
        return target
    catalog = Catalog(Settings(data_dir=source).catalog_url)
    statutes = sorted(
        (Path(r.live.source_path), r.live.chunk_count)
        for r in catalog.documents()
        if r.doc_id.startswith("sfs-") and r.live is not None
    )
    paths, total = [], 0
    for path, count in statutes:
        if total >= chunks:
            break
        paths.append(path)
        total += count

    target.mkdir(parents=True)
    cache = "embedding_cache.sqlite"
    with sqlite3.connect(source / cache) as src, sqlite3.connect(target / cache) as dst:
        src.backup(dst)  # a consistent copy while the source is still being written
    env = {**os.environ, "POLICY_ASSISTANT_DATA_DIR": str(target)}
    subprocess.run(
        [str(CLI), "ingest", str(CORPUS), *map(str, paths)],
        env=env,
        check=True,
        capture_output=True,
    )
    return target


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def embedder_alone(embedder: CountingEmbeddings, asked: list[str]) -> Run:
    """The embedder's own time per question, each once, in this process."""
    embedder.embed_query(asked[0])  # warm
    latencies = []
    started = time.perf_counter()
    for question in asked:
        before = time.perf_counter()
        embedder.embed_query(question)
        latencies.append(time.perf_counter() - before)
    return Run("embed_query", 1, latencies, time.perf_counter() - started, 0)


def serve_and_measure(
    data: Path, label: str, seconds: float, port: int, embedder: CountingEmbeddings
) -> Scale:
    log = Path(tempfile.gettempdir()) / f"policy-assistant-scale-{port}.log"
    process, start_saved = start_server(data, port, log)
    try:
        url = f"http://127.0.0.1:{port}"
        info = httpx.get(f"{url}/v1/info").json()
        asked = questions()
        load(url, asked, 1, 2.0)  # warm
        run = load(url, asked, 1, seconds)
        memory = rss_mb(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=60)
    alone = embedder_alone(embedder, asked)
    aside = data / "snapshot-aside"
    shutil.move(data / "snapshot", aside)
    try:
        process, start_building = start_server(data, port, log)
        process.terminate()
        process.wait(timeout=60)
    finally:
        shutil.rmtree(data / "snapshot", ignore_errors=True)
        shutil.move(aside, data / "snapshot")
    return Scale(
        label, info["documents"], info["chunks"], start_saved, start_building, memory, run, alone
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", type=Path, required=True, help="the full-book data dir")
    parser.add_argument("--chunks", nargs="+", default=["0", "10000", "50000", "all"])
    parser.add_argument("--work", type=Path, default=Path("data/scale"))
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--port", type=int, default=8797)
    args = parser.parse_args(argv)

    embedder = make_embedder(Settings().embedder)
    results = []
    for size in args.chunks:
        if size == "all":
            data, label = args.source, "whole ingest"
        else:
            data = subset(args.source, args.work.resolve() / f"chunks-{size}", int(size))
            label = f"corpus/ + statutes to {int(size):,}"
        results.append(serve_and_measure(data, label, args.seconds, args.port, embedder))

    print(
        f"{'index':28}{'docs':>7}{'chunks':>8}{'start s':>9}{'(build) s':>10}{'RSS MB':>8}"
        f"{'p50 ms':>8}{'p95 ms':>8}{'embed p50':>10}{'embed p95':>10}{'× p50':>7}{'× p95':>7}"
        f"{'errors':>7}"
    )
    for s in results:
        p50, p95 = s.run.percentile(0.5), s.run.percentile(0.95)
        e50, e95 = s.embedder.percentile(0.5), s.embedder.percentile(0.95)
        print(
            f"{s.label:28}{s.documents:>7}{s.chunks:>8}{s.start_saved:>9.1f}"
            f"{s.start_building:>10.1f}{s.rss_mb:>8.0f}{p50:>8.0f}{p95:>8.0f}{e50:>10.1f}"
            f"{e95:>10.1f}{p50 / e50:>7.2f}{p95 / e95:>7.2f}{s.run.errors:>7}"
        )
    print("start s: process start → /healthz ready, the snapshot saved by the ingest;")
    print("(build) s: the same with no saved snapshot, the server building it from the index;")
    print("embed: embed_query alone on the same questions; ×: answer time over the embedder's.")


if __name__ == "__main__":
    main()
