"""A snapshot on disk, so a server starts in seconds and its workers share one copy of it.

Building a snapshot reads every vector from the index and tokenises every chunk: tens of
seconds for the statute book. Whoever builds one (an ingest at its end, or the first server
process to need it) writes it here, named by the catalogue generation it was built from; other
processes load it instead: the vector matrix and the BM25 arrays are memory-mapped, so the
operating system keeps one copy for all workers. A folder is written under a temporary name
and renamed into place, so a reader never sees half of one. Building takes a lock file, so two
processes needing the same generation build it once.
"""

from __future__ import annotations

import fcntl
import gc
import logging
import os
import pickle
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path

import bm25s
import numpy as np

from assistant.retrieval.snapshot import Snapshot

log = logging.getLogger(__name__)

FORMAT = 1  # bumped when the layout changes; part of the folder's key, so older ones go unread
KEEP = 2  # generations kept: the newest, and the one readers may still be loading
ROWS = "rows.pickle"
VECTORS = "vectors.npy"


class SnapshotFolder:
    def __init__(self, root: Path, key: str) -> None:
        """`key` names the code and options that shaped the snapshots (`keeper.snapshot_folder`):
        after an upgrade, a folder written by the previous release is not read."""
        self.root = root
        self.key = key

    def path(self, generation: int) -> Path:
        return self.root / f"g{generation:012d}-{self.key}"

    def load(self, generation: int, today: date) -> Snapshot | None:
        """The snapshot of `generation` if one was written, else None."""
        folder = self.path(generation)
        try:
            with open(folder / ROWS, "rb") as file, _collector_paused():
                fields = pickle.load(file)
        except (FileNotFoundError, NotADirectoryError):
            return None
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as error:
            log.warning("snapshot %s unreadable, rebuilding it: %s", folder, error)
            shutil.rmtree(folder, ignore_errors=True)  # else it would block saving a good one
            return None
        snapshot = Snapshot(vectors=np.load(folder / VECTORS, mmap_mode="r"), **fields)
        snapshot.records = {k: replace(r, today=today) for k, r in snapshot.records.items()}
        if snapshot.ids:
            snapshot.chunks = _load_bm25(folder / "chunks")
            snapshot.cards = _load_bm25(folder / "cards")
        return snapshot

    def newest(self, at_most: int, today: date) -> Snapshot | None:
        """The newest snapshot saved of a generation up to `at_most`, else None."""
        for folder in sorted(self.root.glob(f"g*-{self.key}"), reverse=True):
            generation = int(folder.name[1:].split("-", 1)[0])
            if generation <= at_most and (snapshot := self.load(generation, today)) is not None:
                return snapshot
        return None

    def save(self, snapshot: Snapshot) -> None:
        """Write `snapshot` under its generation, unless that is already there."""
        target = self.path(snapshot.generation)
        if target.exists():
            return
        self.root.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".writing-", dir=self.root))
        try:
            np.save(work / VECTORS, np.ascontiguousarray(snapshot.vectors, dtype=np.float32))
            if snapshot.chunks is not None and snapshot.cards is not None:
                snapshot.chunks.save(str(work / "chunks"), show_progress=False)
                snapshot.cards.save(str(work / "cards"), show_progress=False)
            with open(work / ROWS, "wb") as file:
                pickle.dump(_fields(snapshot), file, protocol=pickle.HIGHEST_PROTOCOL)
            work.chmod(0o755)  # mkdtemp's 0700 would hide it from a server running as another user
            os.rename(work, target)
        except OSError:
            shutil.rmtree(work, ignore_errors=True)
            if not target.exists():
                raise
        self._remove_old(snapshot.generation)

    @contextmanager
    def building(self) -> Iterator[None]:
        """Held while one process builds, so the others wait and then load its result."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _remove_old(self, newest: int) -> None:
        kept = sorted((p for p in self.root.glob("g*") if p.is_dir()), reverse=True)
        for folder in kept[KEEP:]:
            if folder != self.path(newest):
                shutil.rmtree(folder, ignore_errors=True)  # a process mapping it keeps its copy


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Unpickling a snapshot makes millions of objects, none of them garbage: the cyclic
    collector would walk them over and over as they arrive (at 114,000 chunks it took 0.7 s
    to load instead of 0.5 s). Once loaded they move to the collector's permanent generation,
    so no collection during a question walks them again."""
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def _fields(snapshot: Snapshot) -> dict:
    skipped = {"vectors", "chunks", "cards", "_days", "_codes", "speller", "views"}
    return {k: v for k, v in vars(snapshot).items() if k not in skipped}


def _load_bm25(folder: Path) -> bm25s.BM25:
    return bm25s.BM25.load(str(folder), mmap=True, show_progress=False)
