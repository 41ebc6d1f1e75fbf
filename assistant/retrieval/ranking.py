"""Question → the best passages of a snapshot: dense + Swedish BM25, fused, document-aware.

Three signals are fused: dense cosine similarity to each chunk's vector, BM25 over each chunk's
embedded text (organisation, title, heading trail and paragraph), and BM25 over document
"cards" (organisation, title, type, decision bodies), which lets a question that names an
organisation, a body or a document lift that document's passages above look-alike statutes.
By default the scores are scaled and summed ("scores"); reciprocal rank fusion ("rrf") is kept
for the ablation that shows why (`python -m evals ablation`). Two passage-level steps follow
among the fused candidates: BM25 again with each term weighted by its rarity among the
candidates (the named document's shared title words stop deciding), and a bonus for passages
holding the kind of fact the question word asks for (a date for "När", a place for "Var").
"""

from __future__ import annotations

from dataclasses import dataclass

import bm25s
import numpy as np
from langchain_core.embeddings import Embeddings
from threadpoolctl import ThreadpoolController

from assistant.language.evidence import asked_kind, holds_kind
from assistant.retrieval.snapshot import Snapshot
from assistant.retrieval.terms import Terms, idf
from assistant.types import Filters, Passage, may_read, parse_labels

# Kinds of fact whose presence ranks a passage: a question asking "När" wants the passage with
# the date. Amounts and people are left to the answerer: statutes are full of numbers and bodies.
RANKED_KINDS = frozenset({"date", "when", "time", "place"})


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


class Ranker:
    def __init__(self, embedder: Embeddings, terms: Terms, options: RetrievalOptions) -> None:
        self.embedder = embedder
        self.terms = terms
        self.options = options
        # Found once: finding the loaded BLAS libraries again per question cost 0.8 ms.
        self._blas = ThreadpoolController()

    def search(
        self, snapshot: Snapshot, query: str, k: int = 5, filters: Filters | None = None
    ) -> list[Passage]:
        if not snapshot.ids:
            return []
        options = self.options
        allowed = allowed_rows(snapshot, filters or Filters())
        terms = self.terms.of(query, snapshot.vocabulary, query=True)
        similarity = self.similarity(snapshot, query)
        lexical = np.zeros(len(snapshot.ids), dtype=np.float32)
        if snapshot.chunks is not None and terms:
            lexical = snapshot.chunks.get_scores(terms)
        card = np.zeros(len(snapshot.ids), dtype=np.float32)
        if options.use_cards and snapshot.cards is not None and terms:
            per_doc = np.append(snapshot.cards.get_scores(terms), 0.0)  # index -1: no card
            card = per_doc[snapshot.doc_of_row] / _naming_score(snapshot.cards)
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
        return [snapshot.passage(row, scores[row], float(similarity[row])) for row in best]

    def similarity(self, snapshot: Snapshot, query: str) -> np.ndarray:
        """Exact cosine similarity of the question to every live chunk.

        Chroma's HNSW graph loses most true neighbours on this kind of corpus, where every
        chunk of a statute shares a long title and the chunks of one document form tight
        clusters (measured on the gold set with 300 statutes: recall@5 0.14 through the
        persisted index against 0.81 exact). A matrix product over the snapshot costs a few
        milliseconds and sees exactly the live versions.
        """
        query_vector = np.asarray(self.embedder.embed_query(query), dtype=np.float32)
        # One BLAS thread: its spinning workers would otherwise slow the embedder's own
        # threads to a sixth of their speed on the next question (measured: 16 ms → 95 ms).
        with self._blas.limit(limits=1, user_api="blas"):
            return snapshot.vectors @ query_vector

    def _add_local_lexical(
        self, snapshot: Snapshot, terms: list[str], scores: dict[int, float]
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
            local += term_scores * (idf(len(rows), df_candidates) / idf(n, df_index))
        top = max(float(local.max()), 1e-6)
        for row, value in zip(rows, local, strict=True):
            scores[int(row)] += self.options.local_weight * float(value) / top


def _naming_score(cards: bm25s.BM25) -> float:
    """The card score of one word that names a single document: a card match this strong
    counts in full, a weaker one in proportion.

    Scaled by the best candidate alone, a question naming no document would still lift the
    documents whose titles share its most generic word ("myndigheter", "beslut") as if it had
    named them; among 300 statutes that pushed the answering paragraph out of the top five.
    """
    return idf(int(cards.scores["num_docs"]), 1)  # above 0 for any number of cards


def allowed_rows(snapshot: Snapshot, filters: Filters) -> np.ndarray:
    """The rows a search may return: the versions in force on its day, within its filters."""
    mask = (
        snapshot.rows_on(filters.as_of).copy()
        if filters.as_of is not None
        else np.ones(len(snapshot.ids), dtype=bool)
    )
    if filters.organisation:
        mask &= snapshot.rows_with("organisation_of_row", [filters.organisation])
    if filters.doc_id:
        mask &= snapshot.rows_with("doc_id_of_row", [filters.doc_id])
    if filters.named_organisation:
        mask &= snapshot.rows_with("organisation_of_row", ["", filters.named_organisation])
    if filters.labels is not None:
        # Before ranking: a passage the caller may not read is never a candidate, so it can
        # shape no score, citation or "see also".
        readable = [a for a in snapshot.access_values if may_read(parse_labels(a), filters.labels)]
        mask &= snapshot.rows_with("access_of_row", readable)
    return mask


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
    # Cards come in units of one naming word (`_naming_score`): scaled down only past one.
    card_scaled = card[rows] / max(float(card[rows].max()), 1.0)
    fused = (
        options.dense_weight * dense
        + options.lexical_weight * lexical_scaled
        + options.card_weight * card_scaled
    )
    return {int(row): float(score) for row, score in zip(rows, fused, strict=True)}


def _top(scores: np.ndarray, allowed: np.ndarray, n: int) -> list[int]:
    scores = np.where(allowed, scores, 0.0)
    n = min(n, int((scores > 0).sum()))
    if n == 0:
        return []
    top = np.argpartition(-scores, n - 1)[:n]
    return top[np.argsort(-scores[top])].tolist()
