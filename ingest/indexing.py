"""Chunks → the index, incrementally, with a dated version record per document.

A new version is added in three steps: its chunks are embedded (LangChain's indexing API skips
any already there, the embedding cache any paragraph seen before), the catalogue adds the
version in one transaction, and then the indexing API's scoped cleanup leaves in the index only
the versions in force today and upcoming ones. Readers keep only chunks of catalogued versions,
so at no moment do they see a document half replaced or missing. Which version is in force
follows the effective dates, not the order of ingest. Unchanged files are recognised by their
content hash (and date) and cost nothing but reading them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal

from langchain_core.documents import Document
from langchain_core.indexing import index

from assistant.settings import Settings
from assistant.storage.catalog import Catalog
from assistant.storage.locks import LockTimeoutError
from assistant.storage.vectors import Store
from assistant.storage.versions import DocumentRecord, VersionRecord
from ingest.chunking import ChunkingOptions, chunk_document, paragraphs
from ingest.documents import LoadedDocument, LoadError, LoadLimits
from ingest.files import discover, refuse_links_out
from ingest.loaders import load_file
from ingest.progress import IngestProgress, Quiet
from ingest.records import (
    effective_date,
    langchain_document,
    refuse_backdated_edit,
    unchanged,
    version_record,
)
from ingest.report import IngestReport

log = logging.getLogger(__name__)

SOURCE_KEY = "doc_id"  # the indexing API's source id: all chunks of one document
KEY_ENCODER = "sha256"  # chunk ids: content and metadata hashed
BATCH = 100  # chunks embedded between two looks at the clock (the indexing API's own batch)
# A writer waits for another ingest of its document as long as that one may spend embedding
# (`LoadLimits.max_seconds`), and this long more to publish (`lock_wait`).
PUBLISH_SECONDS = 60


class Indexer:
    def __init__(
        self,
        store: Store,
        catalog: Catalog,
        options: ChunkingOptions | None = None,
        limits: LoadLimits | None = None,
        statute_organisation: str | None = None,
    ) -> None:
        self.store = store
        self.catalog = catalog
        self.options = options or ChunkingOptions()
        self.limits = limits or LoadLimits()
        self.statute_organisation = statute_organisation  # for statutes that name none
        self._progress: IngestProgress = Quiet()

    @classmethod
    def from_settings(cls, store: Store, catalog: Catalog, settings: Settings) -> Indexer:
        limits = LoadLimits(
            max_bytes=settings.max_document_bytes,
            max_chars=settings.max_document_chars,
            max_elements=settings.max_document_elements,
            max_chunks=settings.max_document_chunks,
            max_seconds=settings.max_seconds_per_file,
        )
        return cls(
            store, catalog, limits=limits, statute_organisation=settings.statute_organisation
        )

    def ingest(
        self,
        paths: Sequence[Path],
        prune: bool = False,
        progress: IngestProgress | None = None,
    ) -> IngestReport:
        """Bring the index in line with `paths`; with `prune`, drop documents no longer there.

        Each file's version is published on its own, so an interrupted run loses at most the
        file in hand: run again, the files done are unchanged, and that file's chunks already
        embedded come from the embedding cache.
        """
        with self.store.writing():
            self._progress = progress or Quiet()
            started = time.perf_counter()
            embedded_before = self.store.embedder.passages_embedded
            report = IngestReport()
            seen: dict[str, Path] = {}
            failed_files: set[Path] = set()
            folders = [p for p in paths if p.is_dir()]
            for path in discover(paths):
                try:
                    refuse_links_out(path, folders)
                    self._ingest_file(path, seen, report)
                except LoadError as error:
                    report.failed.append((str(path), error.reason))
                    failed_files.add(path.resolve())
                    log.info("not ingested: %s", error)  # the report names it, once
                self._progress.file_done(path)
            if prune:
                for doc_id in _gone(self.catalog.documents(), folders, seen, failed_files):
                    self.delete(doc_id)
                    report.deleted.append(doc_id)
            report.embedded = self.store.embedder.passages_embedded - embedded_before
            report.seconds = time.perf_counter() - started
            return report

    def delete(self, doc_id: str) -> bool:
        """Withdraw a document from today; its version history stays in the catalogue.

        Waits for an ingest of the document elsewhere (`LockTimeoutError` past the wait).
        """
        with self.store.writing(), self.catalog.writing(doc_id, lock_wait(self.limits)):
            if self.catalog.withdraw(doc_id) is None:  # first: readers stop showing it at once
                return False
            self._keep_indexed(doc_id)
        return True

    def _ingest_file(self, path: Path, seen: dict[str, Path], report: IngestReport) -> None:
        doc = load_file(path, self.limits)
        earlier = seen.get(doc.doc_id)
        if earlier is not None and doc.effective_date is None:
            raise LoadError(
                path,
                f"has the same document id {doc.doc_id!r} as {earlier}; "
                "give one of them an `id` in its front matter",
            )
        seen[doc.doc_id] = path
        # One ingest of a document at a time, on every host: a second one of the same file
        # waits, then finds the first one's version and adds nothing.
        wait = lock_wait(self.limits)
        try:
            with self.catalog.writing(doc.doc_id, wait):
                self._ingest_document(path, doc, report)
        except LockTimeoutError as error:
            raise LoadError(
                path,
                f"another ingest of {doc.doc_id!r} held it for over {wait:g} s; "
                "the version in force stays, try again once that one is done",
            ) from error

    def _ingest_document(self, path: Path, doc: LoadedDocument, report: IngestReport) -> None:
        record = self.catalog.document(doc.doc_id)
        effective = effective_date(doc, record, self.catalog.today())
        if unchanged(doc, record, effective):
            report.unchanged.append(doc.doc_id)
            return
        refuse_backdated_edit(path, record, effective)
        chunks = chunk_document(doc, self.options)
        if len(chunks) > self.limits.max_chunks:
            raise LoadError(
                path, f"{len(chunks)} paragraphs; the limit is {self.limits.max_chunks}"
            )
        organisation = doc.organisation or (self.statute_organisation if doc.is_statute else None)
        documents = [langchain_document(doc, chunk, effective, organisation) for chunk in chunks]
        version = version_record(doc, len(chunks), effective, organisation)
        if self._will_be_indexed(record, version):
            self._add_in_time(path, documents, self._add)
        else:  # already superseded: its vectors wait in the cache for questions about its time
            self._add_in_time(path, documents, self._cache)
        stored = [(d.page_content, d.metadata) for d in documents]
        published = self.catalog.publish(version, doc.text, paragraphs(doc), stored)
        # Everything needed is already there, so this embeds nothing; it only removes the
        # chunks of versions no longer in force or upcoming (and any just added in vain).
        self._keep_indexed(doc.doc_id)
        if published is None:  # a writer that took no lock published the same content first
            report.unchanged.append(doc.doc_id)
            return
        (report.added if record is None or record.deleted else report.updated).append(doc.doc_id)
        report.chunks += len(chunks)

    def _will_be_indexed(self, record: DocumentRecord | None, version: VersionRecord) -> bool:
        versions = record.versions if record else []
        version.version = max((v.version for v in versions), default=0) + 1
        timeline = DocumentRecord(version.doc_id, [*versions, version], self.catalog.today())
        return any(v is version for v in timeline.indexed())

    def _keep_indexed(self, doc_id: str) -> None:
        """Leave in the index exactly the chunks of the versions in force today and upcoming."""
        record = self.catalog.document(doc_id)
        keep = [
            Document(page_content=content, metadata=metadata)
            for version in (record.indexed() if record else [])
            for content, metadata in self.catalog.chunks(doc_id, version.version)
        ]
        if keep:
            self._index(keep, cleanup="scoped_full")
            return
        keys = self.store.records.list_keys(group_ids=[doc_id])
        if keys:
            self.store.vectors.delete(keys)
            self.store.records.delete_keys(keys)

    def _add_in_time(
        self, path: Path, documents: list[Document], add: Callable[[list[Document]], None]
    ) -> None:
        """Embed a version's chunks batch by batch, giving up once the file's time is spent.

        Nothing is published before all are in, so readers keep the version in force; the
        chunks added so far stay unpublished (never shown) and are removed by the document's
        next successful ingest, while their embeddings stay cached for it.
        """
        started = time.perf_counter()
        limit = self.limits.max_seconds
        for start in range(0, len(documents), BATCH):
            if time.perf_counter() - started > limit:
                raise LoadError(
                    path, f"took longer than {limit:g} s to embed; the version in force stays"
                )
            try:
                add(documents[start : start + BATCH])
                self._progress.chunks_done(len(documents[start : start + BATCH]))
            except Exception as error:  # the store refused: the index stays as it was
                raise LoadError(
                    path, f"could not be indexed ({type(error).__name__}: {error})"
                ) from error

    def _add(self, documents: list[Document]) -> None:
        self._index(documents, cleanup=None)

    def _cache(self, documents: list[Document]) -> None:
        self.store.vectors.embeddings.embed_documents([d.page_content for d in documents])

    def _index(self, documents: list[Document], cleanup: Literal["scoped_full"] | None) -> None:
        index(
            documents,
            self.store.records,
            self.store.vectors,
            cleanup=cleanup,
            source_id_key=SOURCE_KEY,
            key_encoder=KEY_ENCODER,
        )


def lock_wait(limits: LoadLimits) -> float:
    """How long a writer waits for another ingest of its document to finish."""
    return limits.max_seconds + PUBLISH_SECONDS


def _gone(
    records: Sequence[DocumentRecord], folders: list[Path], seen: dict[str, Path], failed: set[Path]
) -> list[str]:
    """The documents a pruning ingest withdraws: in force, from a file under one of its
    `folders` that it neither found nor failed to load this time."""
    roots = [folder.resolve() for folder in folders]
    return [
        record.doc_id
        for record in records
        if record.live is not None
        and record.doc_id not in seen
        and (source := Path(record.live.source_path)) not in failed
        and any(source.is_relative_to(root) for root in roots)
    ]
