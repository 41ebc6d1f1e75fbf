"""The web edge in-process: keys on every route, limits, error shapes and the page's handlers.

These need no server process: `create_app` gets a `Runtime` holding the session's assistant,
and FastAPI's TestClient speaks ASGI to it. The flows over real HTTP are in test_api.py,
test_openai_compat.py and test_chat_page.py.
"""

from __future__ import annotations

import gradio as gr
import pytest
from fastapi import HTTPException
from fastapi.testclient import TestClient
from pydantic import BaseModel, SecretStr

from assistant.service import Assistant
from assistant.types import Answer, Citation
from assistant.web import document_schemas, openai_errors, openai_schemas, schemas
from assistant.web.app import create_app
from assistant.web.page.handlers import PageHandlers
from assistant.web.page.history import citation_panels
from assistant.web.page.texts import TEXTS
from assistant.web.runtime import Runtime

READ, ADMIN = "reader-key", "admin-key"
QUESTION = "Vem antar den internationella policyn i Dalarna?"


@pytest.fixture(scope="module")
def runtime(corpus_assistant: Assistant) -> Runtime:
    settings = corpus_assistant.settings.model_copy(
        update={
            "api_keys": [READ],
            "admin_key": SecretStr(ADMIN),
            "max_request_bytes": 20_000,
            "max_upload_bytes": 60_000,
            "failed_keys_allowed": 1_000_000,  # wrong keys on purpose, from one address
        }
    )
    return Runtime(settings, corpus_assistant)


@pytest.fixture(scope="module")
def client(runtime: Runtime) -> TestClient:
    return TestClient(create_app(runtime.settings, runtime))


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def api_routes(client: TestClient) -> list[tuple[str, str, bool]]:
    """(method, path, admin only) for every route the OpenAPI schema documents under /v1."""
    paths = client.get("/openapi.json").json()["paths"]
    return [
        (
            method.upper(),
            path.replace("{doc_id}", "x").replace("{day}", "2025-01-01"),
            "403" in operation["responses"],
        )
        for path, operations in paths.items()
        if path.startswith("/v1/")
        for method, operation in operations.items()
    ]


def test_every_api_route_refuses_without_the_right_key(client: TestClient) -> None:
    routes = api_routes(client)
    assert len(routes) >= 11 and any(admin for *_, admin in routes)
    for method, path, admin in routes:
        for headers in ({}, bearer("wrong-key")):
            refused = client.request(method, path, headers=headers)
            assert refused.status_code == 401, (method, path, headers)
            assert refused.headers["www-authenticate"] == "Bearer"
        as_reader = client.request(method, path, headers=bearer(READ))
        if admin:
            assert as_reader.status_code == 403, (method, path)
        else:
            assert as_reader.status_code not in (401, 403), (method, path)


def test_admin_routes_refuse_when_no_admin_key_is_configured(runtime: Runtime) -> None:
    settings = runtime.settings.model_copy(update={"admin_key": None})
    client = TestClient(create_app(settings, Runtime(settings, runtime.assistant)))
    refused = client.get("/v1/feedback", headers=bearer(READ))
    assert refused.status_code == 403 and "POLICY_ASSISTANT_ADMIN_KEY" in refused.json()["detail"]


def test_bodies_over_the_limit_are_refused_with_the_limit_named(client: TestClient) -> None:
    def streamed(size: int):  # no Content-Length: counted as it arrives
        yield b'{"messages": [{"role": "user", "content": "'
        yield b"x" * size
        yield b'"}]}'

    headers = {**bearer(READ), "Content-Type": "application/json"}
    too_big = client.post("/v1/chat", content=streamed(30_000), headers=headers)
    assert too_big.status_code == 413
    assert too_big.json()["detail"] == ("The request body is larger than the limit of 20000 bytes.")
    # The ingest route has its own, larger limit: 40 kB passes the chat's 20 kB limit there.
    upload = {"files": ("policy.md", b"# Rubrik\n\n" + b"Text. " * 7_000, "text/markdown")}
    over_chat_limit = client.post("/v1/ingest", files=upload, headers=bearer(ADMIN))
    assert over_chat_limit.status_code != 413
    huge = {"files": ("policy.md", b"x" * 70_000, "text/markdown")}
    assert client.post("/v1/ingest", files=huge, headers=bearer(ADMIN)).status_code == 413


