"""Where each way of ranking stops being the right one as an index grows to a million chunks.

    python -m evals million-benchmark [--sizes 100000 1000000] [--queries 200]

Today's index is the Swedish statute book, about 110,000 chunks; every region's policies
beside it would make about 1,000,000. Nothing is embedded or ingested: the vectors are
synthetic 384-dimensional float32 unit vectors, clustered like sentence embeddings (one of
2,000 random centres plus gaussian noise scaled so that a vector's cosine to its centre is
about 0.85), written a block at a time straight into memory-mapped .npy files, so a million
of them are never held twice; the questions are drawn the same way with fresh noise. For
each size N, one question at a time:

- exact float32: the snapshot's dense side, `vectors @ query` over the .npy loaded with
  `np.load(mmap_mode="r")` as servers load it, on one BLAS thread as the product runs it, then
  `np.argpartition` for the top 50, after one warm-up pass. Memory is this process's RSS after
  the questions (mapped pages read count in it). float16→32: the same over a float16 copy made
  float32 50,000 rows at a time per question: what halving file and page cache costs.
- bm25s: the lexical side, `get_scores` over all N chunks of synthetic text (40-80 words each,
  from a Zipf-distributed vocabulary of 200,000), saved and loaded with `mmap=True` as the
  snapshot loads it, for 5-word questions from the same vocabulary. The product scores a
  question once so, plus once per word among its candidates. Memory is the saved index's
  size, which the mapping reads in; build is `BM25.index` alone.
- chroma HNSW: a `chroma run` server's own query (top 50, the client's default fields) over a
  cosine collection the same vectors were added to, in the largest batches the server accepts
  (build is that add); recall@10 is against the exact float32 top 10. Memory is the server
  process's RSS after the questions, disk its data folder.

It prints one table, with the machine's cores and load average at start and end (other work
moves every latency). Everything is written under one temporary folder, removed at the end.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import bm25s
import numpy as np
from threadpoolctl import threadpool_limits

from evals.servers import chroma_process

if TYPE_CHECKING:
    from chromadb.api.models.Collection import Collection

log = logging.getLogger(__name__)

DIM, CENTRES, COSINE, TOP, BLOCK = 384, 2_000, 0.85, 50, 50_000
# Noise of norm sqrt(DIM) * SIGMA beside a unit centre: cosine ≈ 1 / sqrt(1 + DIM * SIGMA²).
SIGMA = float(np.sqrt((1 / COSINE**2 - 1) / DIM))
VOCABULARY, ZIPF, WORDS, QUESTION_WORDS = 200_000, 1.0, (40, 80), 5
SEED = 2024  # centres; the vectors, questions and texts use SEED + 1 … SEED + 4


@dataclass
class Row:
    size: int
    method: str
    build_s: float | None
    latencies: list[float]  # seconds, one per question
    memory_mb: float
    disk_mb: float
    recall: float | None = None
    batch: int | None = None  # Chroma's: the largest the server accepted


def rss_mb(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def size_mb(path: Path) -> float:
    files = [path] if path.is_file() else path.rglob("*")
    return sum(p.stat().st_size for p in files if p.is_file()) / 2**20


def unit(rows: np.ndarray) -> np.ndarray:
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def clustered(rng: np.random.Generator, centres: np.ndarray, n: int) -> np.ndarray:
    """n unit vectors, each a random centre plus gaussian noise (float32 throughout)."""
    noise = rng.standard_normal((n, DIM), dtype=np.float32) * np.float32(SIGMA)
    return unit(centres[rng.integers(len(centres), size=n)] + noise)


def write_vectors(folder: Path, size: int, centres: np.ndarray) -> tuple[Path, Path]:
    """N clustered vectors as a float32 and a float16 .npy, one block in memory at a time.
    The same seed for every size: the vectors of a smaller size begin those of a larger."""
    rng = np.random.default_rng(SEED + 1)
    paths = folder / "vectors.npy", folder / "vectors-float16.npy"
    full = np.lib.format.open_memmap(paths[0], mode="w+", dtype=np.float32, shape=(size, DIM))
    half = np.lib.format.open_memmap(paths[1], mode="w+", dtype=np.float16, shape=(size, DIM))
    for start in range(0, size, BLOCK):
        block = clustered(rng, centres, min(BLOCK, size - start))
        full[start : start + len(block)] = block
        half[start : start + len(block)] = block
    full.flush()
    half.flush()
    return paths


def top(scores: np.ndarray) -> np.ndarray:
    n = min(TOP, len(scores))
    best = np.argpartition(-scores, n - 1)[:n]
    return best[np.argsort(-scores[best])]


def rank_float16(matrix: np.ndarray, query: np.ndarray) -> np.ndarray:
    scores = np.empty(len(matrix), dtype=np.float32)
    for start in range(0, len(matrix), BLOCK):
        scores[start : start + BLOCK] = matrix[start : start + BLOCK].astype(np.float32) @ query
    return top(scores)


def timed(ask: Callable, questions: list) -> tuple[list[float], list]:
    """Each question's latency and answer, one question at a time."""
    latencies, answers = [], []
    for question in questions:
        started = time.perf_counter()
        answers.append(ask(question))
        latencies.append(time.perf_counter() - started)
    return latencies, answers


