"""A damaged data directory: one clear message saying what is wrong and how to repair it,
nothing overwritten, and `ingest --rebuild` to repair it from the policy files."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest

from assistant.settings import Settings
from assistant.web.runtime import NotReadyError, Runtime
from tests.conftest import CORPUS, copy_data
from tests.live_server import start_server
from tests.test_cli import run


@pytest.fixture
def data(corpus_data: Path, tmp_path: Path) -> Path:
    return copy_data(corpus_data, tmp_path / "data")


def drop_catalog(data: Path, keep: bytes) -> None:
    for path in data.glob("catalog.sqlite*"):
        path.unlink()
    (data / "catalog.sqlite").write_bytes(keep)


def test_an_emptied_catalogue_is_named_and_nothing_is_overwritten(data: Path) -> None:
    drop_catalog(data, b"")
    chroma_before = sorted(p.stat().st_size for p in (data / "chroma").rglob("*") if p.is_file())
    ask = run(data, "ask", "Vem antar policyn?")
    assert ask.returncode == 2 and "catalogue" in ask.stderr and "--rebuild" in ask.stderr
    ingest = run(data, "ingest", str(CORPUS))
    assert ingest.returncode == 2 and "lists no documents" in ingest.stderr
    assert sorted(p.stat().st_size for p in (data / "chroma").rglob("*") if p.is_file()) == (
        chroma_before
    )


def test_a_truncated_catalogue_is_named(data: Path) -> None:
    truncated = (data / "catalog.sqlite").read_bytes()[:3000]
    drop_catalog(data, truncated)
    ask = run(data, "ask", "Vem antar policyn?")
    assert ask.returncode == 2 and "not a readable catalogue" in ask.stderr
    assert (data / "catalog.sqlite").read_bytes() == truncated


def test_deleted_vectors_fail_the_server_start_with_the_repair_and_rebuild_fixes_it(
    data: Path,
) -> None:
    shutil.rmtree(data / "chroma")
    runtime = Runtime(Settings(data_dir=data))
    runtime.load()
    assert runtime.status == "failed"
    assert isinstance(runtime.error, str) and "DataDirError" in runtime.error
    assert "vector store holds no paragraphs" in runtime.error and "--rebuild" in runtime.error
    with pytest.raises(NotReadyError, match="--rebuild"):
        runtime.assistant  # noqa: B018 (it raises: the API answers 503 with the message)

    rebuilt = run(data, "ingest", "--rebuild", str(CORPUS))
    assert rebuilt.returncode == 0, rebuilt.stdout
    row = next(line for line in rebuilt.stdout.splitlines() if line.startswith("│"))
    assert [c.strip() for c in row.split("│")[1:-1]][6] == "0"  # nothing embedded again
    aside = next(data.glob("before-rebuild-*"))
    assert (aside / "catalog.sqlite").exists()
    answer = run(data, "ask", "Vem antar den internationella policyn i Dalarna?")
    assert answer.returncode == 0 and "landstingsfullmäktige" in answer.stdout


def test_a_store_put_back_from_an_older_backup_is_found_before_an_ingest_writes(
    data: Path, tmp_path: Path
) -> None:
    """A server's start counts the store only when it is not the one the last command-line
    ingest counted and wrote (counting loads the whole collection into memory); an older
    backup of that same store put back is found by the count before any write, an upload's
    (409) or a command-line ingest's, and nothing is written."""
    backup = tmp_path / "chroma-backup"
    shutil.copytree(data / "chroma", backup)
    later = tmp_path / "later"
    later.mkdir()
    (later / "resepolicy.md").write_text(
        "---\nid: resepolicy\ntitle: Resepolicy\norganisation: Landstinget Dalarna\n---\n"
        "## Resor\n\nTjänsteresor ska i första hand göras med tåg när restiden är under fem "
        "timmar.\n\n## Boende\n\nHotell bokas genom landstingets upphandlade resebyrå.\n",
        encoding="utf-8",
    )
    added = run(data, "ingest", str(later))
    assert added.returncode == 0, added.stderr
    shutil.rmtree(data / "chroma")
    shutil.copytree(backup, data / "chroma")  # the same collection, without the new paragraphs

    catalog_before = (data / "catalog.sqlite").read_bytes()
    server = start_server(data, {}, admin_key="admin-key")
    try:  # it starts, answering from the snapshot the ingest saved; an upload is refused
        reply = httpx.post(
            f"{server.url}/v1/ingest",
            files={"files": ("resepolicy.md", (later / "resepolicy.md").read_bytes())},
            headers={"Authorization": "Bearer admin-key"},
            timeout=600,
        )
        assert reply.status_code == 409 and "fewer than" in reply.json()["detail"], reply.text
        asked = httpx.post(
            f"{server.url}/v1/chat",
            json={"messages": [{"role": "user", "content": "Hur ska tjänsteresor göras?"}]},
            timeout=60,
        )
        assert asked.status_code == 200 and "tåg" in asked.text, asked.text
    finally:
        server.stop()
    again = run(data, "ingest", str(later))
    assert again.returncode == 2 and "fewer than" in again.stderr and "--rebuild" in again.stderr
    assert (data / "catalog.sqlite").read_bytes() == catalog_before
