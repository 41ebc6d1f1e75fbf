"""API keys: `Authorization: Bearer <key>`; read keys for asking, one admin key for changes.

With no read keys configured the read routes are open (start-up warns); with no admin key the
admin routes refuse, so a server started without thought can answer but never change the index.
Each router sets one of these as its dependency, once.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.settings import Settings
from assistant.web.access import ANONYMOUS, Caller, key_name
from assistant.web.dependencies import RuntimeDep
from assistant.web.schemas import ErrorOut

bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer <key>`.")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
CHALLENGE = {"WWW-Authenticate": "Bearer"}

# The errors every keyed route may answer, documented once per router.
READ_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {
        "model": ErrorOut,
        "description": "The body could not be parsed (not UTF-8 JSON, or broken multipart).",
    },
    401: {"model": ErrorOut, "description": "No API key, or not one this server accepts."},
    413: {"model": ErrorOut, "description": "The request body is over the size limit."},
    503: {"model": ErrorOut, "description": "The model and index are still loading."},
}
ADMIN_ERRORS: dict[int | str, dict[str, Any]] = {
    **READ_ERRORS,
    403: {"model": ErrorOut, "description": "Not the admin key, or no admin key is configured."},
}


def require_reader(runtime: RuntimeDep, credentials: Credentials) -> Caller:
    """The caller of a read route and the labels it holds; 401 without a valid key."""
    settings = runtime.settings
    key = credentials.credentials if credentials else None
    if not settings.api_keys:  # open: anyone reads unlabelled documents, the admin all
        if key is not None and is_admin_key(settings, key):
            return runtime.access.caller(key_name(key))
        return ANONYMOUS
    if key is None:
        raise HTTPException(401, "An API key is required.", CHALLENGE)
    if not valid_key(settings, key):
        raise HTTPException(401, "This API key is not valid.", CHALLENGE)
    return runtime.access.caller(key_name(key))


CallerDep = Annotated[Caller, Depends(require_reader)]


def require_admin(runtime: RuntimeDep, credentials: Credentials) -> Caller:
    """The admin of an admin route; 403 for a read key or when no admin key is configured."""
    settings = runtime.settings
    if settings.admin_key is None:
        raise HTTPException(
            403, "Admin routes are disabled: the server has no POLICY_ASSISTANT_ADMIN_KEY."
        )
    key = credentials.credentials if credentials else None
    if key is None:
        raise HTTPException(401, "The admin key is required.", CHALLENGE)
    if not is_admin_key(settings, key):
        if is_reader_key(settings, key):
            raise HTTPException(403, "This API key may read, not administer.")
        raise HTTPException(401, "This key is not valid.", CHALLENGE)
    return runtime.access.caller(key_name(key))


AdminDep = Annotated[Caller, Depends(require_admin)]


def is_reader_key(settings: Settings, key: str) -> bool:
    return any(secrets.compare_digest(key.encode(), k.encode()) for k in settings.api_keys)


def is_admin_key(settings: Settings, key: str) -> bool:
    admin = settings.admin_key
    return admin is not None and secrets.compare_digest(
        key.encode(), admin.get_secret_value().encode()
    )


reader = Depends(require_reader)
admin = Depends(require_admin)


# ---- the chat page: the same keys, or the intranet's sign-on through its reverse proxy ----

SESSION_USER = "user"


def page_user(settings: Settings) -> Callable[[Request], str | None]:
    """Gradio's `auth_dependency` for the page: who this request is, or None to refuse it.

    A browser signs in once with a key (a signed session cookie); a reverse proxy that did
    single sign-on names the user in a header, believed only from the trusted proxies; a
    program such as `gradio_client` sends the key as `Authorization: Bearer`.
    """

    def user(request: Request) -> str | None:
        header = settings.trusted_user_header
        if header and from_trusted_proxy(settings, request) and request.headers.get(header):
            return request.headers[header]
        if "session" in request.scope and request.session.get(SESSION_USER):
            return request.session[SESSION_USER]
        scheme, _, key = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and valid_key(settings, key):
            return key_name(key)
        return None

    return user


def from_trusted_proxy(settings: Settings, request: Request) -> bool:
    """Whether the request came through the intranet's reverse proxy, whose headers about the
    user (name, groups) are believed; from anywhere else they are ignored."""
    client = request.client.host if request.client else None
    return client in settings.trusted_proxies


def proxy_groups(settings: Settings, request: Request) -> list[str]:
    """The user's groups as the trusted proxy names them (comma-separated), if it does."""
    header = settings.trusted_groups_header
    if not header or not from_trusted_proxy(settings, request):
        return []
    return [g.strip() for g in request.headers.get(header, "").split(",") if g.strip()]


def valid_key(settings: Settings, key: str) -> bool:
    return bool(key) and (is_reader_key(settings, key) or is_admin_key(settings, key))


class SignInFirst:
    """Sends a browser that opens the page without credentials to the sign-in form, instead
    of the bare 401 that Gradio answers every other page route with."""

    def __init__(self, app: ASGIApp, user: Callable[[Request], str | None]) -> None:
        self.app = app
        self.user = user

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        opens_page = scope["type"] == "http" and scope["path"] in PAGE_PATHS
        if opens_page and scope["method"] == "GET" and self.user(Request(scope)) is None:
            await RedirectResponse("/signin", status_code=303)(scope, receive, send)
            return
        await self.app(scope, receive, send)


PAGE_PATHS = {"/chat", "/chat/"}
