"""`Retriever`: the retrieval room's one entrance, over the current snapshot of the index."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from assistant.language.analysis import Analyzer
from assistant.retrieval.keeper import Snapshots, snapshot_folder
from assistant.retrieval.ranking import Ranker, RetrievalOptions
from assistant.retrieval.snapshot import Snapshot, SnapshotBuilder
from assistant.retrieval.terms import Terms
from assistant.retrieval.vocabulary import Vocabulary
from assistant.storage.catalog import Catalog
from assistant.storage.vectors import Store
from assistant.types import Filters, Labels, Passage


class Retriever:
    def __init__(
        self,
        store: Store,
        catalog: Catalog,
        analyzer: Analyzer | None = None,
        options: RetrievalOptions | None = None,
        snapshot_root: Path | None = None,
    ) -> None:
        """With `snapshot_root`, snapshots are saved there and loaded by the next process."""
        options = options or RetrievalOptions()
        terms = Terms(analyzer or Analyzer(), options.compounds)
        folder = (
            snapshot_folder(snapshot_root, terms, catalog.identity()) if snapshot_root else None
        )
        self.snapshots = Snapshots(SnapshotBuilder(store, catalog, terms), folder)
        self.ranker = Ranker(store.embedder, terms, options)
        self.terms = terms
        self.catalog = catalog

    def snapshot(self, labels: Labels | None = None) -> Snapshot:
        """The current snapshot, as a caller holding `labels` sees it (None: all of it). A
        question takes it once and hands it to every step (`snapshot=`), so all of them read
        one picture of the index, and the catalogue is asked for its generation once per
        question rather than once per step."""
        return self.snapshots.seen_by(self.snapshots.current(), labels)

    def search(
        self,
        query: str,
        k: int = 5,
        filters: Filters | None = None,
        snapshot: Snapshot | None = None,
    ) -> list[Passage]:
        """The best passages of the versions in force on the filters' day (today if none)."""
        filters = self.dated(filters)
        return self.ranker.search(snapshot or self.snapshot(filters.labels), query, k, filters)

    def dated(self, filters: Filters | None) -> Filters:
        filters = filters or Filters()
        return filters if filters.as_of else replace(filters, as_of=self.catalog.today())

    def vocabulary(self, snapshot: Snapshot | None = None) -> Vocabulary:
        return Vocabulary(snapshot or self.snapshot(), self.terms)

    def siblings(self, passages: list[Passage], snapshot: Snapshot) -> list[Passage]:
        """The other chunks of the sections of list passages: an answer may need the whole list."""
        seen = {p.chunk_id for p in passages}
        result = []
        for passage in passages:
            if not passage.is_list:
                continue
            key = (passage.doc_id, passage.version, passage.section)
            for row in snapshot.sections.get(key, []):
                if snapshot.ids[row] not in seen:
                    seen.add(snapshot.ids[row])
                    result.append(snapshot.passage(row, 0.0))
        return result

    def version_passages(self, doc_id: str, version: int) -> list[Passage]:
        """One version's chunks in reading order."""
        snapshot = self.snapshot()
        if not snapshot.ids:
            return []
        rows = np.flatnonzero(
            snapshot.rows_with("doc_id_of_row", [doc_id]) & (snapshot.version_of_row == version)
        )
        return [snapshot.passage(int(row), 0.0) for row in rows]
