"""The HTTP API (FastAPI) and, mounted on the same app, the staff chat page.

Routes are thin: they check the key, turn the request into the service's terms, and turn its
answer into JSON. `create_app(settings)` builds everything; nothing happens at import.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from itertools import chain
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, RedirectResponse, StreamingResponse

from assistant.api_keys import admin_key, reader_key
from assistant.api_models import (
    ChatRequest,
    ChatResponse,
    CitationOut,
    DocumentDetailOut,
    DocumentOut,
    DocumentsOut,
    ErrorOut,
    FeedbackIn,
    FeedbackListOut,
    FeedbackOut,
    HealthOut,
    InfoOut,
    IngestOut,
    SearchRequest,
    SearchResponse,
)
from assistant.body_limit import BodySizeLimit
from assistant.feedback import Feedback
from assistant.openai_api import openai_router
from assistant.runtime import NotReadyError, Runtime
from assistant.service import Answer, InvalidQuestionError
from assistant.settings import Settings

log = logging.getLogger(__name__)

INGEST_PATH = "/v1/ingest"
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "No API key, or not one this server accepts."},
    413: {"model": ErrorOut, "description": "The request body is over the size limit."},
    503: {"model": ErrorOut, "description": "The model and index are still loading."},
}
ADMIN_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    403: {"model": ErrorOut, "description": "Not the admin key, or no admin key is configured."},
}


def create_app(settings: Settings, runtime: Runtime | None = None) -> FastAPI:
    runtime = runtime or Runtime(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if not settings.api_keys:
            log.warning(
                "No API keys configured (POLICY_ASSISTANT_API_KEYS): the read routes are open "
                "to anyone who can reach this server."
            )
        if settings.admin_key is None:
            log.warning("No admin key configured: ingest and delete over HTTP are disabled.")
        runtime.start_loading()
        yield

    app = FastAPI(
        title="Policy Assistant",
        version="1",
        summary="Answers questions about policy documents, citing the exact source paragraphs.",
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Accept"],
        )
    app.add_middleware(
        BodySizeLimit,
        limit_for=lambda path: (
            settings.max_upload_bytes if path == INGEST_PATH else settings.max_request_bytes
        ),
    )
    _add_error_handlers(app)

    read = [Depends(reader_key(settings))]
    write = [Depends(admin_key(settings))]

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/chat/")

    @app.get(
        "/healthz",
        response_model=HealthOut,
        tags=["service"],
        responses={503: {"model": HealthOut, "description": "Loading, or loading failed."}},
    )
    def healthz() -> JSONResponse:
        """Ready only once the model and the index are loaded; 503 until then."""
        body = HealthOut(status=runtime.status, detail=runtime.error)
        return JSONResponse(body.model_dump(), status_code=200 if body.status == "ready" else 503)

    @app.get(
        "/v1/info", response_model=InfoOut, dependencies=read, tags=["service"], responses=ERRORS
    )
    def info() -> InfoOut:
        return InfoOut.of(runtime.assistant.info(), server=settings.chroma_url is not None)

    @app.post(
        "/v1/chat",
        response_model=ChatResponse,
        dependencies=read,
        tags=["chat"],
        responses={
            **ERRORS,
            200: {
                "description": "The answer, or with `stream` a text/event-stream of `delta`, "
                "`citations` and `done` events.",
                "content": {"text/event-stream": {"schema": {"type": "string"}}},
            },
            422: {"description": "No question, a question over the length limit, or bad JSON."},
        },
    )
    def chat(body: ChatRequest, request: Request) -> Any:
        """Answer the conversation's last question from the documents, with citations."""
        assistant = runtime.assistant
        messages = body.to_messages()
        filters = body.filters.to_filters() if body.filters else None
        if body.stream or "text/event-stream" in request.headers.get("accept", ""):
            pieces = assistant.stream(messages, filters)
            first = next(pieces)  # a bad question fails here, before the stream starts
            return StreamingResponse(
                _chat_events(chain([first], pieces)), media_type="text/event-stream"
            )
        return ChatResponse.of(assistant.ask(messages, filters))

    @app.post(
        "/v1/search",
        response_model=SearchResponse,
        dependencies=read,
        tags=["chat"],
        responses=ERRORS,
    )
    def search(body: SearchRequest) -> SearchResponse:
        """Passages only, best first: for intranet search boxes."""
        filters = body.filters.to_filters() if body.filters else None
        found = runtime.assistant.search(body.query, k=body.k, filters=filters)
        return SearchResponse(passages=[CitationOut.of(c) for c in found])

    @app.get(
        "/v1/documents",
        response_model=DocumentsOut,
        dependencies=read,
        tags=["documents"],
        responses=ERRORS,
    )
    def documents(include_deleted: bool = False) -> DocumentsOut:
        """Documents with their versions and paragraph counts."""
        records = runtime.assistant.documents(include_deleted=include_deleted)
        return DocumentsOut(documents=[DocumentOut.of(r) for r in records])

    @app.get(
        "/v1/documents/{doc_id}",
        response_model=DocumentDetailOut,
        dependencies=read,
        tags=["documents"],
        responses={**ERRORS, 404: {"model": ErrorOut, "description": "No such document."}},
    )
    def document(doc_id: str) -> DocumentDetailOut:
        """A document's versions and its live version's sections, verbatim."""
        view = runtime.assistant.document(doc_id)
        if view is None:
            raise HTTPException(404, f"No document with id {doc_id!r}.")
        return DocumentDetailOut.of_view(view)

    @app.delete(
        "/v1/documents/{doc_id}",
        dependencies=write,
        tags=["admin"],
        responses={**ADMIN_ERRORS, 404: {"model": ErrorOut, "description": "Not indexed."}},
    )
    def delete_document(doc_id: str) -> dict[str, str]:
        """Take a document out of the index; its version history is kept."""
        with runtime.ingest_lock:
            if not runtime.indexer.delete(doc_id):
                raise HTTPException(404, f"No live document with id {doc_id!r}.")
        return {"deleted": doc_id}

    @app.post(
        INGEST_PATH,
        response_model=IngestOut,
        dependencies=write,
        tags=["admin"],
        responses={
            **ADMIN_ERRORS,
            422: {
                "model": IngestOut,
                "description": "Some files were not ingested (see `failed`); the index keeps "
                "their previous versions. Also: nothing to ingest, or a path outside the roots.",
            },
        },
    )
    def ingest(
        files: Annotated[list[UploadFile], File(description="Policy files to ingest.")] = [],  # noqa: B006
        paths: Annotated[
            list[str], Form(description="Server-side files or folders under the ingest roots.")
        ] = [],  # noqa: B006
        prune: Annotated[
            bool, Form(description="Remove documents whose files under `paths` are gone.")
        ] = False,
    ) -> JSONResponse:
        """Ingest uploaded files and server-side paths, with the CLI's incremental rules."""
        indexer = runtime.indexer
        targets = [_allowed_path(settings, p) for p in paths]
        if not files and not targets:
            raise HTTPException(422, "Nothing to ingest: upload files or give paths.")
        with runtime.ingest_lock:
            uploaded = _save_uploads(settings.uploads_dir, files)
            report = indexer.ingest([*uploaded.values(), *targets], prune=prune)
        names = {str(path): name for name, path in uploaded.items()}
        body = IngestOut(
            added=report.added,
            updated=report.updated,
            unchanged=report.unchanged,
            deleted=report.deleted,
            failed=[{"file": names.get(f, f), "reason": r} for f, r in report.failed],
            chunks=report.chunks,
            embedded=report.embedded,
            seconds=round(report.seconds, 3),
        )
        return JSONResponse(body.model_dump(), status_code=422 if report.failed else 200)

    @app.post(
        "/v1/feedback",
        response_model=FeedbackOut,
        dependencies=read,
        tags=["feedback"],
        responses=ERRORS,
    )
    def add_feedback(body: FeedbackIn) -> FeedbackOut:
        """Staff's judgement of an answer (thumbs up/down, an optional comment)."""
        saved = runtime.feedback.add(Feedback(**body.model_dump(), source="api"))
        return FeedbackOut(**saved.__dict__)

    @app.get(
        "/v1/feedback",
        response_model=FeedbackListOut,
        dependencies=write,
        tags=["feedback"],
        responses=ADMIN_ERRORS,
    )
    def list_feedback(limit: int = 100, rating: str | None = None) -> FeedbackListOut:
        """Feedback from the chat page and the API, newest first, for maintainers."""
        if rating not in (None, "up", "down"):
            raise HTTPException(422, "rating is 'up' or 'down'.")
        items = runtime.feedback.list(limit=max(1, min(limit, 1000)), rating=rating)
        return FeedbackListOut(feedback=[FeedbackOut(**f.__dict__) for f in items])

    app.include_router(openai_router(runtime), dependencies=read, responses=ERRORS)
    _mount_chat_page(app, runtime)
    return app


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(InvalidQuestionError)
    async def invalid_question(request: Request, error: InvalidQuestionError) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=422)

    @app.exception_handler(NotReadyError)
    async def not_ready(request: Request, error: NotReadyError) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=503, headers={"Retry-After": "5"})