def dense_rows(paths: tuple[Path, Path], size: int, queries: np.ndarray) -> tuple[list, list]:
    """The two exact rows and the exact top 10 of every question (from float32)."""
    rows, exact = [], []
    ways = (("exact float32, mmap", lambda m, q: top(m @ q)), ("exact float16→32", rank_float16))
    for path, (label, rank) in zip(paths, ways, strict=True):
        matrix = np.load(path, mmap_mode="r")
        with threadpool_limits(limits=1, user_api="blas"):
            rank(matrix, queries[0])  # the warm-up pass: every page read once
            latencies, answers = timed(lambda q, m=matrix, r=rank: r(m, q), list(queries))
        rows.append(Row(size, label, None, latencies, rss_mb(), size_mb(path)))
        exact = exact or [set(a[:10].tolist()) for a in answers]
        del matrix
        log.info("%s over %d vectors: done", label, size)
    return rows, exact


def zipf_words(rng: np.random.Generator, n: int) -> np.ndarray:
    """n word ids, the word of rank r drawn with probability ∝ 1 / r^ZIPF."""
    cdf = np.cumsum(1.0 / np.arange(1, VOCABULARY + 1) ** ZIPF)
    return np.minimum(np.searchsorted(cdf, rng.random(n) * cdf[-1]), VOCABULARY - 1)


def chunk_texts(size: int) -> list[list[str]]:
    """N chunks' words, as the snapshot gives bm25s: lists of strings (shared objects)."""
    rng = np.random.default_rng(SEED + 2)
    words = np.array([f"w{i}" for i in range(VOCABULARY)], dtype=object)
    chunks: list[list[str]] = []
    for start in range(0, size, BLOCK):
        lengths = rng.integers(WORDS[0], WORDS[1] + 1, size=min(BLOCK, size - start))
        drawn = words[zipf_words(rng, int(lengths.sum()))]
        chunks += [part.tolist() for part in np.split(drawn, np.cumsum(lengths)[:-1])]
    return chunks


def lexical_row(folder: Path, size: int, questions: int) -> Row:
    chunks = chunk_texts(size)
    started = time.perf_counter()
    index = bm25s.BM25()
    index.index(chunks, show_progress=False)
    build = time.perf_counter() - started
    log.info("bm25s over %d chunks: built in %.1f s, RSS %.0f MB", size, build, rss_mb())
    del chunks
    path = folder / "bm25"
    index.save(str(path), show_progress=False)
    del index
    loaded = bm25s.BM25.load(str(path), mmap=True, show_progress=False)
    rng = np.random.default_rng(SEED + 3)
    asked = [[f"w{i}" for i in zipf_words(rng, QUESTION_WORDS)] for _ in range(questions)]
    loaded.get_scores(asked[0])  # warm-up
    latencies, _ = timed(loaded.get_scores, asked)
    disk = size_mb(path)
    return Row(size, "bm25s get_scores, mmap", build, latencies, disk, disk)


def add_all(collection: Collection, vectors: np.ndarray, batch: int) -> float:
    """Adds the vectors (ids and a small metadata) in batches; the seconds it took."""
    started = time.perf_counter()
    for start in range(0, len(vectors), batch):
        stop = min(start + batch, len(vectors))
        collection.add(
            ids=[str(i) for i in range(start, stop)],
            embeddings=np.array(vectors[start:stop]),
            metadatas=[{"doc": i % 1000} for i in range(start, stop)],
        )
        if stop // batch % 20 == 0:
            log.info("chroma: %d of %d added", stop, len(vectors))
    return time.perf_counter() - started


