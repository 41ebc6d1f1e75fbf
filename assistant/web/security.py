"""API keys: `Authorization: Bearer <key>`; read keys for asking, one admin key for changes.

With no read keys configured the read routes are open (start-up warns); with no admin key the
admin routes refuse, so a server started without thought can answer but never change the index.
Each router sets one of these as its dependency, once.
"""

from __future__ import annotations

import logging
import math
import secrets
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from assistant.settings import Settings
from assistant.storage.audit import AuditRecord
from assistant.web.access import ANONYMOUS, Caller, key_name
from assistant.web.dependencies import RuntimeDep
from assistant.web.runtime import Runtime
from assistant.web.schemas import ErrorOut

log = logging.getLogger(__name__)

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
    429: {
        "model": ErrorOut,
        "description": "Too many failed keys from this address: try again after Retry-After.",
    },
    413: {"model": ErrorOut, "description": "The request body is over the size limit."},
    422: {"model": ErrorOut, "description": "A field is missing or not as the schema says."},
    503: {"model": ErrorOut, "description": "The model and index are still loading."},
}
ADMIN_ERRORS: dict[int | str, dict[str, Any]] = {
    **READ_ERRORS,
    403: {"model": ErrorOut, "description": "Not the admin key, or no admin key is configured."},
}


def require_reader(request: Request, runtime: RuntimeDep, credentials: Credentials) -> Caller:
    """The caller of a read route and the labels it holds; 401 without a valid key."""
    settings = runtime.settings
    key = credentials.credentials if credentials else None
    if not settings.api_keys:  # open: anyone reads unlabelled documents, the admin all
        # Any other key is no failure here: clients such as the openai SDK must send one.
        if key is not None and is_admin_key(settings, key):
            return runtime.access.caller(key_name(key))
        return ANONYMOUS
    if key is None:
        raise HTTPException(401, "An API key is required.", CHALLENGE)
    if not checked_key(runtime, request, key, valid_key):
        raise HTTPException(401, "This API key is not valid.", CHALLENGE)
    return runtime.access.caller(key_name(key))


CallerDep = Annotated[Caller, Depends(require_reader)]


def require_admin(request: Request, runtime: RuntimeDep, credentials: Credentials) -> Caller:
    """The admin of an admin route; 403 for a read key or when no admin key is configured."""
    settings = runtime.settings
    if settings.admin_key is None:
        raise HTTPException(
            403, "Admin routes are disabled: the server has no POLICY_ASSISTANT_ADMIN_KEY."
        )
    key = credentials.credentials if credentials else None
    if key is None:
        raise HTTPException(401, "The admin key is required.", CHALLENGE)
    if not checked_key(runtime, request, key, valid_key):
        raise HTTPException(401, "This key is not valid.", CHALLENGE)
    if not is_admin_key(settings, key):
        raise HTTPException(403, "This API key may read, not administer.")
    return runtime.access.caller(key_name(key))


AdminDep = Annotated[Caller, Depends(require_admin)]


def checked_key(
    runtime: Runtime, request: Request, key: str, accepted: Callable[[Settings, str], bool]
) -> bool:
    """Whether `key` is `accepted`, tried only while the client's address is not blocked for
    earlier failures (429 with Retry-After then); a failure counts and goes to the audit log."""
    address = client_address(request)
    wait = runtime.sessions.blocked_for(address)
    if wait > 0:
        raise TooManyFailures(wait)
    if accepted(runtime.settings, key):
        return True
    failures, blocked = runtime.sessions.failed(address)
    result = f"failure {failures} from this address" + (
        f"; blocked for {blocked:.0f} s" if blocked else ""
    )
    runtime.audit.add(AuditRecord(address, "key refused", request.url.path, result))
    log.warning("a key was refused from %s (%s)", address, result)
    return False


class TooManyFailures(HTTPException):
    def __init__(self, wait: float) -> None:
        seconds = max(1, math.ceil(wait))
        super().__init__(
            429,
            f"Too many failed keys from this address; try again in {seconds} s.",
            {"Retry-After": str(seconds)},
        )


