"""Question → the passages most likely to answer it: dense + Swedish BM25, fused, document-aware.

Three signals are fused: dense cosine similarity to each chunk's vector, BM25 over each chunk's
embedded text (organisation, title, heading trail and paragraph), and BM25 over document
"cards" (organisation, title, type, decision bodies), which lets a question that names an
organisation, a body or a document lift that document's passages above look-alike statutes.
By default the scores are scaled and summed ("scores"); reciprocal rank fusion ("rrf") is kept
for the ablation that shows why (`python -m evals.ablation`). Two passage-level steps follow
among the fused candidates: BM25 again with each term weighted by its rarity among the
candidates (the named document's shared title words stop deciding), and a bonus for passages
holding the kind of fact the question word asks for (a date for "När", a place for "Var").

Everything is searched in a snapshot of the live chunks (vectors, BM25 indexes) read from
Chroma: only chunks of live document versions are ever returned (see `assistant.catalog`), and
the snapshot is rebuilt when the catalogue's generation changes, never per query.
"""

from __future__ import annotations

import logging
import math
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import bm25s
import numpy as np
from threadpoolctl import threadpool_limits

from assistant.analysis import (
    Analyzer,
    compound_parts,
    definite_base,
    is_english,
    plain_verb,
)
from assistant.catalog import Catalog
from assistant.evidence import asked_kind, holds_kind
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


# Kinds of fact whose presence ranks a passage: a question asking "När" wants the passage with
# the date. Amounts and people are left to the answerer: statutes are full of numbers and bodies.
RANKED_KINDS = frozenset({"date", "time", "place"})


@dataclass(frozen=True)
class Filters:
    """Which documents a search may return."""

    organisation: str | None = None  # only this organisation's documents
    doc_id: str | None = None  # only this document
    # The organisation the question names: other organisations' documents are left out,
    # documents that belong to no organisation (laws, say) stay in.
    named_organisation: str | None = None


@dataclass(frozen=True)
class RetrievalOptions:
    candidates: int = 50  # per ranking, before fusion
    rrf_k: int = 60
    dense_weight: float = 1.0
    lexical_weight: float = 1.0
    card_weight: float = 1.0
    compounds: bool = True  # add the parts of compounds the corpus knows as terms
    use_cards: bool = True
    # Among the candidates, BM25 again with term weights from the candidates themselves.
    local_weight: float = 1.0
    # A bonus for candidates holding the kind of fact the question word asks for.
    answer_kind_weight: float = 0.5
    fusion: str = "scores"  # "rrf" (reciprocal rank) or "scores" (weighted, scaled scores)


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
    dense_similarity: float | None = None  # cosine to the question (None: a list sibling)