def _mount_chat_page(app: FastAPI, runtime: Runtime) -> None:
    import gradio as gr  # the page's dependency stays out of API-only imports

    from assistant.ui import build_chat_page

    page = build_chat_page(runtime)
    gr.mount_gradio_app(
        app, page.blocks, path="/chat", theme=page.theme, css=page.css, footer_links=[]
    )


def _chat_events(items: Iterable[str | Answer]) -> Iterator[str]:
    for item in items:
        if isinstance(item, Answer):
            response = ChatResponse.of(item)
            citations = {
                "answered": response.answered,
                "citations": [c.model_dump() for c in response.citations],
            }
            yield _event("citations", citations)
            yield _event("done", response.model_dump())
        else:
            yield _event("delta", {"text": item})


def _event(name: str, data: object) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _allowed_path(settings: Settings, raw: str) -> Path:
    path = Path(raw).resolve()
    roots = [Path(r).resolve() for r in settings.ingest_roots]
    if not any(path.is_relative_to(root) for root in roots):
        allowed = ", ".join(map(str, roots)) or "none configured"
        raise HTTPException(422, f"{raw!r} is outside the ingest roots ({allowed}).")
    if not path.exists():
        raise HTTPException(422, f"{raw!r} does not exist on the server.")
    return path


def _save_uploads(folder: Path, files: list[UploadFile]) -> dict[str, Path]:
    """Keep each upload under data/uploads/<run>/ (the original file stays on record)."""
    run = folder / f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    saved: dict[str, Path] = {}
    for upload in files:
        name = Path(upload.filename or "").name
        if not name or name.startswith("."):
            raise HTTPException(422, f"Upload has no usable file name: {upload.filename!r}.")
        run.mkdir(parents=True, exist_ok=True)
        target = run / name
        with target.open("wb") as out:
            while chunk := upload.file.read(1 << 20):
                out.write(chunk)
        saved[name] = target
    return saved
