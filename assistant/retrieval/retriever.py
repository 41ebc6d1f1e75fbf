"""`Retriever`: the retrieval room's one entrance, over the current snapshot of the index."""

from __future__ import annotations

import numpy as np

from assistant.language.analysis import Analyzer
from assistant.retrieval.ranking import Ranker, RetrievalOptions
from assistant.retrieval.snapshot import Snapshot, Snapshots
from assistant.retrieval.terms import Terms
from assistant.retrieval.vocabulary import Vocabulary
from assistant.storage.catalog import Catalog
from assistant.storage.vectors import Store
from assistant.types import Filters, Passage


class Retriever:
    def __init__(
        self,
        store: Store,
        catalog: Catalog,
        analyzer: Analyzer | None = None,
        options: RetrievalOptions | None = None,
    ) -> None:
        options = options or RetrievalOptions()
        terms = Terms(analyzer or Analyzer(), options.compounds)
        self.snapshots = Snapshots(store, catalog, terms)
        self.ranker = Ranker(store.embedder, terms, options)
        self.terms = terms

    def snapshot(self) -> Snapshot:
        return self.snapshots.current()

    def search(self, query: str, k: int = 5, filters: Filters | None = None) -> list[Passage]:
        return self.ranker.search(self.snapshot(), query, k, filters)

    def vocabulary(self) -> Vocabulary:
        return Vocabulary(self.snapshot(), self.terms)

    def siblings(self, passages: list[Passage]) -> list[Passage]:
        """The other chunks of the sections of list passages: an answer may need the whole list."""
        snapshot = self.snapshot()
        seen = {p.chunk_id for p in passages}
        result = []
        for passage in passages:
            if not passage.is_list:
                continue
            for row in snapshot.sections.get((passage.doc_id, passage.section), []):
                if snapshot.ids[row] not in seen:
                    seen.add(snapshot.ids[row])
                    result.append(snapshot.passage(row, 0.0))
        return result

    def document_passages(self, doc_id: str) -> list[Passage]:
        """A live document's chunks in reading order (empty if it is not live)."""
        snapshot = self.snapshot()
        rows = np.flatnonzero(snapshot.doc_id_of_row == doc_id) if snapshot.ids else []
        return [snapshot.passage(int(row), 0.0) for row in rows]
