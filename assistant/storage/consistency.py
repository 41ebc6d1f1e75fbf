"""Whether the data directory's parts agree, checked when the index is opened.

The catalogue says which documents are live and how many paragraphs each has; the vector store
holds those paragraphs. A catalogue that was emptied or replaced, or a vector store that was
deleted, would otherwise be served as an empty index, and a re-ingest would take every file
for unchanged and never restore the vectors. Nothing here changes anything: it says what is
wrong and how to repair it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.exc import DBAPIError, OperationalError

from assistant.settings import Settings
from assistant.storage.catalog import Catalog, OutdatedCatalogError
from assistant.storage.database import describe
from assistant.storage.vectors import Store


class DataDirError(RuntimeError):
    """The data directory is damaged; the message says how and how to repair it."""


def repair_hint(settings: Settings) -> str:
    return (
        f" Nothing was changed. To repair, rebuild the index from the policy files: "
        f"`policy-assistant ingest --rebuild <folders>` (the damaged parts are kept in "
        f"{settings.data_dir}/before-rebuild-<time>/; cached embeddings make it quick)."
    )


def open_catalog(settings: Settings, clock: Callable[[], date] = date.today) -> Catalog:
    """The data directory's catalogue; a truncated or overwritten one is named, with the repair."""
    try:
        return Catalog(settings.catalog_url, clock)
    except OutdatedCatalogError as error:
        raise DataDirError(str(error) + repair_hint(settings)) from error
    except DBAPIError as error:
        if settings.database_url is not None and isinstance(error, OperationalError):
            raise DataDirError(
                f"The database ({describe(settings.catalog_url)}) cannot be reached "
                f"({error.orig}). Nothing was changed."
            ) from error
        raise DataDirError(
            f"{settings.catalog_url} is not a readable catalogue ({error.orig})."
            + repair_hint(settings)
        ) from error


def check_at_start(settings: Settings, store: Store, catalog: Catalog) -> None:
    """A server's start: the store the last command-line ingest found consistent and wrote
    (its identity noted then) is not counted again. Counting makes Chroma load the whole
    collection into memory (0.45 s and 250 MB at 114,000 chunks), which a server answering
    from its snapshot never reads; a store deleted, recreated or replaced since has another
    identity and is counted. A store that lost paragraphs but kept its identity (an older
    backup put back) is found by the count before the next write (an ingest, upload or delete)."""
    if catalog.indexed_store() != store.identity:
        check_consistency(settings, store, catalog)


def check_consistency(settings: Settings, store: Store, catalog: Catalog) -> None:
    live = [d.live for d in catalog.documents() if d.live is not None]
    expected = sum(v.chunk_count for v in live)
    present = store.count()
    if live and present == 0:
        where = settings.chroma_url or settings.chroma_dir
        problem = (
            f"The vector store holds no paragraphs, but the catalogue lists {len(live)} "
            f"documents with {expected}: the vectors ({where}) were deleted or replaced."
        )
    elif not live and present:
        problem = (
            f"The catalogue ({catalog.db.describe()}) lists no documents, but the vector "
            f"store holds {present} paragraphs: the catalogue was emptied or replaced."
        )
    elif present < expected:
        problem = (
            f"The vector store holds {present} paragraphs, fewer than the {expected} the "
            "catalogue's documents have: part of the index is missing."
        )
    else:
        return
    raise DataDirError(problem + repair_hint(settings))


def set_index_aside(settings: Settings) -> Path:
    """Move the index's parts (vectors, records, catalogue, snapshots) into a new folder of the data
    directory, so a rebuild starts clean and overwrites nothing. The embedding cache, feedback
    and audit log stay where they are."""
    if settings.chroma_url:
        raise DataDirError(
            "A rebuild moves the local index aside; with a Chroma server, delete the collection "
            f"{settings.collection!r} on the server first, then ingest again."
        )
    if settings.database_url:
        raise DataDirError(
            "A rebuild moves the local index aside; with a database server, drop the tables "
            "versions, chunks, state and upsertion_record (the catalogue and ingest records) "
            "and the Chroma collection, then ingest again."
        )
    aside = settings.data_dir / f"before-rebuild-{datetime.now(UTC):%Y%m%dT%H%M%S}"
    aside.mkdir(parents=True)
    files = [settings.sqlite_file(name) for name in ("records", "catalog")]
    for part in [settings.chroma_dir, *files, settings.snapshot_dir]:
        for path in [part, *part.parent.glob(part.name + "-*")]:  # SQLite's -wal and -shm
            if path.exists():
                shutil.move(path, aside / path.name)
    return aside
