"""A new site starts on an empty data directory and is filled over the API; deleting its last
document leaves a working, empty service (not a 500)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.conftest import CORPUS
from tests.live_server import LiveServer, start_server

DALARNA = "dalarna-internationell-policy"
QUESTION = "Vem antar den internationella policyn i Dalarna?"


@pytest.fixture(scope="module")
def empty_server(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("empty-server")
    live = start_server(root / "data", {}, api_key="reader-key", admin_key="admin-key")
    yield live
    live.stop()


def ask(server: LiveServer, question: str = QUESTION) -> httpx.Response:
    body = {"messages": [{"role": "user", "content": question}]}
    return httpx.post(f"{server.url}/v1/chat", json=body, headers=server.headers(), timeout=30)


def test_an_empty_site_is_ready_says_so_and_takes_its_first_ingest(
    empty_server: LiveServer,
) -> None:
    assert httpx.get(f"{empty_server.url}/healthz").json()["status"] == "ready"
    info = httpx.get(f"{empty_server.url}/v1/info", headers=empty_server.headers()).json()
    assert (info["documents"], info["chunks"]) == (0, 0)
    empty = ask(empty_server)
    assert empty.status_code == 200
    assert empty.json()["answered"] is False and "Inga dokument" in empty.json()["answer"]
    assert "No documents" in ask(empty_server, "Who adopts the policy?").json()["answer"]

    policy = Path(CORPUS / f"{DALARNA}.md")
    admin = empty_server.headers("admin-key")
    files = {"files": (policy.name, policy.read_bytes(), "text/markdown")}
    ingested = httpx.post(f"{empty_server.url}/v1/ingest", files=files, headers=admin, timeout=60)
    assert ingested.status_code == 200 and ingested.json()["added"] == [DALARNA]
    answer = ask(empty_server).json()
    assert answer["answered"] and "landstingsfullmäktige" in answer["answer"].lower()

    deleted = httpx.delete(f"{empty_server.url}/v1/documents/{DALARNA}", headers=admin)
    assert deleted.status_code == 200
    after = ask(empty_server)
    assert after.status_code == 200 and "Inga dokument" in after.json()["answer"]
    info = httpx.get(f"{empty_server.url}/v1/info", headers=empty_server.headers())
    assert info.status_code == 200 and info.json()["chunks"] == 0
    history = httpx.get(
        f"{empty_server.url}/v1/documents/{DALARNA}", headers=empty_server.headers()
    )
    assert history.status_code == 200
    assert history.json()["sections"] == [] and history.json()["withdrawn_on"]
    search = httpx.post(
        f"{empty_server.url}/v1/search", json={"query": "policy"}, headers=empty_server.headers()
    )
    assert search.status_code == 200 and search.json()["passages"] == []
