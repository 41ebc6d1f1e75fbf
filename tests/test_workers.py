"""`serve --workers 2`: two real server processes on one port, sharing the saved snapshot."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import copy_data
from tests.live_server import LiveServer, start_server
from tests.test_cli import run

NEW_POLICY = """---
id: pendelpolicy
title: Policy för pendling
organisation: Landstinget Dalarna
---
# Policy för pendling

## Ersättning

Den som pendlar med tåg får ett zonkort betalt av arbetsgivaren från första arbetsdagen.
"""


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory: pytest.TempPathFactory, corpus_data: Path):
    root = tmp_path_factory.mktemp("workers")
    live = start_server(copy_data(corpus_data, root / "data"), {}, api_key="reader-key", workers=2)
    yield live
    live.stop()


def ready_workers(server: LiveServer, wanted: int = 2) -> dict[int, dict]:
    """Health of each worker process, asked until `wanted` distinct ones have answered ready."""
    seen: dict[int, dict] = {}
    deadline = time.monotonic() + 120
    while len(seen) < wanted and time.monotonic() < deadline:
        with httpx.Client(base_url=server.url) as fresh:  # a new connection may reach the other
            body = fresh.get("/healthz").json()
        if body["status"] == "ready":
            seen[body["worker"]] = body
        time.sleep(0.05)
    assert len(seen) == wanted, f"only {len(seen)} worker(s) ready"
    return seen


def search(server: LiveServer, query: str) -> list[str]:
    with httpx.Client(base_url=server.url, headers=server.headers()) as fresh:
        reply = fresh.post("/v1/search", json={"query": query, "k": 3}, timeout=30)
    reply.raise_for_status()
    return [p["document"] for p in reply.json()["passages"]]


def test_every_worker_answers_from_an_ingest_as_soon_as_it_returns(
    two_workers: LiveServer, tmp_path: Path
) -> None:
    ready_workers(two_workers)
    question = "Får den som pendlar med tåg ett zonkort betalt?"
    assert "pendelpolicy" not in search(two_workers, question)

    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "pendling.md").write_text(NEW_POLICY, encoding="utf-8")
    done = run(two_workers.data_dir, "ingest", str(folder))
    assert done.returncode == 0, done.stdout + done.stderr

    # No waiting: the ingest saved its snapshot before returning, and each worker checks the
    # catalogue's generation on every question.
    for _ in range(30):
        assert search(two_workers, question)[0] == "pendelpolicy"
    generations = {body["generation"] for body in ready_workers(two_workers).values()}
    assert len(generations) == 1 and None not in generations
    log = two_workers.log.read_text()
    assert log.count("built and saved") == 0, "a worker built what the ingest had saved"
    assert log.count("loaded in") >= 2


def test_a_page_signed_in_on_one_worker_stays_signed_in_on_the_other(
    two_workers: LiveServer,
) -> None:
    ready_workers(two_workers)
    with httpx.Client(base_url=two_workers.url) as browser:
        signed_in = browser.post(
            "/signin", data={"key": "reader-key"}, headers={"Origin": two_workers.url}
        )
        assert signed_in.status_code == 303
        cookie = browser.cookies["policy_assistant_session"]
    for _ in range(20):
        with httpx.Client(base_url=two_workers.url) as fresh:  # new connections, either worker
            fresh.cookies.set("policy_assistant_session", cookie)
            page = fresh.get("/chat/")
            assert page.status_code == 200, "signed out by the other worker"