def is_reader_key(settings: Settings, key: str) -> bool:
    return any(secrets.compare_digest(key.encode(), k.encode()) for k in settings.api_keys)


def is_admin_key(settings: Settings, key: str) -> bool:
    admin = settings.admin_key
    return admin is not None and secrets.compare_digest(
        key.encode(), admin.get_secret_value().encode()
    )


def valid_key(settings: Settings, key: str) -> bool:
    return bool(key) and (is_reader_key(settings, key) or is_admin_key(settings, key))


def key_names(settings: Settings) -> set[str]:
    """The names of the keys configured now: a session begun with any other has ended."""
    names = {key_name(k) for k in settings.api_keys}
    if settings.admin_key is not None:
        names.add(key_name(settings.admin_key.get_secret_value()))
    return names


reader = Depends(require_reader)
admin = Depends(require_admin)


# ---- the chat page: the same keys, or the intranet's sign-on through its reverse proxy ----

SESSION_COOKIE = "policy_assistant_session"
BROWSER_COOKIE = "policy_assistant_browser"  # an open page's browser: its random id
PEER_SCOPE_KEY = "policy_assistant.peer"  # the address the connection really came from
USER_SCOPE_KEY = "policy_assistant.user"  # the page's user, once settled for this request


def page_user(runtime: Runtime) -> Callable[[Request], str | None]:
    """Gradio's `auth_dependency` for the page: who this request is, or None to refuse it.

    A browser signs in once with a key (a server-side session, named by a random cookie); a
    reverse proxy that did single sign-on names the user in a header, believed only from the
    trusted proxies; a program such as `gradio_client` sends the key as `Authorization: Bearer`.
    """
    settings = runtime.settings

    def user(request: Request) -> str | None:
        # Asked by the gate and again by Gradio: a key is checked (and a failure counted) once.
        if USER_SCOPE_KEY not in request.scope:
            request.scope[USER_SCOPE_KEY] = who(request)
        return request.scope[USER_SCOPE_KEY]

    def who(request: Request) -> str | None:
        header = settings.trusted_user_header
        if header and from_trusted_proxy(settings, request) and request.headers.get(header):
            return request.headers[header]
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            name = runtime.sessions.user_of(token)
            if name is not None and name in key_names(settings):
                return name
        scheme, _, key = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and key:
            try:
                if checked_key(runtime, request, key, valid_key):
                    return key_name(key)
            except TooManyFailures:
                return None
        return None

    return user


def client_address(request: Request) -> str:
    """The client's address: the connection's, or the one a trusted proxy forwarded for."""
    return request.client.host if request.client else "unknown"


def from_trusted_proxy(settings: Settings, request: Request) -> bool:
    """Whether the connection came from the intranet's reverse proxy, whose headers about the
    user (name, groups) are believed; from anywhere else, loopback included, they are not."""
    peer = request.scope.get(PEER_SCOPE_KEY)
    return peer is not None and peer in settings.trusted_proxies


def proxy_groups(settings: Settings, request: Request) -> list[str]:
    """The user's groups as the trusted proxy names them (comma-separated), if it does."""
    header = settings.trusted_groups_header
    if not header or not from_trusted_proxy(settings, request):
        return []
    return [g.strip() for g in request.headers.get(header, "").split(",") if g.strip()]


def same_origin(request: Request) -> bool:
    """Whether a browser sent this request from this server's own pages (the defence against
    cross-site sign-in and sign-out): its Origin, else its Sec-Fetch-Site, else its Referer
    names this host. A request that says none of these is refused."""
    host = request.headers.get("host", "")
    origin = request.headers.get("origin")
    if origin is not None:
        return origin != "null" and urlsplit(origin).netloc == host
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    referer = request.headers.get("referer")
    return referer is not None and urlsplit(referer).netloc == host
