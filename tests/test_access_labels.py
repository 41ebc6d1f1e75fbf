"""Who may read what: two keys, two labelled documents, every route.

A caller never receives a passage, citation, "see also", listing, version, search hit or count
of a document whose labels it does not hold: through the API, the OpenAI route and the page.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from gradio_client import Client

from evals.labelled_load import RESTRICTED, VERSIONS
from tests.conftest import copy_data
from tests.live_server import LiveServer, start_server

HR_POLICY = RESTRICTED.format(version=VERSIONS[0])
CRISIS_POLICY = """---
id: ledning-riktlinje
title: Riktlinje för krisledning
organisation: Region Testland
access: [ledning]
---
# Riktlinje för krisledning

Krisledningsnämnden sammanträder inom två timmar efter att regiondirektören larmat.
"""
ACCESS = """
keys:
  hr-key: [hr]
  ledning-key: [ledning]
users:
  anna.andersson: [hr]
groups:
  personalavdelningen: [hr]
"""
HR_QUESTION = "När genomförs lönerevisionen för sjuksköterskor?"
HR_SECRET = ("Lönerevisionen", "hr-riktlinje", "lönesättning")
CALLERS = {  # key → (may read the HR policy, documents listed)
    "hr-key": (True, 3),
    "ledning-key": (False, 3),
    "plain-key": (False, 2),
    "admin-key": (True, 4),
}


@pytest.fixture(scope="module")
def labelled_server(tmp_path_factory: pytest.TempPathFactory, corpus_data: Path):
    root = tmp_path_factory.mktemp("labelled")
    (root / "access.yaml").write_text(ACCESS, encoding="utf-8")
    env = {
        "POLICY_ASSISTANT_ACCESS": str(root / "access.yaml"),
        "POLICY_ASSISTANT_API_KEYS": "hr-key,ledning-key,plain-key",
        "POLICY_ASSISTANT_TRUSTED_USER_HEADER": "X-Remote-User",
        "POLICY_ASSISTANT_TRUSTED_GROUPS_HEADER": "X-Remote-Groups",
        "POLICY_ASSISTANT_TRUSTED_PROXIES": "127.0.0.1",
    }
    live = start_server(copy_data(corpus_data, root / "data"), env, admin_key="admin-key")
    files = [
        ("files", ("hr.md", HR_POLICY.encode(), "text/markdown")),
        ("files", ("ledning.md", CRISIS_POLICY.encode(), "text/markdown")),
    ]
    done = httpx.post(
        f"{live.url}/v1/ingest", files=files, headers=live.headers("admin-key"), timeout=60
    )
    assert done.status_code == 200 and len(done.json()["added"]) == 2, done.text
    yield live
    live.stop()


def responses(server: LiveServer, key: str) -> dict[str, httpx.Response]:
    """What one caller gets from every read route, asking about the HR policy."""
    headers = {"Authorization": f"Bearer {key}"}
    ask = {"messages": [{"role": "user", "content": HR_QUESTION}]}
    url = server.url
    return {
        "chat": httpx.post(f"{url}/v1/chat", json=ask, headers=headers, timeout=30),
        "stream": httpx.post(
            f"{url}/v1/chat", json={**ask, "stream": True}, headers=headers, timeout=30
        ),
        "openai": httpx.post(
            f"{url}/v1/chat/completions", json=ask, headers=headers, timeout=30
        ),
        "search": httpx.post(
            f"{url}/v1/search", json={"query": "lönerevision sjuksköterskor", "k": 50},
            headers=headers,
        ),
        "documents": httpx.get(f"{url}/v1/documents?include_withdrawn=true", headers=headers),
        "document": httpx.get(f"{url}/v1/documents/hr-riktlinje", headers=headers),
        "info": httpx.get(f"{url}/v1/info", headers=headers),
    }  # fmt: skip


@pytest.mark.parametrize("key", list(CALLERS))
def test_every_route_keeps_to_the_callers_labels(labelled_server: LiveServer, key: str) -> None:
    may_read, listed = CALLERS[key]
    got = responses(labelled_server, key)
    assert got["info"].json()["documents"] == listed
    assert len(got["documents"].json()["documents"]) == listed
    if may_read:
        assert got["chat"].json()["answered"] is True
        assert got["chat"].json()["citations"][0]["document"] == "hr-riktlinje"
        assert got["document"].status_code == 200
        assert any(p["document"] == "hr-riktlinje" for p in got["search"].json()["passages"])
        return
    missing = httpx.get(
        f"{labelled_server.url}/v1/documents/hr-riktlinjx",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert got["document"].status_code == 404  # exactly as if it did not exist
    assert got["document"].text == missing.text.replace("hr-riktlinjx", "hr-riktlinje")
    assert got["chat"].json()["answered"] is False
    del got["document"]
    for route, response in got.items():
        assert response.status_code in (200, 404), route
        leaked = [s for s in HR_SECRET if s.lower() in response.text.lower()]
        assert not leaked, f"{key} got {leaked} from {route}"


def test_the_page_keeps_to_the_users_labels(labelled_server: LiveServer) -> None:
    def page_answer(headers: dict[str, str]) -> str:
        page = Client(f"{labelled_server.url}/chat/", verbose=False, headers=headers)
        history, _, _ = page.predict(HR_QUESTION, "", "", "", api_name="/ask")
        return json.dumps(history[1:], ensure_ascii=False)  # the answer and its panels

    assert "Lönerevisionen" in page_answer({"Authorization": "Bearer hr-key"})
    assert "Lönerevisionen" in page_answer({"X-Remote-User": "anna.andersson"})
    in_group = {"X-Remote-User": "cecilia", "X-Remote-Groups": "ekonomi, personalavdelningen"}
    assert "Lönerevisionen" in page_answer(in_group)
    for headers in (
        {"Authorization": "Bearer ledning-key"},
        {"X-Remote-User": "bo.berg"},
        {"X-Remote-User": "bo.berg", "X-Remote-Groups": "ekonomi"},
    ):
        shown = page_answer(headers)
        assert not [s for s in HR_SECRET if s.lower() in shown.lower()], headers


def test_the_source_view_keeps_to_the_users_labels(labelled_server: LiveServer) -> None:
    """A citation's link opens its paragraph for a reader who may read it; to anyone else the
    document's source view is exactly as if it did not exist."""
    url = labelled_server.url
    ask = {"messages": [{"role": "user", "content": HR_QUESTION}]}
    hr = {"Authorization": "Bearer hr-key"}
    citation = httpx.post(f"{url}/v1/chat", json=ask, headers=hr, timeout=30).json()["citations"][0]
    path, anchor = citation["link"].split("#")
    assert path.startswith("/chat/source/hr-riktlinje/")
    opened = httpx.get(f"{url}{path}", headers=hr)
    assert opened.status_code == 200 and f'id="{anchor}"' in opened.text
    assert citation["text"].split("\n")[0][:60] in opened.text
    assert httpx.get(f"{url}{path}", headers={"X-Remote-User": "anna.andersson"}).status_code == 200
    missing = httpx.get(f"{url}/chat/source/hr-riktlinjx/1", headers=hr)
    for headers in (
        {"Authorization": "Bearer ledning-key"},
        {"X-Remote-User": "bo.berg", "X-Remote-Groups": "ekonomi"},
    ):
        refused = httpx.get(f"{url}{path}", headers=headers)
        assert refused.status_code == 404 and refused.text == missing.text, headers
    signed_out = httpx.get(f"{url}{path}")
    assert signed_out.status_code == 303 and signed_out.headers["location"] == "/signin"
