"""Opens the vector index (embedded Chroma or a Chroma server) and the records beside it.

The collection remembers which embedder built it: vectors from two models cannot be compared,
so opening an index with another embedder is refused with a message that says what to do.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma
from langchain_classic.embeddings import CacheBackedEmbeddings
from langchain_classic.indexes import SQLRecordManager

from assistant.settings import Settings
from assistant.storage.database import Database
from assistant.storage.embedders import CountingEmbeddings
from assistant.storage.embedding_cache import SQLByteStore

log = logging.getLogger(__name__)

EMBEDDER_KEY = "embedder"
# Chunks read from the collection at a time: a read binds one SQL variable per chunk (SQLite
# allows 32,766) and a Chroma server answers it in one HTTP body (about 16 MB at this size).
PAGE = 2_000


class IndexMismatchError(RuntimeError):
    """The index on disk was built by another embedder than the one configured."""


@dataclass
class Store:
    """The vector index plus the LangChain record manager that keeps ingests incremental."""

    vectors: Chroma
    records: SQLRecordManager
    embedder: CountingEmbeddings

    @property
    def collection(self) -> chromadb.Collection:
        """The raw Chroma collection, for queries LangChain's wrapper does not expose."""
        return self.vectors._collection

    def count(self) -> int:
        return self.collection.count()

    def pages(self, page: int = PAGE) -> Iterator[StoredPage]:
        """Every chunk of the collection with its text, metadata and vector, `page` at a time.

        The ids are listed first (one query that binds nothing per row) and then read in
        slices of them, so a chunk removed meanwhile is left out, never another read twice.
        """
        ids = self.collection.get(include=[])["ids"]
        for start in range(0, len(ids), page):
            got = self.collection.get(
                ids=ids[start : start + page], include=["documents", "metadatas", "embeddings"]
            )
            yield StoredPage(got["ids"], got["documents"], got["metadatas"], got["embeddings"])


@dataclass
class StoredPage:
    """One slice of the collection, in the collection's order of its ids."""

    ids: list[str]
    documents: list[str]
    metadatas: list[dict]
    embeddings: np.ndarray


def _client(settings: Settings) -> chromadb.ClientAPI:
    # Telemetry off: these machines have no route out, and staff questions stay in-house.
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        return chromadb.HttpClient(
            host=url.hostname or "localhost",
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=chroma_settings,
        )
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


def _check_embedder(client: chromadb.ClientAPI, settings: Settings, embedder_name: str) -> None:
    existing = {c.name: c for c in client.list_collections()}
    collection = existing.get(settings.collection)
    if collection is None:
        return
    built_with = (collection.metadata or {}).get(EMBEDDER_KEY)
    if built_with != embedder_name:
        raise IndexMismatchError(
            f"The index in {settings.chroma_url or settings.data_dir} was built with the embedder "
            f"{built_with!r}, but {embedder_name!r} is configured. Either set "
            f"POLICY_ASSISTANT_EMBEDDER back to {built_with!r}, or re-index with the new one: "
            f"remove {settings.data_dir} (or use another POLICY_ASSISTANT_DATA_DIR) and run "
            "`policy-assistant ingest` again."
        )


def open_store(settings: Settings, embedder: CountingEmbeddings) -> Store:
    """Open (or create) the index for `embedder`; refuse one built by another embedder."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    client = _client(settings)
    _check_embedder(client, settings, embedder.name)

    # Unchanged paragraphs of a changed document keep their vectors: embeddings are cached by
    # text, so a new version costs only the paragraphs that really changed.
    cache = SQLByteStore(settings.embedding_cache_url)
    cached = CacheBackedEmbeddings.from_bytes_store(
        embedder, cache, namespace=embedder.name, key_encoder="sha256"
    )
    vectors = Chroma(
        client=client,
        collection_name=settings.collection,
        embedding_function=cached,
        collection_metadata={EMBEDDER_KEY: embedder.name},
        collection_configuration={"hnsw": {"space": "cosine"}},
    )
    # On the stores' shared engine: one pool per database, SQLite in WAL mode.
    records = SQLRecordManager(
        namespace=f"chroma/{settings.collection}", engine=Database(settings.records_url).engine
    )
    records.create_schema()
    return Store(vectors=vectors, records=records, embedder=embedder)
