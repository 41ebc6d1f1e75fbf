"""Opens the vector index (embedded Chroma or a Chroma server) and the records beside it.

The collection remembers which embedder built it: vectors from two models cannot be compared,
so opening an index with another embedder is refused with a message that says what to do.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb.api.shared_system_client import SharedSystemClient
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
    """The vector index plus the LangChain record manager that keeps ingests incremental.

    Embedded Chroma is not process-safe: a client opened before another process wrote a
    thousand chunks or more cannot read them ("Error finding id"), and writing through it
    builds on a view that lacks them. So with an embedded index (`reopen` set) a process
    writes only while it holds the catalogue's `store_writer` lock, through a client opened
    anew under it (`refresh`). Reading the whole collection (`pages`) opens a client for the
    read, unless this process is writing (`writing`): then a second client would not see
    what the first one is writing, and the writer's own is read. A Chroma server's clients
    see every writer: no reopening.
    """

    vectors: Chroma
    records: SQLRecordManager
    embedder: CountingEmbeddings
    reopen: Callable[[], Chroma] | None = None  # embedded only: the collection, opened anew
    _writers: int = field(default=0, init=False, repr=False)  # this process's, under way
    _counting: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @property
    def embedded(self) -> bool:
        return self.reopen is not None

    @property
    def collection(self) -> chromadb.Collection:
        """The raw Chroma collection, for queries LangChain's wrapper does not expose."""
        return self.vectors._collection

    def count(self) -> int:
        return self.collection.count()

    @property
    def identity(self) -> int:
        """The collection's own id (62 bits of it): a store deleted and recreated, or replaced
        by another, has another one. Reading it loads none of the collection."""
        return self.collection.id.int & ((1 << 62) - 1)

    def refresh(self) -> None:
        """Open this process's client anew, to see what other processes wrote: a writer does
        so under the catalogue's `store_writer` lock."""
        if self.reopen is not None:
            self.vectors = self.reopen()

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Held by this process's writer (`Indexer`) while it adds or removes chunks."""
        with self._counting:
            self._writers += 1
        try:
            yield
        finally:
            with self._counting:
                self._writers -= 1

    def pages(self, page: int = PAGE) -> Iterator[StoredPage]:
        """Every chunk of the collection with its text, metadata and vector, `page` at a time.

        The ids are listed first (one query that binds nothing per row) and then read in
        slices of them, so a chunk removed meanwhile is left out, never another read twice.
        """
        reopen = None if self._writers else self.reopen  # a reader of an embedded store
        collection = reopen()._collection if reopen is not None else self.collection
        ids = collection.get(include=[])["ids"]
        for start in range(0, len(ids), page):
            got = collection.get(
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


def _fresh_client(settings: Settings) -> chromadb.ClientAPI:
    """An embedded client that reads the files as they are now: Chroma shares one client per
    path within a process, holding what it read before; clients already open keep working."""
    SharedSystemClient.clear_system_cache()
    return _client(settings)


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

    def collection(client: chromadb.ClientAPI) -> Chroma:
        return Chroma(
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
    embedded = settings.chroma_url is None
    return Store(
        vectors=collection(client),
        records=records,
        embedder=embedder,
        reopen=(lambda: collection(_fresh_client(settings))) if embedded else None,
    )
