"""Question → the passages most likely to answer it: dense + Swedish BM25, fused, document-aware.

Three rankings are fused by reciprocal rank: dense similarity in Chroma, BM25 over each chunk's
embedded text (organisation, title, heading trail and paragraph), and BM25 over document
"cards" (organisation, title, decision bodies), which lets a question that names an
organisation, a body or a document lift that document's passages above look-alike statutes.

Only chunks of live document versions are ever returned (see `assistant.catalog`). The lexical
side is rebuilt from Chroma when the catalogue's generation changes, never per query.
"""

from __future__ import annotations

import logging
import math
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import bm25s
import numpy as np

from assistant.analysis import Analyzer, compound_parts, is_english
from assistant.catalog import Catalog
from assistant.glossary import to_swedish
from assistant.store import Store

log = logging.getLogger(__name__)

CARD_FIELDS = (
    "organisation",
    "title",
    "document_type",
    "adopting_body",
    "decision_body",
    "proposed_by",
    "protocol_body",
)


@dataclass(frozen=True)
class Filters:
    organisation: str | None = None
    doc_id: str | None = None

    def where(self) -> dict | None:
        clauses = [
            {k: v} for k, v in (("organisation", self.organisation), ("doc_id", self.doc_id)) if v
        ]
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


@dataclass(frozen=True)
class RetrievalOptions:
    candidates: int = 50  # per ranking, before fusion
    rrf_k: int = 60
    dense_weight: float = 1.0
    lexical_weight: float = 1.0
    card_weight: float = 1.0
    english_dense_weight: float = 2.0  # English questions: Swedish BM25 sees only names
    compounds: bool = True  # add the parts of compounds the corpus knows as terms
    prefix_length: int = 0  # > 0: add each longer word's prefix of this length as a term
    use_cards: bool = True


@dataclass
class Passage:
    """A retrieved chunk of a live document version; `text` is verbatim source text."""

    chunk_id: str
    doc_id: str
    title: str
    section: str
    text: str
    position: int
    version_hash: str
    organisation: str | None = None
    effective_date: str | None = None
    page: int | None = None
    is_list: bool = False
    score: float = 0.0
    dense_similarity: float | None = None  # cosine to the question, when in the dense top
    metadata: dict = field(default_factory=dict, repr=False)


@dataclass
class _Snapshot:
    """Everything derived from one generation of the index."""

    generation: int
    ids: list[str]
    metadatas: list[dict]
    position_of: dict[str, int]
    vocabulary: set[str]  # words, for compound splitting
    chunks: bm25s.BM25 | None = None
    doc_index: dict[str, int] = field(default_factory=dict)  # doc_id → its card
    cards: bm25s.BM25 | None = None
    stem_frequency: Counter[str] = field(default_factory=Counter)  # chunks using each stem
    sections: dict[tuple[str, str], list[int]] = field(default_factory=dict)


