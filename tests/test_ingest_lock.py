"""One ingest of a document at a time, across processes and hosts.

Two CLI ingests and an API upload of one changed file, started together, make exactly one new
version: on one data directory (SQLite, a file lock) and on three hosts sharing a PostgreSQL
server and a Chroma server (an advisory lock). All real processes, the real model.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

import httpx

from assistant.settings import Settings
from assistant.storage.catalog import Catalog
from assistant.storage.versions import VersionRecord
from tests.conftest import require_shared
from tests.live_server import CLI, start_server
from tests.servers import chroma_server, postgres_server

STATUTE = "1947/sfs-1947-948.md"  # 137 paragraphs: embedding them takes seconds at least
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


def report_cells(stdout: str) -> list[str]:
    row = next(line for line in stdout.splitlines() if line.startswith("│"))
    return [cell.strip() for cell in row.split("│")[1:-1]]


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