def test_a_declared_length_over_the_limit_gets_the_json_error(client: TestClient) -> None:
    """Refused before the body is read, by the framework's body limit, in the API's shape."""
    headers = {**bearer(READ), "Content-Type": "application/json"}
    declared = client.post("/v1/chat", content=b"x" * 30_000, headers=headers)
    assert declared.status_code == 413
    assert declared.headers["content-type"] == "application/json"
    assert declared.json() == {
        "detail": "The request body is larger than the limit of 20000 bytes."
    }
    assert declared.headers["x-content-type-options"] == "nosniff"
    upload = client.post("/v1/ingest", content=b"x" * 70_000, headers=bearer(ADMIN))
    assert upload.json() == {"detail": "The request body is larger than the limit of 60000 bytes."}


def test_every_error_is_one_text_detail(runtime: Runtime) -> None:
    """401, 403, 404, 405, 409, 413, 422, 500: `{"detail": "<text>"}`, whatever was raised."""
    app = create_app(runtime.settings, runtime)

    @app.get("/v1/raises-a-dict")
    def raises_a_dict() -> None:
        raise HTTPException(409, {"message": "Being ingested elsewhere.", "document": "x"})

    @app.get("/v1/raises-a-list")
    def raises_a_list() -> None:
        raise HTTPException(400, [{"loc": ["query", "k"], "msg": "too big"}, "and more"])

    @app.get("/v1/fails")
    def fails() -> None:
        raise RuntimeError("/secret/path went wrong")

    client = TestClient(app, raise_server_exceptions=False)
    responses = {
        401: client.get("/v1/info"),
        403: client.get("/v1/audit", headers=bearer(READ)),
        404: client.get("/v1/no-such-route", headers=bearer(READ)),
        405: client.put("/v1/chat", headers=bearer(READ)),
        409: client.get("/v1/raises-a-dict"),
        400: client.get("/v1/raises-a-list"),
        413: client.post("/v1/search", content=b"{" * 30_000, headers=bearer(READ)),
        422: client.post("/v1/search", json={"k": "many"}, headers=bearer(READ)),
        500: client.get("/v1/fails"),
    }
    for status, response in responses.items():
        assert response.status_code == status, (status, response.text)
        body = response.json()
        assert list(body) == ["detail"] and isinstance(body["detail"], str), (status, body)
    assert responses[409].json()["detail"] == "Being ingested elsewhere."
    assert responses[400].json()["detail"] == "query.k: too big; and more"
    assert "query" in responses[422].json()["detail"] and "k" in responses[422].json()["detail"]
    assert "secret" not in responses[500].text
    assert responses[500].headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"messages": [{"role": "user", "content": "policy " * 1000}]}, "limit is"),
        ({"messages": [{"role": "assistant", "content": "Hej"}]}, "no question"),
        ({"messages": []}, "at least 1"),
        ({"messages": [{"role": "robot", "content": "Hej"}]}, "user"),
        ({"messages": [{"role": "user", "content": "Hej"}], "filters": {"x": 1}}, "Extra"),
    ],
)
def test_bad_requests_get_422_with_a_reason(client: TestClient, body: dict, fragment: str) -> None:
    for path in ("/v1/chat", "/v1/chat/completions"):
        response = client.post(path, json=body, headers=bearer(READ))
        assert response.status_code == 422, path
        assert fragment in error_text(response), (path, response.json())


def error_text(response) -> str:
    """The error's text: `detail`, or `error.message` on the OpenAI-compatible route."""
    body = response.json()
    return body["error"]["message"] if "error" in body else body["detail"]


def test_a_refused_question_fails_before_the_stream_starts(client: TestClient) -> None:
    body = {"messages": [{"role": "user", "content": "policy " * 1000}], "stream": True}
    for path in ("/v1/chat", "/v1/chat/completions"):
        response = client.post(path, json=body, headers=bearer(READ))
        assert response.status_code == 422 and "limit is" in error_text(response)