@dataclass
class _Snapshot:
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
        options = self.options
        allowed = self._allowed(snapshot, filters or Filters())
        terms = self._terms(snapshot, query, query=True)
        similarity = self._similarity(snapshot, query)
        lexical = np.zeros(len(snapshot.ids), dtype=np.float32)
        if snapshot.chunks is not None and terms:
            lexical = snapshot.chunks.get_scores(terms)
        card = np.zeros(len(snapshot.ids), dtype=np.float32)
        if options.use_cards and snapshot.cards is not None and terms:
            per_doc = np.append(snapshot.cards.get_scores(terms), 0.0)  # index -1: no card
            card = per_doc[snapshot.doc_of_row]
        dense_top = _top(np.where(allowed, similarity + 1.0, 0.0), allowed, options.candidates)
        lexical_top = _top(lexical, allowed, options.candidates)
        if options.fusion == "rrf":
            scores = _reciprocal_rank_fusion(
                [(dense_top, options.dense_weight), (lexical_top, options.lexical_weight)],
                card,
                options,
            )
        else:
            scores = _score_fusion(dense_top, lexical_top, similarity, lexical, card, options)
            if options.local_weight and scores:
                self._add_local_lexical(snapshot, terms, scores)
        kind = asked_kind(query)
        if options.answer_kind_weight and kind in RANKED_KINDS:
            for row in scores:
                if holds_kind(kind, snapshot.metadatas[row]["text"]):
                    scores[row] += options.answer_kind_weight
        best = sorted(scores, key=scores.__getitem__, reverse=True)[:k]
        return [_passage(snapshot, row, scores[row], float(similarity[row])) for row in best]

    def _add_local_lexical(
        self, snapshot: _Snapshot, terms: list[str], scores: dict[int, float]
    ) -> None:
        """Adds BM25 with each term weighted by its rarity among the candidates, not the index.

        Once the named document's passages are the candidates, the organisation and title
        words that every one of them carries (high IDF across the whole index, since statutes
        never use them) no longer tell them apart; the words that do ("antar", "gäller") are
        those few candidates share. Re-weighting the same BM25 term scores by the candidates'
        own document frequency is the passage-level step of document-then-passage retrieval.
        """
        if snapshot.chunks is None:
            return
        rows = np.fromiter(scores, dtype=np.int64)
        n = len(snapshot.ids)
        local = np.zeros(len(rows), dtype=np.float32)
        for term in set(terms):
            df_index = snapshot.stem_frequency.get(term, 0)
            if not df_index:
                continue
            term_scores = snapshot.chunks.get_scores([term])[rows]
            df_candidates = int((term_scores > 0).sum())
            local += term_scores * (_idf(len(rows), df_candidates) / _idf(n, df_index))
        top = max(float(local.max()), 1e-6)
        for row, value in zip(rows, local, strict=True):
            scores[int(row)] += self.options.local_weight * float(value) / top

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

    def document_passages(self, doc_id: str) -> list[Passage]:
        """A live document's chunks in reading order (empty if it is not live)."""
        snapshot = self.snapshot()
        rows = np.flatnonzero(snapshot.doc_id_of_row == doc_id) if snapshot.ids else []
        return [_passage(snapshot, int(row), 0.0) for row in rows]

    def term_weight(self, word: str) -> float:
        """Inverse document frequency of a word's stem over the live chunks."""
        snapshot = self.snapshot()
        n = len(snapshot.ids)
        return _idf(n, snapshot.stem_frequency.get(self._stem(snapshot, word), 0))

    def known_word(self, word: str) -> bool:
        snapshot = self.snapshot()
        return self._stem(snapshot, word) in snapshot.stem_frequency

    def _stem(self, snapshot: _Snapshot, word: str) -> str:
        """A word's index term, as the lexical index makes it."""
        return self.analyzer.stem([_plain_form(word.lower(), snapshot.vocabulary)])[0]

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

    def _similarity(self, snapshot: _Snapshot, query: str) -> np.ndarray:
        """Exact cosine similarity of the question to every live chunk.

        Chroma's HNSW graph loses most true neighbours on this kind of corpus, where every
        chunk of a statute shares a long title and the chunks of one document form tight
        clusters (measured on the gold set with 300 statutes: recall@5 0.14 through the
        persisted index against 0.81 exact). A matrix product over the snapshot costs a few
        milliseconds and sees exactly the live versions.
        """
        query_vector = np.asarray(self.store.embedder.embed_query(query), dtype=np.float32)
        # One BLAS thread: its spinning workers would otherwise slow the embedder's own
        # threads to a sixth of their speed on the next question (measured: 16 ms → 95 ms).
        with threadpool_limits(limits=1, user_api="blas"):
            return snapshot.vectors @ query_vector

    def _terms(self, snapshot: _Snapshot, text: str, query: bool = False) -> list[str]:
        words = self.analyzer.words(text)
        if query and is_english(text):
            words += to_swedish(words)
        words = [_plain_form(w, snapshot.vocabulary) for w in words]
        terms = self.analyzer.stem(words)
        if self.options.compounds:
            for word in words:
                terms.extend(self.analyzer.stem(compound_parts(word, snapshot.vocabulary)))
        return terms

    def _allowed(self, snapshot: _Snapshot, filters: Filters) -> np.ndarray:
        mask = np.ones(len(snapshot.ids), dtype=bool)
        if filters.organisation:
            mask &= snapshot.organisation_of_row == filters.organisation
        if filters.doc_id:
            mask &= snapshot.doc_id_of_row == filters.doc_id
        if filters.named_organisation:
            organisation = snapshot.organisation_of_row
            mask &= (organisation == "") | (organisation == filters.named_organisation)
        return mask

    # ---- building the lexical side -------------------------------------------------------

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

    def _build(self) -> _Snapshot:
        generation, rows = self._read_live_chunks()
        rows.sort(key=lambda r: (r[2]["doc_id"], r[2]["position"]))
        ids = [r[0] for r in rows]
        metadatas = [r[2] for r in rows]
        vectors = np.array([r[3] for r in rows], dtype=np.float32).reshape(len(rows), -1)
        vocabulary = Counter(w for row in rows for w in self.analyzer.words(row[1]))
        snapshot = _Snapshot(generation, ids, metadatas, vectors, vocabulary)
        snapshot.organisation_of_row = np.array(
            [m.get("organisation") or "" for m in metadatas], dtype=object
        )
        snapshot.doc_id_of_row = np.array([m["doc_id"] for m in metadatas], dtype=object)
        if rows:
            terms = [self._terms(snapshot, row[1]) for row in rows]
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
            doc_index = {doc_id: i for i, doc_id in enumerate(cards)}
            snapshot.doc_of_row = [doc_index.get(m["doc_id"], -1) for m in metadatas]
            snapshot.cards = _bm25([self._terms(snapshot, card) for card in cards.values()])
        log.info("lexical index built: %d chunks, generation %d", len(ids), generation)
        return snapshot


