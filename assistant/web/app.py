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
from fastapi.middleware.cors import CORSMiddleware

from assistant.settings import Settings
from assistant.web.docs import add_offline_docs
from assistant.web.errors import install_error_handlers
from assistant.web.gate import PageGate, SecurityHeaders, TrustedProxy
from assistant.web.outermost import Api, TooLargeAsJson
from assistant.web.routes import (
    admin,
    changes,
    chat,
    documents,
    export,
    feedback,
    health,
    openai,
    signin,
    source,
    widget,
)
from assistant.web.runtime import Runtime
from assistant.web.security import key_names, page_user

log = logging.getLogger(__name__)


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

    app = Api(
        outermost=[partial(SecurityHeaders, settings=settings), TooLargeAsJson],
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
    install_error_handlers(app)
    routers = (health.router, chat.router, openai.router, documents.router, feedback.router)
    for router in (*routers, widget.router, widget.script_router):
        app.include_router(router)
    app.include_router(admin.router, max_body_size=settings.max_upload_bytes)
    user = None
    if settings.api_keys:
        app.include_router(signin.router)
        user = page_user(runtime)
    # Before the page's mount, which takes the rest of /chat.
    app.include_router(source.router)
    app.include_router(changes.router)
    app.include_router(export.router)
    _mount_chat_page(app, runtime, user, settings.root_path)
    # The outermost last: the client's address is settled before anything reads it.
    app.add_middleware(PageGate, user=user, sign_out=partial(signin.sign_out, runtime))
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


def _mount_chat_page(
    app: FastAPI,
    runtime: Runtime,
    user: Callable[[Request], str | None] | None,
    root_path: str,
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
        # Behind a proxy's prefix, the page's own links and API calls carry it.
        root_path=f"{root_path}/chat" if root_path else None,
        head=page.head + widget.FRAMED_PAGE_HEAD,  # its own script; the widget's, when framed
        auth_dependency=user,
        max_file_size=1,  # the page takes no files: nothing may be uploaded through it
        enable_monitoring=False,
        mcp_server=False,
        pwa=False,
    )