def test_while_loading_the_api_answers_503_with_retry_after(runtime: Runtime) -> None:
    loading = Runtime(runtime.settings)  # never loads: start_loading is not called
    client = TestClient(create_app(runtime.settings, loading))
    response = client.post("/v1/chat", json={"messages": [{"role": "user", "content": "Hej"}]},
                           headers=bearer(READ))  # fmt: skip
    assert response.status_code == 503 and response.headers["retry-after"] == "5"
    assert client.get("/healthz").json()["status"] == "loading"


SIGNED_IN = gr.Request(username="key-reader")  # a user the access file does not name


def answer_on_page(handlers: PageHandlers, text: str, history: list[dict] | None = None) -> tuple:
    *_, (history, conversation, *rest, _record) = handlers.answer(
        text, history or [], "", "", "", "sv", {}, SIGNED_IN
    )
    assert conversation == history  # the chat shows what the server keeps
    return (history, *rest)


def test_page_streams_the_answer_then_its_citation_panels(runtime: Runtime) -> None:
    handlers = PageHandlers(runtime)
    updates = list(handlers.answer(QUESTION, [], "", "", "", "sv", {}, SIGNED_IN))
    assert len(updates) > 2  # the answer arrives in pieces
    history, conversation, question_box, notice, record = updates[-1]
    assert ("dalarna-internationell-policy", "v1") in record["cited"]
    assert conversation is history
    assert question_box == "" and notice["visible"] is False
    user, answer, *panels = history
    assert user["content"] == QUESTION and "landstingsfullmäktige" in answer["content"]
    assert panels[0]["metadata"]["title"].startswith("Källa [1] · Landstinget Dalarna")
    assert "Det är landstingsfullmäktige som antar" in panels[0]["content"]


def test_page_thumb_then_comment_update_one_feedback_record(runtime: Runtime) -> None:
    handlers = PageHandlers(runtime)
    history, _, _ = answer_on_page(handlers, QUESTION)
    liked = gr.LikeData(None, {"index": 1, "value": history[1]["content"], "liked": False})
    ids, notice = handlers.thumb(history, {}, "sv", liked)
    assert notice["value"] == TEXTS["sv"]["thanks"] and list(ids) == [1]
    ids, box, _ = handlers.comment("Datum saknas.", history, ids, "sv")
    assert box == ""
    record = runtime.feedback.list(limit=1)[0]
    assert (record.rating, record.comment, record.source) == ("down", "Datum saknas.", "chat")
    assert record.question == QUESTION and record.citations[0].startswith("Källa [1]")


def test_page_comment_without_an_answer_asks_for_a_question(runtime: Runtime) -> None:
    ids, box, notice = PageHandlers(runtime).comment("Bra!", [], {}, "en")
    assert ids == {} and box == "Bra!" and notice["value"] == TEXTS["en"]["nothing_to_comment"]


def test_page_while_loading_says_so(runtime: Runtime) -> None:
    handlers = PageHandlers(Runtime(runtime.settings))
    history, question_box, _ = answer_on_page(handlers, QUESTION)
    assert history[-1]["content"] == TEXTS["sv"]["loading"] and question_box == QUESTION


def test_page_relabels_in_english_with_the_filters_choices(runtime: Runtime) -> None:
    lang, _notice, header, _filters, organisations, documents, *rest = PageHandlers(
        runtime
    ).relabel("English", SIGNED_IN)
    assert lang == "en" and "Policy Assistant" in header["value"]
    assert ("Landstinget Dalarna", "Landstinget Dalarna") in organisations["choices"]
    assert any(doc_id == "dalarna-internationell-policy" for _, doc_id in documents["choices"])
    clear, recent, forget, _export, sign_out = rest[-5:]
    assert clear["value"] == TEXTS["en"]["clear"] and sign_out["value"] == "Sign out"
    assert recent["label"] == "Recent conversations" and forget["value"] == TEXTS["en"]["forget"]


