"""Every catalogued version's chunks as one searchable snapshot: vectors, BM25 indexes and
term statistics, with per row the document version it belongs to.

Chunks of the versions in force and upcoming come from the vector index; those of superseded
versions from the catalogue, their vectors from the embedding cache. A question then searches
the rows of the versions in force on its date (`Snapshot.rows_on`), today by default. The
snapshot is rebuilt when the catalogue's generation changes, never per question, so every
request thread searches the same consistent picture of the index (`keeper.Snapshots`).

A caller who may not read every document searches a view instead (`SnapshotBuilder.view`): the
snapshot built again from the versions it may read alone, so that no word, spelling, term
statistic or document card of the others shapes its answers: a document it may not read is as if
never ingested. An index whose documents all carry no labels needs no view.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import bm25s
import numpy as np

from assistant.language.spelling import Speller
from assistant.retrieval.terms import Terms
from assistant.storage.catalog import Catalog
from assistant.storage.vectors import Store
from assistant.storage.versions import DocumentRecord
from assistant.types import Labels, Passage, may_read, parse_labels

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
    # row → its document's card (an array: indexing by a list converted it at every question)
    doc_of_row: np.ndarray = field(default_factory=lambda: np.array([], dtype=np.int64))
    # Per row, for filtering with one vector comparison ("" for no organisation).
    organisation_of_row: np.ndarray = field(default_factory=lambda: np.array([], dtype=object))
    doc_id_of_row: np.ndarray = field(default_factory=lambda: np.array([], dtype=object))
    access_of_row: np.ndarray = field(default_factory=lambda: np.array([], dtype=object))
    access_values: list[str] = field(default_factory=list)  # the distinct ones
    stem_frequency: Counter[str] = field(default_factory=Counter)  # chunks using each stem
    sections: dict[tuple[str, int, str], list[int]] = field(default_factory=dict)
    version_of_row: np.ndarray = field(default_factory=lambda: np.array([], dtype=np.int64))
    version_key_of_row: np.ndarray = field(default_factory=lambda: np.array([], dtype=object))
    records: dict[str, DocumentRecord] = field(default_factory=dict)  # every document's versions
    texts: list[str] = field(default_factory=list)  # per row, the embedded text: views read it
    # The distinct access labels its documents' versions and rows carry (none: all are public).
    access_labels: frozenset[Labels] = frozenset()
    _days: dict[date, np.ndarray] = field(default_factory=dict, repr=False)
    # Per-row string columns as integer codes, made on first use (`rows_with`).
    _codes: dict[str, tuple[dict[str, int], np.ndarray]] = field(default_factory=dict, repr=False)
    speller: Speller | None = field(default=None, repr=False)  # made on the first question
    # The views of callers who may not read every document, by the labels they may not read.
    views: dict[frozenset[Labels], Snapshot] = field(default_factory=dict, repr=False)
    reader: Labels | None = None  # a view's: the labels of the caller it was built for

    def hidden_from(self, labels: Labels | None) -> frozenset[Labels]:
        """The access labels of documents that a caller holding `labels` may not read."""
        return frozenset(a for a in self.access_labels if not may_read(a, labels))

    def rows_on(self, day: date) -> np.ndarray:
        """Which rows belong to the version of their document in force on `day`."""
        mask = self._days.get(day)
        if mask is None:
            wanted = [
                _version_key(doc_id, version.version)
                for doc_id, record in self.records.items()
                if (version := record.version_on(day)) is not None
            ]
            mask = self.rows_with("version_key_of_row", wanted)
            if len(self._days) > 64:
                self._days.clear()
            self._days[day] = mask
        return mask

    def rows_with(self, column: str, values: Iterable[str]) -> np.ndarray:
        """Rows whose `column` (a per-row array of strings, such as "doc_id_of_row") holds one
        of `values`. Compared as integer codes, made once per column: `np.isin` on Python
        strings sorts them on every call (half a second at 50,000 rows), and `==` compares
        them one by one."""
        coded = self._codes.get(column)
        if coded is None:
            distinct, inverse = np.unique(
                np.asarray(getattr(self, column), dtype=str), return_inverse=True
            )
            coded = self._codes[column] = ({v: i for i, v in enumerate(distinct.tolist())}, inverse)
        index, inverse = coded
        return np.isin(inverse, [index[v] for v in values if v in index])

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
            version=int(self.version_of_row[row]),
            page=meta.get("page"),
            is_list=bool(meta.get("is_list")),
            score=score,
            dense_similarity=dense_similarity,
        )


class SnapshotBuilder:
    """Reads the index and the catalogue into a new snapshot."""

    def __init__(self, store: Store, catalog: Catalog, terms: Terms) -> None:
        self.store = store
        self.catalog = catalog
        self.terms = terms

    def _read_chunks(self) -> tuple[int, dict[str, DocumentRecord], list[Row]]:
        """Every catalogued version's chunks, the index's read between two equal generations.

        A new version between reading the catalogue and reading Chroma could pair the old
        catalogue with a collection whose old chunks are already being removed; reading again
        yields a consistent pair, because chunks are only removed after a version is added.
        """
        while True:
            generation = self.catalog.generation()
            records = {r.doc_id: r for r in self.catalog.documents(include_withdrawn=True)}
            numbers = _version_numbers(records)
            rows = self._published_rows(numbers)
            if self.catalog.generation() == generation:
                break
        indexed = {(r[2]["doc_id"], r[4]) for r in rows}
        for (doc_id, _, _), number in numbers.items():
            if (doc_id, number) not in indexed:
                rows.extend(self._superseded_rows(doc_id, number))
        return generation, records, rows

    def _published_rows(self, numbers: dict[VersionKey, int]) -> list[Row]:
        """The index's chunks of catalogued versions, read a page at a time (`Store.pages`)."""
        rows: list[Row] = []
        for page in self.store.pages():
            for chunk_id, text, meta, vector in zip(
                page.ids, page.documents, page.metadatas, page.embeddings, strict=True
            ):
                key = (meta["doc_id"], meta["version_hash"], meta["effective_date"])
                number = numbers.get(key)
                if number is not None:  # else unpublished, or of a version being replaced
                    rows.append((chunk_id, text, meta, vector, number))
        return rows

    def _superseded_rows(self, doc_id: str, number: int) -> list[Row]:
        """A version not in the vector index: chunks from the catalogue, vectors from the cache
        (a paragraph missing there is embedded now, once)."""
        stored = self.catalog.chunks(doc_id, number)
        if not stored:
            return []
        vectors = self.store.vectors.embeddings.embed_documents([text for text, _ in stored])
        return [
            (f"{doc_id}:v{number}:{meta['position']}", text, meta, vector, number)
            for (text, meta), vector in zip(stored, vectors, strict=True)
        ]

    def build(self) -> Snapshot:
        return self._assemble(*self._read_chunks())

    def view(self, snapshot: Snapshot, labels: Labels) -> Snapshot:
        """`snapshot` built again from what a caller holding `labels` may read alone, words,
        term statistics and cards alike: each document as `DocumentRecord.seen_by` shows it
        (none it may not know of), and of those the rows of versions it may read."""
        records = {
            doc_id: seen
            for doc_id, record in snapshot.records.items()
            if (seen := record.seen_by(labels)) is not None
        }
        shown = [a for a in snapshot.access_values if may_read(parse_labels(a), labels)]
        readable = snapshot.rows_with("access_of_row", shown)
        kept = np.flatnonzero(readable & snapshot.rows_with("doc_id_of_row", records))
        rows = [
            (
                snapshot.ids[row],
                snapshot.texts[row],
                snapshot.metadatas[row],
                snapshot.vectors[row],
                int(snapshot.version_of_row[row]),
            )
            for row in kept
        ]
        view = self._assemble(snapshot.generation, records, rows)
        view.reader = labels
        return view

    def _assemble(
        self, generation: int, records: dict[str, DocumentRecord], rows: list[Row]
    ) -> Snapshot:
        rows.sort(key=lambda r: (r[2]["doc_id"], r[4], r[2]["position"]))
        metadatas = [r[2] for r in rows]
        vectors = (
            np.array([r[3] for r in rows], dtype=np.float32).reshape(len(rows), -1)
            if rows
            else np.zeros((0, 0), dtype=np.float32)  # a new site, or its last document deleted
        )
        vocabulary, terms = self.terms.indexed([r[1] for r in rows])
        snapshot = Snapshot(generation, [r[0] for r in rows], metadatas, vectors, vocabulary)
        snapshot.records = records
        snapshot.texts = [r[1] for r in rows]
        snapshot.organisation_of_row = np.array(
            [m.get("organisation") or "" for m in metadatas], dtype=object
        )
        snapshot.doc_id_of_row = np.array([m["doc_id"] for m in metadatas], dtype=object)
        snapshot.version_of_row = np.array([r[4] for r in rows], dtype=np.int64)
        snapshot.version_key_of_row = np.array(
            [_version_key(r[2]["doc_id"], r[4]) for r in rows], dtype=object
        )
        snapshot.access_of_row = np.array([m.get("access") or "" for m in metadatas], dtype=object)
        snapshot.access_values = sorted(set(snapshot.access_of_row))
        snapshot.access_labels = frozenset(
            {v.access for record in records.values() for v in record.versions}
            | {parse_labels(a) for a in snapshot.access_values}
        ) - {frozenset()}
        if rows:
            snapshot.chunks = _bm25(terms)
            snapshot.stem_frequency = Counter(t for chunk in terms for t in set(chunk))
            sections: dict[tuple[str, int, str], list[int]] = defaultdict(list)
            for row, (meta, number) in enumerate(
                zip(metadatas, snapshot.version_of_row, strict=True)
            ):
                sections[(meta["doc_id"], int(number), meta["section"])].append(row)
            snapshot.sections = dict(sections)
            cards = _cards(records)
            doc_index = {doc_id: i for i, doc_id in enumerate(cards)}
            snapshot.doc_of_row = np.array(
                [doc_index.get(m["doc_id"], -1) for m in metadatas], dtype=np.int64
            )
            snapshot.cards = _bm25([self.terms.of(card, vocabulary) for card in cards.values()])
        log.info("lexical index built: %d chunks, generation %d", len(rows), generation)
        return snapshot


Row = tuple[str, str, dict, list[float], int]  # id, embedded text, metadata, vector, version


VersionKey = tuple[str, str, str]  # a chunk's doc_id, version_hash and effective_date


def _version_numbers(records: dict[str, DocumentRecord]) -> dict[VersionKey, int]:
    """Each catalogued version's number, by what its chunks carry."""
    return {
        (doc_id, v.content_hash, v.effective_date): v.version
        for doc_id, record in records.items()
        for v in record.versions
        if not v.withdrawn
    }


def _version_key(doc_id: str, version: int) -> str:
    return f"{doc_id}#{version}"


def _cards(records: dict[str, DocumentRecord]) -> dict[str, str]:
    """doc_id → the words that name the document (title, organisation, bodies)."""
    cards = {}
    for doc_id, record in records.items():
        latest = record.latest
        values = [latest.metadata.get(f) for f in CARD_FIELDS]
        cards[doc_id] = " ".join([latest.title, latest.organisation or "", *filter(None, values)])
    return cards


def _bm25(corpus: list[list[str]]) -> bm25s.BM25:
    index = bm25s.BM25()
    index.index([terms or [""] for terms in corpus], show_progress=False)
    return index
