"""The snapshot questions search: kept in memory, else loaded from disk, else built.

Every request asks for the current snapshot; it is replaced only when the catalogue's
generation has moved, under a lock, so all request threads of a process search one consistent
picture. With a snapshot folder, a process first looks for the generation on disk (written by
an ingest or another worker) and builds only when it is missing, holding the folder's lock so
that of several workers only one builds it.

Building takes seconds to tens of seconds on a large index, and an ingest by another process or
host moves the generation once per document. So questions never wait for a build while a
snapshot is held: the held one, a complete earlier picture, answers them while one background
thread builds the new one. A process starting with an earlier generation on disk begins with
it the same way. Only `latest()` waits, for a caller that has just ingested.

A caller who may not read every document searches its view of the snapshot (`seen_by`), built
once per snapshot and set of labels it may not read. The views callers have asked for are built
for a new snapshot before it replaces the held one, so they do not wait for them either.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from importlib import metadata
from pathlib import Path

from assistant.language import analysis, everyday, glossary
from assistant.retrieval import persisted, snapshot, terms
from assistant.retrieval.persisted import SnapshotFolder
from assistant.retrieval.snapshot import Snapshot, SnapshotBuilder
from assistant.retrieval.terms import Terms
from assistant.storage import versions
from assistant.types import Labels

log = logging.getLogger(__name__)

# What shapes a snapshot's terms and layout (its document records are `versions`' classes): a
# change to any of them makes older folders unusable.
SHAPING_MODULES = (analysis, everyday, glossary, terms, snapshot, persisted, versions)
SHAPING_PACKAGES = ("bm25s", "PyStemmer", "numpy")


class Snapshots:
    def __init__(self, builder: SnapshotBuilder, folder: SnapshotFolder | None = None) -> None:
        self.builder = builder
        self.folder = folder
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()
        self._rebuilding: threading.Thread | None = None
        self._viewing = threading.Lock()

    @property
    def generation(self) -> int | None:
        """The generation of the snapshot held now (None before the first question)."""
        return self._snapshot.generation if self._snapshot else None

    def current(self) -> Snapshot:
        """The catalogue's generation if it is held or saved; else the one held while the new
        one is built in the background (the first question of a process waits for it)."""
        generation = self.builder.catalog.generation()
        held = self._snapshot
        if held is not None and held.generation == generation:
            return held
        with self._lock:
            if self._snapshot is None:
                self._snapshot = self._first(generation)
            elif self._snapshot.generation != generation:
                loaded = self._load(generation)
                if loaded is not None and not self._snapshot.views:
                    self._snapshot = loaded
                else:
                    self._rebuild_in_background()
            return self._snapshot

    def latest(self) -> Snapshot:
        """The catalogue's generation, waiting for it to be loaded or built."""
        generation = self.builder.catalog.generation()
        with self._lock:
            if self._snapshot is None or self._snapshot.generation != generation:
                fresh = self._load_or_build(generation)
                self._snapshot = self._with_views_of(self._snapshot, fresh)
            return self._snapshot

    def seen_by(self, snapshot: Snapshot, labels: Labels | None) -> Snapshot:
        """`snapshot` as a caller holding `labels` sees it: itself when it may read every
        document (always, on an index without labels), else its view without the others."""
        hidden = snapshot.hidden_from(labels)
        if not hidden:
            return snapshot
        view = snapshot.views.get(hidden)  # one for every caller who may not read the same
        if view is None:
            with self._viewing:  # built once, however many callers ask for it at once
                view = snapshot.views.get(hidden)
                if view is None:
                    view = snapshot.views[hidden] = self.builder.view(snapshot, labels)
        return view

    def _with_views_of(self, held: Snapshot | None, fresh: Snapshot) -> Snapshot:
        """`fresh` with the views callers asked of `held`, built before it replaces `held`."""
        for view in list(held.views.values()) if held else []:
            self.seen_by(fresh, view.reader)
        return fresh

    def _rebuild_in_background(self) -> None:
        if self._rebuilding is None or not self._rebuilding.is_alive():
            self._rebuilding = threading.Thread(
                target=self._rebuild, name="snapshot-rebuild", daemon=True
            )
            self._rebuilding.start()

    def _rebuild(self) -> None:
        try:
            fresh = self._load_or_build(self.builder.catalog.generation())
            fresh = self._with_views_of(self._snapshot, fresh)
        except Exception:
            log.exception("building the new snapshot failed; the held one still answers")
            return
        with self._lock:
            if self._snapshot is None or fresh.generation > self._snapshot.generation:
                self._snapshot = fresh

    def _first(self, generation: int) -> Snapshot:
        """A process's first snapshot: the catalogue's generation if saved; else the newest one
        saved, answering while the current one is built in the background (an ingest saves one
        as it goes, so after an interrupted one a server starts in seconds at any size); else
        built now."""
        if self.folder is not None:
            saved = self.folder.newest(generation, self.builder.catalog.today())
            if saved is not None:
                if saved.generation != generation:
                    log.info(
                        "answering from snapshot %d while %d builds", saved.generation, generation
                    )
                    self._rebuild_in_background()
                return saved
        return self._load_or_build(generation)

    def _load(self, generation: int) -> Snapshot | None:
        if self.folder is None:
            return None
        return self.folder.load(generation, self.builder.catalog.today())

    def _load_or_build(self, generation: int) -> Snapshot:
        if self.folder is None:
            return self.builder.build()
        started = time.perf_counter()
        loaded = self._load(generation)
        if loaded is None:
            with self.folder.building():
                loaded = self._load(generation)  # another process may have built it
                if loaded is None:
                    built = self.builder.build()
                    self.folder.save(built)
                    log.info("snapshot %d built and saved", built.generation)
                    return built
        log.info("snapshot %d loaded in %.2f s", generation, time.perf_counter() - started)
        return loaded


def snapshot_folder(root: Path, terms: Terms, catalog_identity: str) -> SnapshotFolder:
    """The folder for snapshots of this catalogue made with these terms by this code."""
    digest = hashlib.sha256(repr((persisted.FORMAT, terms.compounds, catalog_identity)).encode())
    for module in SHAPING_MODULES:
        digest.update(Path(str(module.__file__)).read_bytes())
    for package in SHAPING_PACKAGES:
        digest.update(metadata.version(package).encode())
    return SnapshotFolder(root, digest.hexdigest()[:16])