def test_a_user_header_from_an_untrusted_address_is_ignored(runtime: Runtime) -> None:
    settings = runtime.settings.model_copy(
        update={"trusted_user_header": "X-Remote-User", "trusted_proxies": ["10.0.0.1"]}
    )
    client = TestClient(create_app(settings, Runtime(settings, runtime.assistant)))
    assert client.get("/chat/config", headers={"X-Remote-User": "anna"}).status_code == 401
    assert client.get("/chat/config", headers=bearer(READ)).status_code == 200


def test_an_uploaded_docx_bomb_is_a_422_and_the_index_is_unchanged(
    client: TestClient, runtime: Runtime, tmp_path
) -> None:
    from tests.test_hostile_files import element_bomb

    before = client.get("/v1/info", headers=bearer(READ)).json()
    bomb = element_bomb(tmp_path / "bomb.docx").read_bytes()
    files = {"files": ("bomb.docx", bomb, "application/octet-stream")}
    response = client.post("/v1/ingest", files=files, headers=bearer(ADMIN))
    assert response.status_code == 422
    assert "XML elements" in response.json()["failed"][0]["reason"]
    assert client.get("/v1/info", headers=bearer(READ)).json() == before
    assert not list(runtime.settings.uploads_dir.rglob("*.docx"))  # uploads are not kept


def test_admin_actions_are_audited_append_only(client: TestClient, runtime: Runtime) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import DatabaseError

    from assistant.storage.database import Database
    from assistant.web.access import key_name

    client.delete("/v1/documents/no-such-document", headers=bearer(ADMIN))
    client.get("/v1/feedback?rating=down", headers=bearer(ADMIN))
    assert client.get("/v1/audit", headers=bearer(READ)).status_code == 403
    records = client.get("/v1/audit", headers=bearer(ADMIN)).json()["audit"]
    latest, before = records[0], records[1]
    assert (latest["action"], latest["target"]) == ("read feedback", "rating=down")
    assert (before["action"], before["target"], before["result"]) == (
        "delete",
        "no-such-document",
        "not indexed",
    )
    assert latest["actor"] == key_name(ADMIN) and ADMIN not in str(records)
    audit = Database(runtime.settings.audit_url)
    for statement in ["UPDATE audit SET result = 'nothing happened'", "DELETE FROM audit"]:
        with pytest.raises(DatabaseError, match="append-only"), audit.transaction() as db:
            db.execute(text(statement))


def test_every_request_body_and_main_response_has_a_valid_example(client: TestClient) -> None:
    """What Swagger UI and ReDoc show: an example body for every JSON request and for every
    route's success response, each one the API itself would accept or send."""
    schema = client.get("/openapi.json").json()
    components = schema["components"]["schemas"]

    def resolved(part: dict) -> dict:
        ref = part.get("$ref", "")
        return components[ref.rsplit("/", 1)[-1]] if ref else part

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {})
            for media, content in body.items():
                target = resolved(content["schema"])
                examples = target.get("examples") or [
                    p["examples"] for p in target["properties"].values() if "examples" in p
                ]
                assert examples, (method, path, media)
            success = operation["responses"]["200"]["content"]["application/json"]["schema"]
            assert resolved(success).get("examples"), (method, path)

    models = [
        value
        for module in (schemas, document_schemas, openai_schemas, openai_errors)
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, BaseModel) and value is not BaseModel
    ]
    checked = 0
    for model in models:
        for example in (model.model_config.get("json_schema_extra") or {}).get("examples", []):
            model.model_validate(example)
            checked += 1
    assert checked >= 20


def test_a_panel_title_names_a_version_not_in_force_and_the_title_once() -> None:
    title = "Internationellt arbete – Policy och strategiska mål"
    cited = Citation(
        "c1", "jonkoping", title, "Landstinget i Jönköpings län",
        "Internationellt arbete - Policy och strategiska mål › Strategiska mål ›",
        "v1, 2024-01-01", "Landstinget ska vara aktivt.", 0.9, status="superseded",
        version_number=1, position=7,
    )  # fmt: skip
    panel = citation_panels(Answer("…", True, [cited], "sv"), TEXTS["sv"])[0]
    assert panel["metadata"]["title"] == (
        f"Källa [1] · Landstinget i Jönköpings län · {title} › Strategiska mål · ersatt"
    )
    assert "(source/jonkoping/1#p7)" in panel["content"]