class Retriever:
    def __init__(
        self,
        store: Store,
        catalog: Catalog,
        analyzer: Analyzer | None = None,
        options: RetrievalOptions | None = None,
    ) -> None:
        self.store = store
        self.catalog = catalog
        self.analyzer = analyzer or Analyzer()
        self.options = options or RetrievalOptions()
        self._snapshot: _Snapshot | None = None
        self._lock = threading.Lock()

    def search(self, query: str, k: int = 5, filters: Filters | None = None) -> list[Passage]:
        snapshot = self.snapshot()
        if not snapshot.ids:
            return []
        filters = filters or Filters()
        allowed = self._allowed(snapshot, filters)
        options = self.options
        dense_weight = options.english_dense_weight if is_english(query) else options.dense_weight
        scores: dict[int, float] = {}

        def fuse(ranked: list[int], weight: float) -> None:
            for rank, row in enumerate(ranked):
                scores[row] = scores.get(row, 0.0) + weight / (options.rrf_k + rank + 1)

        dense, similarity = self._dense(snapshot, query, filters)
        fuse(dense, dense_weight)
        terms = self._terms(snapshot, query, query=True)
        if snapshot.chunks is not None and terms:
            fuse(
                _top(snapshot.chunks.get_scores(terms), allowed, options.candidates),
                options.lexical_weight,
            )
        if options.use_cards and snapshot.cards is not None and terms:
            doc_of_row = [snapshot.doc_index[m["doc_id"]] for m in snapshot.metadatas]
            self._boost_groups(
                snapshot.cards, doc_of_row, terms, scores, allowed, options.card_weight
            )
        best = sorted(scores, key=scores.__getitem__, reverse=True)[:k]
        return [_passage(snapshot, row, scores[row], similarity.get(row)) for row in best]

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
                    result.append(_passage(snapshot, row, 0.0))
        return result

    def term_weight(self, word: str) -> float:
        """Inverse document frequency of a word's stem over the live chunks."""
        snapshot = self.snapshot()
        n = len(snapshot.ids)
        df = snapshot.stem_frequency.get(self.analyzer.stem([word])[0], 0)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def known_word(self, word: str) -> bool:
        return self.analyzer.stem([word])[0] in self.snapshot().stem_frequency

    def snapshot(self) -> _Snapshot:
        generation = self.catalog.generation()
        current = self._snapshot
        if current is not None and current.generation == generation:
            return current
        with self._lock:
            if self._snapshot is None or self._snapshot.generation != generation:
                self._snapshot = self._build()
            return self._snapshot

    # ---- rankings ------------------------------------------------------------------------

    def _dense(
        self, snapshot: _Snapshot, query: str, filters: Filters
    ) -> tuple[list[int], dict[int, float]]:
        embedding = self.store.embedder.embed_query(query)
        result = self.store.collection.query(
            query_embeddings=[embedding],
            n_results=min(self.options.candidates, len(snapshot.ids)),
            where=filters.where(),
            include=["distances"],
        )
        # Chunks not in the snapshot belong to a version that is not (or no longer) live.
        hits = [
            (snapshot.position_of[chunk_id], 1.0 - distance)
            for chunk_id, distance in zip(result["ids"][0], result["distances"][0], strict=True)
            if chunk_id in snapshot.position_of
        ]
        return [row for row, _ in hits], dict(hits)

    def _boost_groups(
        self,
        index: bm25s.BM25,
        group_of_row: list[int],
        terms: list[str],
        scores: dict[int, float],
        allowed: np.ndarray,
        weight: float,
    ) -> None:
        """Lift the candidates whose document matches the question as a whole.

        Groups are ranked by BM25 over their cards; every candidate in a group
        gets the group's reciprocal-rank share, so all of a named document's passages rise
        together and their own rankings decide among them.
        """
        group_scores = index.get_scores(terms)
        ranked = [g for g in np.argsort(-group_scores) if group_scores[g] > 0]
        rank_of = {int(g): rank for rank, g in enumerate(ranked[: self.options.candidates])}
        for row in list(scores):
            rank = rank_of.get(group_of_row[row])
            if rank is not None and allowed[row]:
                scores[row] += weight / (self.options.rrf_k + rank + 1)

    def _terms(self, snapshot: _Snapshot, text: str, query: bool = False) -> list[str]:
        words = self.analyzer.words(text)
        if query and is_english(text):
            words += to_swedish(words)
        terms = self.analyzer.stem(words)
        if self.options.prefix_length:
            terms += [
                f"{w[: self.options.prefix_length]}…"
                for w in words
                if len(w) >= self.options.prefix_length
            ]
        if self.options.compounds:
            for word in words:
                terms.extend(self.analyzer.stem(compound_parts(word, snapshot.vocabulary)))
        return terms

    def _allowed(self, snapshot: _Snapshot, filters: Filters) -> np.ndarray:
        mask = np.ones(len(snapshot.ids), dtype=bool)
        for key, value in (("organisation", filters.organisation), ("doc_id", filters.doc_id)):
            if value:
                mask &= np.array([m.get(key) == value for m in snapshot.metadatas])
        return mask

    # ---- building the lexical side -------------------------------------------------------

    def _read_live_chunks(self) -> tuple[int, list[tuple[str, str, dict]]]:
        """The live versions' chunks, read between two equal generations.

        A publish between reading the catalogue and reading Chroma could pair the old live map
        with a collection whose old chunks are already being removed; reading again then
        yields a consistent pair, because old chunks are only removed after a publish.
        """
        while True:
            generation = self.catalog.generation()
            live = self.catalog.live_hashes()
            got = self.store.collection.get(include=["documents", "metadatas"])
            if self.catalog.generation() == generation:
                break
        rows = [
            (chunk_id, text, meta)
            for chunk_id, text, meta in zip(
                got["ids"], got["documents"], got["metadatas"], strict=True
            )
            if live.get(meta["doc_id"]) == meta["version_hash"]
        ]
        return generation, rows

    def _build(self) -> _Snapshot:
        generation, rows = self._read_live_chunks()
        rows.sort(key=lambda r: (r[2]["doc_id"], r[2]["position"]))
        ids = [r[0] for r in rows]
        metadatas = [r[2] for r in rows]
        vocabulary = {w for _, text, _ in rows for w in self.analyzer.words(text)}
        snapshot = _Snapshot(
            generation, ids, metadatas, {c: i for i, c in enumerate(ids)}, vocabulary
        )
        if rows:
            terms = [self._terms(snapshot, text) for _, text, _ in rows]
            snapshot.chunks = _bm25(terms)
            snapshot.stem_frequency = Counter(t for chunk in terms for t in set(chunk))
            sections: dict[tuple[str, str], list[int]] = defaultdict(list)
            for row, meta in enumerate(metadatas):
                sections[(meta["doc_id"], meta["section"])].append(row)
            snapshot.sections = dict(sections)
            cards = {}
            for record in self.catalog.documents():
                if record.live is not None:
                    values = [record.live.metadata.get(f) for f in CARD_FIELDS]
                    cards[record.doc_id] = " ".join(
                        [record.live.title, record.live.organisation or "", *filter(None, values)]
                    )
            snapshot.doc_index = {doc_id: i for i, doc_id in enumerate(cards)}
            snapshot.cards = _bm25([self._terms(snapshot, card) for card in cards.values()])
        log.info("lexical index built: %d chunks, generation %d", len(ids), generation)
        return snapshot


def _bm25(corpus: list[list[str]]) -> bm25s.BM25:
    index = bm25s.BM25()
    index.index([terms or [""] for terms in corpus], show_progress=False)
    return index


def _top(scores: np.ndarray, allowed: np.ndarray, n: int) -> list[int]:
    scores = np.where(allowed, scores, 0.0)
    n = min(n, int((scores > 0).sum()))
    if n == 0:
        return []
    top = np.argpartition(-scores, n - 1)[:n]
    return top[np.argsort(-scores[top])].tolist()


def _passage(
    snapshot: _Snapshot, row: int, score: float, dense_similarity: float | None = None
) -> Passage:
    meta = snapshot.metadatas[row]
    return Passage(
        chunk_id=snapshot.ids[row],
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
        metadata=meta,
    )