def _reciprocal_rank_fusion(
    rankings: list[tuple[list[int], float]], card: np.ndarray, options: RetrievalOptions
) -> dict[int, float]:
    """Sum of weight / (k + rank) over the rankings; the documents' cards ranked the same way
    lift every candidate of a named document together."""
    scores: dict[int, float] = {}
    for ranked, weight in rankings:
        for rank, row in enumerate(ranked):
            scores[row] = scores.get(row, 0.0) + weight / (options.rrf_k + rank + 1)
    card_values = sorted({float(card[row]) for row in scores if card[row] > 0}, reverse=True)
    card_rank = {value: rank for rank, value in enumerate(card_values)}
    for row in scores:
        if card[row] > 0:
            scores[row] += options.card_weight / (options.rrf_k + card_rank[float(card[row])] + 1)
    return scores


def _score_fusion(
    dense_top: list[int],
    lexical_top: list[int],
    similarity: np.ndarray,
    lexical: np.ndarray,
    card: np.ndarray,
    options: RetrievalOptions,
) -> dict[int, float]:
    """A weighted sum of the three scores, each scaled to [0, 1] over the candidates.

    Unlike rank fusion, a passage that BM25 finds far ahead of everything else (a rare word
    such as "utvecklingsdirektör") keeps that lead when the dense side barely ranks it.
    """
    candidates = set(dense_top) | set(lexical_top)
    if not candidates:
        return {}
    rows = np.fromiter(candidates, dtype=np.int64)
    floor = float(similarity[dense_top[-1]]) if dense_top else 0.0
    top = float(similarity[dense_top[0]]) if dense_top else 1.0
    dense = np.clip((similarity[rows] - floor) / max(top - floor, 1e-6), 0.0, 1.0)
    lexical_scaled = lexical[rows] / max(float(lexical[rows].max()), 1e-6)
    card_scaled = card[rows] / max(float(card[rows].max()), 1e-6)
    fused = (
        options.dense_weight * dense
        + options.lexical_weight * lexical_scaled
        + options.card_weight * card_scaled
    )
    return {int(row): float(score) for row, score in zip(rows, fused, strict=True)}


def _plain_form(word: str, vocabulary: Counter[str]) -> str:
    """The form the stemmer can conflate: antaga → anta, protokollet → protokoll."""
    word = plain_verb(word)
    return definite_base(word, vocabulary) or word


def _idf(n: int, df: int) -> float:
    """BM25's inverse document frequency (the form bm25s uses by default)."""
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


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
    )
