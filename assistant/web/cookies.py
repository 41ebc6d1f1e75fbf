"""The chat page's session cookie, set at sign-in and cleared at sign-out.

It holds only the random token that names a server-side session. By default it is
`SameSite=Lax`. A site whose intranet pages embed the chat (`embed_origins`) needs it sent in a
third-party iframe too: `SameSite=None; Secure; Partitioned` (kept apart per embedding site,
so browsers that block other third-party cookies keep this one). Its path is the app's root.
"""

from __future__ import annotations

from fastapi import Request, Response

from assistant.settings import Settings
from assistant.web.paths import public
from assistant.web.security import SESSION_COOKIE


def set_session_cookie(
    response: Response, request: Request, settings: Settings, token: str
) -> None:
    response.set_cookie(SESSION_COOKIE, token, **_attributes(request, settings))
    if settings.embed_origins:
        _partitioned(response)


def clear_session_cookie(response: Response, request: Request, settings: Settings) -> None:
    response.delete_cookie(SESSION_COOKIE, **_attributes(request, settings))
    if settings.embed_origins:
        _partitioned(response)


def _attributes(request: Request, settings: Settings) -> dict:
    """HttpOnly always; SameSite=None and Secure when intranet pages embed the chat."""
    embedded = bool(settings.embed_origins)
    return {
        "httponly": True,
        "samesite": "none" if embedded else "lax",
        "secure": embedded or settings.secure_cookies,
        "path": public(request.scope, "/"),
    }


def _partitioned(response: Response) -> None:
    """Mark the cookie just set `Partitioned` (Python's cookies learn the word in 3.14)."""
    for index in range(len(response.raw_headers) - 1, -1, -1):
        name, value = response.raw_headers[index]
        if name == b"set-cookie" and value.startswith(SESSION_COOKIE.encode() + b"="):
            response.raw_headers[index] = (name, value + b"; Partitioned")
            return
