"""The HTTP API (FastAPI) and, mounted on the same app, the staff chat page.

`create_app(settings)` is an assembly list: limits, CORS, error handlers, one router per
resource, the page. Routes are thin: each router sets its key dependency once, and handlers
get the runtime and the assistant through dependencies. Nothing happens at import.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import partial

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.routing import Match

from assistant.service import InvalidQuestionError
from assistant.settings import Settings
from assistant.web.docs import add_offline_docs
from assistant.web.gate import PageGate, SecurityHeaders, TrustedProxy
from assistant.web.routes import admin, chat, documents, feedback, health, openai, signin
from assistant.web.runtime import NotReadyError, Runtime
from assistant.web.security import key_names, page_user

log = logging.getLogger(__name__)
BODY_LIMIT_SCOPE_KEY = "starlette.max_body_size"  # where the framework keeps the route's limit


def app_from_environment() -> FastAPI:
    """For `serve --workers N`: each worker process reads the settings from the environment."""
    return create_app(Settings())


def create_app(settings: Settings, runtime: Runtime | None = None) -> FastAPI:
    runtime = runtime or Runtime(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        _warn_about_open_routes(settings)
        if settings.api_keys:
            ended = runtime.sessions.end_all_but(key_names(settings))
            if ended:
                log.info("ended %d page sessions begun with keys no longer configured", ended)
        for run in admin.remove_abandoned_uploads(settings.uploads_dir):
            log.warning("removed %s, an upload left by an ingest that did not finish", run)
        runtime.start_loading()
        yield

    app = FastAPI(
        title="Policy Assistant",
        version="1",
        summary="Answers questions about policy documents, citing the exact source paragraphs.",
        lifespan=lifespan,
        max_body_size=settings.max_request_bytes,
        docs_url=None,  # served from installed files by add_offline_docs, not from a CDN
        redoc_url=None,
    )
    add_offline_docs(app)
    app.state.runtime = runtime
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Accept"],
        )
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(InvalidQuestionError, _invalid_question)
    app.add_exception_handler(NotReadyError, _not_ready)
    for router in (health.router, chat.router, openai.router, documents.router, feedback.router):
        app.include_router(router)
    app.include_router(admin.router, max_body_size=settings.max_upload_bytes)
    user = None
    if settings.api_keys:
        app.include_router(signin.router)
        user = page_user(runtime)
    _mount_chat_page(app, runtime, user)
    # The outermost last: the client's address is settled before anything reads it.
    app.add_middleware(PageGate, user=user, sign_out=partial(signin.sign_out, runtime))
    app.add_middleware(SecurityHeaders, settings=settings)
    app.add_middleware(TrustedProxy, proxies=settings.trusted_proxies)
    return app


def _warn_about_open_routes(settings: Settings) -> None:
    if not settings.api_keys:
        log.warning(
            "No API keys configured (POLICY_ASSISTANT_API_KEYS): the read routes are open "
            "to anyone who can reach this server."
        )
    if settings.admin_key is None:
        log.warning("No admin key configured: ingest and delete over HTTP are disabled.")


async def _http_error(request: Request, error: Exception) -> Response:
    """The framework's errors as they are, but a 413 says which limit the body passed."""
    assert isinstance(error, HTTPException)
    limit = request.scope.get(BODY_LIMIT_SCOPE_KEY)
    if error.status_code == 413 and limit is not None:
        detail = f"The request body is larger than the limit of {limit} bytes."
        return JSONResponse({"detail": detail}, status_code=413, headers={"Connection": "close"})
    if error.status_code == 405:  # every method of the path, not the first route's alone
        allowed = sorted(
            method
            for route in request.app.routes
            if isinstance(route, APIRoute) and route.matches(request.scope)[0] != Match.NONE
            for method in route.methods
        )
        headers = {"Allow": ", ".join(allowed)}
        return JSONResponse({"detail": "Method Not Allowed"}, status_code=405, headers=headers)
    return await http_exception_handler(request, error)


async def _invalid_request(request: Request, error: Exception) -> JSONResponse:
    """422 in the API's one error shape, naming each field and what was wrong with it. The
    input is not echoed: it may not even be text (a lone surrogate is valid JSON)."""
    assert isinstance(error, RequestValidationError)
    problems = [
        f"{'.'.join(str(part) for part in issue['loc'])}: {issue['msg']}"
        for issue in error.errors()
    ]
    return JSONResponse({"detail": "; ".join(problems)}, status_code=422)


async def _invalid_question(request: Request, error: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(error)}, status_code=422)


async def _not_ready(request: Request, error: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(error)}, status_code=503, headers={"Retry-After": "5"})


def _mount_chat_page(
    app: FastAPI, runtime: Runtime, user: Callable[[Request], str | None] | None
) -> None:
    import gradio as gr  # the page's dependency stays out of API-only imports

    from assistant.web.page.layout import build_chat_page

    page = build_chat_page(runtime)
    gr.mount_gradio_app(
        app,
        page.blocks,
        path="/chat",
        theme=page.theme,
        css=page.css,
        footer_links=[],
        auth_dependency=user,
        max_file_size=1,  # the page takes no files: nothing may be uploaded through it
        enable_monitoring=False,
        mcp_server=False,
        pwa=False,
    )
