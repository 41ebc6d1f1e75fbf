"""Attacks with malformed input and leftovers: text that is not text, file names with control
characters, document ids with a slash, uploads a crash left behind, the page's unguarded
Gradio routes, and responses without the headers that keep browsers safe.

Each answer is a clear 4xx (never 5xx), and nothing is lost: the index stays as it was.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.conftest import copy_data
from tests.live_server import LiveServer, start_server

JSON = {"Content-Type": "application/json"}
LONE_SURROGATE = "\\ud800"  # valid JSON, no Unicode text


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/chat", '{"messages": [{"role": "user", "content": "Vem antar %s?"}]}'),
        ("/v1/chat", '{"messages": [{"role": "user", "content": "Vem?"}], '
                     '"filters": {"organisation": "%s"}}'),
        ("/v1/search", '{"query": "%s"}'),
        ("/v1/feedback", '{"question": "%s", "answer": "x", "rating": "up"}'),
        ("/v1/chat/completions", '{"model": "policy-assistant", '
                                 '"messages": [{"role": "user", "content": "%s"}]}'),
        ("/v1/chat/completions", '{"messages": [{"role": "user", '
                                 '"content": [{"type": "text", "text": "%s"}]}]}'),
    ],
)  # fmt: skip
def test_a_lone_surrogate_is_a_422(server: LiveServer, path: str, body: str) -> None:
    response = httpx.post(
        f"{server.url}{path}",
        content=(body % LONE_SURROGATE).encode(),
        headers={**server.headers(), **JSON},
        timeout=30,
    )
    assert response.status_code == 422, response.text
    body = response.json()  # the OpenAI route answers in OpenAI's shape
    assert "unicode string" in (body["error"]["message"] if "error" in body else body["detail"])


@pytest.mark.parametrize(
    ("field", "value"),
    [("as_of", "0"), ("as_of", "1700000000"), ("stream", "0"), ("stream", '"no"')],
)
def test_numbers_are_no_days_and_no_switches(server: LiveServer, field: str, value: str) -> None:
    body = '{"messages": [{"role": "user", "content": "Vem antar policyn?"}], "%s": %s}'
    response = httpx.post(
        f"{server.url}/v1/chat",
        content=(body % (field, value)).encode(),
        headers={**server.headers(), **JSON},
        timeout=30,
    )
    assert response.status_code == 422, response.text


def multipart_upload(name: bytes, content: bytes) -> tuple[bytes, dict[str, str]]:
    """A multipart body built by hand, so the file name reaches the server byte for byte."""
    boundary = b"policyassistantboundary"
    body = (
        b"--" + boundary + b"\r\n"
        b'Content-Disposition: form-data; name="files"; filename="' + name + b'"\r\n'
        b"Content-Type: text/markdown\r\n\r\n" + content + b"\r\n"
        b"--" + boundary + b"--\r\n"
    )
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary.decode()}"}


def test_an_upload_name_with_control_characters(server: LiveServer) -> None:
    admin = server.headers("admin-key")
    uploads = server.data_dir / "uploads"
    before = httpx.get(f"{server.url}/v1/documents", headers=admin).json()
    policy = b"# Riktlinje om nollor\n\nNollbyten hanteras av servicedesken.\n"
    for name in (b"noll\x00byte.md", b"\x00\x01", b"ny\nrad.md"):
        body, headers = multipart_upload(name, policy)
        response = httpx.post(
            f"{server.url}/v1/ingest", content=body, headers={**admin, **headers}, timeout=60
        )
        assert 400 <= response.status_code < 500 or response.status_code == 200, response.text
        assert not [p for p in uploads.rglob("*") if p.is_file()], "an upload stayed on disk"
    audit = httpx.get(f"{server.url}/v1/audit", headers=admin).json()["audit"]
    ingests = [r for r in audit if r["action"] == "ingest"][:3]
    assert len(ingests) == 3 and any(r["result"].startswith("refused") for r in ingests)
    documents = httpx.get(f"{server.url}/v1/documents", headers=admin).json()
    added = {d["id"] for d in documents["documents"]} - {d["id"] for d in before["documents"]}
    assert added <= {"nollbyte", "nyrad"}
    for doc_id in added:  # a cleaned name made an ordinary document: readable and deletable
        assert httpx.get(f"{server.url}/v1/documents/{doc_id}", headers=admin).status_code == 200
        assert httpx.delete(f"{server.url}/v1/documents/{doc_id}", headers=admin).status_code == 200


@pytest.mark.parametrize("doc_id", ["hr/lön", "../hemlig", ".dold", "a b", "x" * 201])
def test_a_document_id_outside_the_safe_alphabet_is_refused(
    server: LiveServer, doc_id: str
) -> None:
    admin = server.headers("admin-key")
    before = httpx.get(f"{server.url}/v1/info", headers=admin).json()
    policy = f"---\nid: '{doc_id}'\ntitle: Riktlinje\n---\n# Riktlinje\n\nText om löner.\n"
    response = httpx.post(
        f"{server.url}/v1/ingest",
        files={"files": ("riktlinje.md", policy.encode())},
        headers=admin,
        timeout=60,
    )
    assert response.status_code == 422 and "may hold only" in response.text, response.text
    assert httpx.get(f"{server.url}/v1/info", headers=admin).json() == before


def test_uploads_a_crash_left_behind_are_removed_at_start(
    corpus_data: Path, tmp_path: Path
) -> None:
    data = copy_data(corpus_data, tmp_path / "data")
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    for run in (f"20260101T000000-{gone.stdout.strip()}-abcd1234", "20250101T000000-abcd1234"):
        (data / "uploads" / run).mkdir(parents=True)
        (data / "uploads" / run / "lönelista.md").write_text("# Löner\n\nHemligt.\n")
    live = start_server(data, {})
    try:
        assert not list((data / "uploads").iterdir())
        assert "an upload left by an ingest that did not finish" in live.log.read_text()
    finally:
        live.stop()


def test_every_page_route_needs_credentials(server: LiveServer) -> None:
    chat = f"{server.url}/chat"
    unguarded_before = [
        httpx.get(f"{chat}/gradio_api/heartbeat/abc"),
        httpx.post(f"{chat}/gradio_api/cancel", json={"session_hash": "abc", "event_id": "x"}),
        httpx.post(f"{chat}/gradio_api/reset", json={"event_id": "x"}),
        httpx.post(f"{chat}/gradio_api/stream/x"),
        httpx.get(f"{chat}/gradio_api/openapi.json"),
        httpx.get(f"{chat}/openapi.json"),
        httpx.get(f"{chat}/gradio_api/startup-events"),
        httpx.get(f"{chat}/theme.css"),
    ]
    assert all(r.status_code in (401, 404) for r in unguarded_before), [
        (str(r.url), r.status_code) for r in unguarded_before
    ]


def test_responses_carry_the_browser_safety_headers(server: LiveServer) -> None:
    for path in ("/v1/info", "/chat/", "/docs", "/signin", "/healthz"):
        response = httpx.get(f"{server.url}{path}", headers=server.headers())
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert response.headers["referrer-policy"] == "same-origin", path
        policy = response.headers["content-security-policy"]
        if path == "/docs":  # its own policy too: the page loads from this server alone
            assert policy.startswith("default-src 'self';"), policy
            policy = policy.rpartition("; ")[2]
        assert policy == "frame-ancestors 'self'", path
        assert response.headers["x-frame-options"] == "SAMEORIGIN", path


def test_the_intranet_may_frame_the_page_when_configured(corpus_data: Path, tmp_path: Path) -> None:
    ancestors = "'self' https://intranet.example.se"
    live = start_server(
        copy_data(corpus_data, tmp_path / "data"), {"POLICY_ASSISTANT_FRAME_ANCESTORS": ancestors}
    )
    try:
        response = httpx.get(f"{live.url}/chat/")
    finally:
        live.stop()
    assert response.headers["content-security-policy"] == f"frame-ancestors {ancestors}"
    assert "x-frame-options" not in response.headers
