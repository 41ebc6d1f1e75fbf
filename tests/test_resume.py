"""An ingest killed part-way (SIGKILL: no clean-up at all) or stopped with Ctrl-C (SIGINT: a
message, exit 130) continues where it stopped."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from assistant.settings import Settings
from assistant.storage.catalog import Catalog
from tests.conftest import require_shared
from tests.live_server import CLI
from tests.test_cli import run

STATUTES = ["1978/sfs-1978-571.md", "1978/sfs-1978-970.md", "1978/sfs-1978-599.md"]


def cached_passages(data: Path) -> int:
    try:
        with sqlite3.connect(data / "embedding_cache.sqlite", timeout=10) as db:
            return db.execute("SELECT count(*) FROM cache").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


def index_ids(data: Path) -> set[str]:
    import chromadb

    client = chromadb.PersistentClient(str(data / "chroma"))
    return set(client.get_collection("policies").get(include=[])["ids"])


def report_cells(stdout: str) -> list[str]:
    row = next(line for line in stdout.splitlines() if line.startswith("│"))
    return [cell.strip() for cell in row.split("│")[1:-1]]


@pytest.fixture
def statutes(tmp_path: Path) -> Path:
    folder = tmp_path / "statutes"
    folder.mkdir()
    for name in STATUTES:
        shutil.copy(require_shared("sfs", name), folder)
    return folder


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGINT], ids=["killed", "ctrl-c"])
def test_a_stopped_ingest_resumes_embedding_nothing_twice_and_leaving_no_orphan(
    statutes: Path, tmp_path: Path, stop: signal.Signals
) -> None:
    fresh_data = tmp_path / "fresh"
    fresh = run(fresh_data, "ingest", str(statutes))
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    total = int(report_cells(fresh.stdout)[6])  # embedded by an uninterrupted run

    data = tmp_path / "killed"
    env = {**os.environ, "POLICY_ASSISTANT_DATA_DIR": str(data)}
    process = subprocess.Popen(
        [str(CLI), "ingest", str(statutes)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 300
    while cached_passages(data) < total // 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(stop)
    _, stderr = process.communicate(timeout=300)
    at_kill = cached_passages(data)
    if stop == signal.SIGINT:  # the maintainer is told, last, what stands and what to do
        assert process.returncode == 130, stderr
        assert stderr.strip().splitlines()[-1].startswith("Stopped."), stderr
    assert 0 < at_kill < total, "the kill must land part-way"

    resumed = run(data, "ingest", str(statutes))
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert int(report_cells(resumed.stdout)[6]) == total - at_kill  # nothing embedded twice

    # The same index as the uninterrupted run: no duplicate, no orphan chunk.
    assert index_ids(data) == index_ids(fresh_data)
    catalog, reference = (
        Catalog(Settings(data_dir=data).catalog_url),
        Catalog(Settings(data_dir=fresh_data).catalog_url),
    )
    assert [(r.doc_id, r.live.chunk_count) for r in catalog.documents()] == [
        (r.doc_id, r.live.chunk_count) for r in reference.documents()
    ]
    again = run(data, "ingest", str(statutes))
    assert report_cells(again.stdout)[2] == str(len(STATUTES))  # all unchanged
