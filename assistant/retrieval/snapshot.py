"""The live chunks as one searchable snapshot: vectors, BM25 indexes and term statistics.

Only chunks of live document versions are in it (see `assistant.storage.catalog`), and it is
rebuilt when the catalogue's generation changes, never per question, so every request thread
searches the same consistent picture of the index.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import bm25s
import numpy as np

from assistant.retrieval.terms import Terms
from assistant.storage.catalog import Catalog
from assistant.storage.vectors import Store
from assistant.types import Passage

log = logging.getLogger(__name__)

# What a document's card holds: the words a question uses to name the document.
CARD_FIELDS = (
    "organisation",
    "title",
    "document_type",
    "adopting_body",
    "decision_body",
    "proposed_by",
    "protocol_body",
)


@dataclass
class Snapshot:
    """Everything derived from one generation of the index."""

    generation: int
    ids: list[str]
    metadatas: list[dict]
    vectors: np.ndarray  # one row per chunk, unit length
    vocabulary: Counter[str]  # words and their frequencies, for compound splitting
    chunks: bm25s.BM25 | None = None
    cards: bm25s.BM25 | None = None
    doc_of_row: list[int] = field(default_factory=list)  # row → its document's card
    # Per row, for filtering with one vector comparison ("" for no organisation).
    organisation_of_row: np.ndarray = field(default_factory=lambda: np.array([], dtype=object))
    doc_id_of_row: np.ndarray = field(default_factory=lambda: np.array([], dtype=object))
    access_of_row: np.ndarray = field(default_factory=lambda: np.array([], dtype=object))
    access_values: list[str] = field(default_factory=list)  # the distinct ones
    stem_frequency: Counter[str] = field(default_factory=Counter)  # chunks using each stem
    sections: dict[tuple[str, str], list[int]] = field(default_factory=dict)

    def passage(self, row: int, score: float, dense_similarity: float | None = None) -> Passage:
        meta = self.metadatas[row]
        return Passage(
            chunk_id=self.ids[row],
            doc_id=meta["doc_id"],
            title=meta["title"],
            section=meta["section"],
            text=meta["text"],
            position=meta["position"],
            version_hash=meta["version_hash"],
            organisation=meta.get("organisation"),
            effective_date=meta.get("effective_date"),
            page=meta.get("page"),
            is_list=bool(meta.get("is_list")),
            score=score,
            dense_similarity=dense_similarity,
        )


class Snapshots:
    """Keeps the current snapshot; one thread rebuilds it while the others wait."""

    def __init__(self, store: Store, catalog: Catalog, terms: Terms) -> None:
        self.store = store
        self.catalog = catalog
        self.terms = terms
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()

    def current(self) -> Snapshot:
        generation = self.catalog.generation()
        current = self._snapshot
        if current is not None and current.generation == generation:
            return current
        with self._lock:
            if self._snapshot is None or self._snapshot.generation != generation:
                self._snapshot = self._build()
            return self._snapshot

    def _read_live_chunks(self) -> tuple[int, list[tuple[str, str, dict, np.ndarray]]]:
        """The live versions' chunks, read between two equal generations.

        A publish between reading the catalogue and reading Chroma could pair the old live map
        with a collection whose old chunks are already being removed; reading again then
        yields a consistent pair, because old chunks are only removed after a publish.
        """
        while True:
            generation = self.catalog.generation()
            live = self.catalog.live_hashes()
            got = self.store.collection.get(include=["documents", "metadatas", "embeddings"])
            if self.catalog.generation() == generation:
                break
        rows = [
            (chunk_id, text, meta, vector)
            for chunk_id, text, meta, vector in zip(
                got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True
            )
            if live.get(meta["doc_id"]) == meta["version_hash"]
        ]
        return generation, rows

    def _build(self) -> Snapshot:
        generation, rows = self._read_live_chunks()
        rows.sort(key=lambda r: (r[2]["doc_id"], r[2]["position"]))
        metadatas = [r[2] for r in rows]
        vectors = (
            np.array([r[3] for r in rows], dtype=np.float32).reshape(len(rows), -1)
            if rows
            else np.zeros((0, 0), dtype=np.float32)  # a new site, or its last document deleted
        )
        vocabulary = Counter(w for row in rows for w in self.terms.analyzer.words(row[1]))
        snapshot = Snapshot(generation, [r[0] for r in rows], metadatas, vectors, vocabulary)
        snapshot.organisation_of_row = np.array(
            [m.get("organisation") or "" for m in metadatas], dtype=object
        )
        snapshot.doc_id_of_row = np.array([m["doc_id"] for m in metadatas], dtype=object)
        snapshot.access_of_row = np.array([m.get("access") or "" for m in metadatas], dtype=object)
        snapshot.access_values = sorted(set(snapshot.access_of_row))
        if rows:
            terms = [self.terms.of(row[1], vocabulary) for row in rows]
            snapshot.chunks = _bm25(terms)
            snapshot.stem_frequency = Counter(t for chunk in terms for t in set(chunk))
            sections: dict[tuple[str, str], list[int]] = defaultdict(list)
            for row, meta in enumerate(metadatas):
                sections[(meta["doc_id"], meta["section"])].append(row)
            snapshot.sections = dict(sections)
            cards = self._cards()
            doc_index = {doc_id: i for i, doc_id in enumerate(cards)}
            snapshot.doc_of_row = [doc_index.get(m["doc_id"], -1) for m in metadatas]
            snapshot.cards = _bm25([self.terms.of(card, vocabulary) for card in cards.values()])
        log.info("lexical index built: %d chunks, generation %d", len(rows), generation)
        return snapshot

    def _cards(self) -> dict[str, str]:
        """doc_id → the words that name the live document (title, organisation, bodies)."""
        cards = {}
        for record in self.catalog.documents():
            if record.live is not None:
                values = [record.live.metadata.get(f) for f in CARD_FIELDS]
                cards[record.doc_id] = " ".join(
                    [record.live.title, record.live.organisation or "", *filter(None, values)]
                )
        return cards


def _bm25(corpus: list[list[str]]) -> bm25s.BM25:
    index = bm25s.BM25()
    index.index([terms or [""] for terms in corpus], show_progress=False)
    return index