def chroma_row(folder: Path, vectors: Path, queries: np.ndarray, exact: list) -> Row:
    """Chroma's own HNSW query through its server, with the exact top 10 for recall."""
    import chromadb
    from chromadb.config import Settings

    matrix = np.load(vectors, mmap_mode="r")
    data = folder / "chroma"
    with chroma_process(data) as (url, process):
        host, port = url.removeprefix("http://").split(":")
        settings = Settings(anonymized_telemetry=False)
        client = chromadb.HttpClient(host=host, port=int(port), settings=settings)
        collection = client.create_collection(
            "million", configuration={"hnsw": {"space": "cosine"}}
        )
        batch = client.get_max_batch_size()
        added = add_all(collection, matrix, batch)
        log.info("chroma: %d added in %.1f s (batches of %d)", len(matrix), added, batch)
        collection.query(query_embeddings=[queries[0]], n_results=TOP)  # warm-up

        def ask(query: np.ndarray) -> list[int]:
            found = collection.query(query_embeddings=[query], n_results=TOP)
            return [int(i) for i in found["ids"][0]]

        latencies, answers = timed(ask, list(queries))
        memory, disk = rss_mb(process.pid), size_mb(data)
    hits = [len(set(a[:10]) & e) / 10 for a, e in zip(answers, exact, strict=True)]
    recall = float(np.mean(hits))
    return Row(len(matrix), "chroma HNSW, server", added, latencies, memory, disk, recall, batch)


def measure(folder: Path, size: int, centres: np.ndarray, queries: np.ndarray) -> list[Row]:
    folder.mkdir(parents=True)
    started = time.perf_counter()
    paths = write_vectors(folder, size, centres)
    log.info("%d vectors written in %.1f s", size, time.perf_counter() - started)
    rows, exact = dense_rows(paths, size, queries)
    rows += [lexical_row(folder, size, len(queries)), chroma_row(folder, paths[0], queries, exact)]
    log.info("size %d measured in %.0f s", size, time.perf_counter() - started)
    shutil.rmtree(folder, ignore_errors=True)
    return rows


def ms(latencies: list[float], q: float) -> str:
    return f"{np.percentile(latencies, q) * 1000:.2f}"


def print_table(rows: list[Row], load: tuple[tuple[float, ...], tuple[float, ...]]) -> None:
    head = ("build/add s", "p50 ms", "p95 ms", "recall@10", "memory MB", "disk MB")
    widths = (13, 10, 10, 11, 11, 10)

    def line(size: str, method: str, cells: tuple[str, ...]) -> str:
        cells = tuple(f"{c:>{w}}" for c, w in zip(cells, widths, strict=True))
        return f"{size:>9}  {method:<26}" + "".join(cells)

    print(line("size", "method", head))
    for r in rows:
        cells = (
            "-" if r.build_s is None else f"{r.build_s:.1f}",
            ms(r.latencies, 50),
            ms(r.latencies, 95),
            "-" if r.recall is None else f"{r.recall:.3f}",
            f"{r.memory_mb:.0f}",
            f"{r.disk_mb:.0f}",
        )
        print(line(f"{r.size:,}", r.method, cells))
    usable = len(os.sched_getaffinity(0))
    start, end = (" / ".join(f"{x:.2f}" for x in a) for a in load)
    print(f"cores: {os.cpu_count()} ({usable} usable); load average 1/5/15 min: {start} at start,")
    print(f"{end} at end; questions asked one at a time, {len(rows[0].latencies)} per row")
    batches = sorted({r.batch for r in rows if r.batch})
    print(f"Chroma's largest accepted batch (added in these): {', '.join(map(str, batches))}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=200, help="questions per row")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    for noisy in ("bm25s", "httpx", "chromadb"):  # bm25s sets itself to DEBUG
        logging.getLogger(noisy).setLevel(logging.WARNING)
    load_start = os.getloadavg()
    centres = unit(np.random.default_rng(SEED).standard_normal((CENTRES, DIM), dtype=np.float32))
    queries = clustered(np.random.default_rng(SEED + 4), centres, args.queries)
    work = Path(tempfile.mkdtemp(prefix="policy-assistant-million-"))
    rows: list[Row] = []
    try:
        for size in sorted(args.sizes):
            rows += measure(work / str(size), size, centres, queries)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print_table(rows, (load_start, os.getloadavg()))


if __name__ == "__main__":
    main()
