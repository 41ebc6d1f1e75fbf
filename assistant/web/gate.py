"""What stands in front of every request: the client's true address, which of the chat page's
routes exist at all, who may open the page, and the headers that keep browsers safe.

Plain ASGI middleware, added by `create_app`; none of it loads anything.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

from fastapi import Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.settings import Settings
from assistant.web.paths import public, route_path
from assistant.web.security import BROWSER_COOKIE, PEER_SCOPE_KEY

# Gradio routes the page never uses, among them every one that serves or takes a file: they
# answer 404 whoever asks, so no browser input can become a file the server hands out.
CLOSED_PAGE_ROUTES = re.compile(
    r"^/chat/(?:gradio_api/)?(?:file[=/]|proxy=|upload|stream/|process_recording|run-history|"
    r"vibe-|undo-vibe-|dev/|mcp|monitoring|pwa_icon|manifest\.json|custom_component/)"
)
PAGE_PATHS = {"/chat", "/chat/"}
LOGOUT_PATHS = {"/chat/logout", "/chat/logout/"}
# A citation's paragraph in its document, the changes between two versions, a conversation's
# export: pages a browser opens.
OPENED_PATHS = ("/chat/source/", "/chat/changes/", "/chat/export/")


class TrustedProxy:
    """The client's address is the connection's, or the X-Forwarded-For that a configured
    proxy sent; nobody else's forwarding header counts, loopback's included. The connection's
    own address stays in the scope, for `from_trusted_proxy`."""

    def __init__(self, app: ASGIApp, proxies: list[str]) -> None:
        self.app = app
        self.proxies = set(proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            client = scope.get("client")
            peer = client[0] if client else None
            scope[PEER_SCOPE_KEY] = peer
            if peer in self.proxies:
                forwarded = Request(scope).headers.get("x-forwarded-for", "")
                hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
                if hops:  # the last hop is the one the proxy itself appended
                    scope["client"] = (hops[-1], 0)
        await self.app(scope, receive, send)


class PageGate:
    """The chat page's door: closed routes answer 404; with keys configured every page route
    needs a user (the page itself sends a browser to the sign-in form), and Gradio's own
    logout ends the server-side session."""

    def __init__(
        self,
        app: ASGIApp,
        user: Callable[[Request], str | None] | None,
        sign_out: Callable[[Request], Response],
    ) -> None:
        self.app = app
        self.user = user  # None: an open page (no keys configured)
        self.sign_out = sign_out

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = route_path(scope)  # behind a proxy's prefix too: "/assistent/chat/" is "/chat/"
        if scope["type"] not in ("http", "websocket") or not path.startswith("/chat"):
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(scope, path)
        if refusal is not None:
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
                return
            await refusal(scope, receive, send)
            return
        if path in PAGE_PATHS and BROWSER_COOKIE not in Request(scope).cookies:
            send = _with_browser_id(scope, send)
        await self.app(scope, receive, send)

    def _refusal(self, scope: Scope, path: str) -> Response | None:
        if CLOSED_PAGE_ROUTES.match(path):
            return JSONResponse({"detail": "Not Found"}, status_code=404)
        request = Request(scope)
        if path in LOGOUT_PATHS:
            if self.user is None:
                return RedirectResponse(public(scope, "/chat/"), 303)
            return self.sign_out(request)
        if self.user is None or self.user(request) is not None:
            return None
        if (path in PAGE_PATHS or path.startswith(OPENED_PATHS)) and scope.get("method") in (
            "GET",
            "HEAD",
        ):
            return RedirectResponse(public(scope, "/signin"), status_code=303)
        return JSONResponse({"detail": "Not authenticated"}, status_code=401)


class SecurityHeaders:
    """Every response tells browsers: no content-type sniffing, no Referer to other sites, and
    which pages may frame this one (`frame_ancestors` and the `embed_origins`; only this
    server's by default), also added to a page's own Content-Security-Policy."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.frame_ancestors = f"frame-ancestors {settings.framing}"
        self.headers = {
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
            "Content-Security-Policy": self.frame_ancestors,
        }
        if settings.framing == "'self'":
            self.headers["X-Frame-Options"] = "SAMEORIGIN"  # for browsers without CSP

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    if name not in headers:
                        headers.append(name, value)
                policy = headers["Content-Security-Policy"]
                if "frame-ancestors" not in policy:  # a page's own policy (the API docs)
                    headers["Content-Security-Policy"] = f"{policy}; {self.frame_ancestors}"
            await send(message)

        await self.app(scope, receive, with_headers)


def _with_browser_id(scope: Scope, send: Send) -> Send:
    """The browser's own random id in a cookie: which conversation it was in (and on an open
    page, whose conversations are whose; see page/recent.py). Read from nothing but this
    cookie."""
    cookie = (
        f"{BROWSER_COOKIE}={secrets.token_urlsafe(24)}; Path={public(scope, '/')}; "
        f"Max-Age={400 * 86400}; HttpOnly; SameSite=Lax"
    )

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            MutableHeaders(scope=message).append("Set-Cookie", cookie)
        await send(message)

    return sending
