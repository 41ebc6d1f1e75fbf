"""Where the app lives: a reverse proxy may serve it under a prefix (the ASGI `root_path`, e.g.
/assistent, from `serve --root-path`), which every redirect and link the app writes carries.

Uvicorn puts the root path in front of each request's `path`; the app's own routes are matched
on the path without it (`route_path`).
"""

from __future__ import annotations

from starlette.types import Scope


def root_path(scope: Scope) -> str:
    return str(scope.get("root_path") or "").rstrip("/")


def route_path(scope: Scope) -> str:
    """The request's path inside the app: "/chat/" for "/assistent/chat/"."""
    path, prefix = str(scope.get("path", "")), root_path(scope)
    if prefix and (path == prefix or path.startswith(prefix + "/")):
        return path[len(prefix) :] or "/"
    return path


def public(scope: Scope, path: str) -> str:
    """The path a browser asks for to reach the app's `path`: "/signin" → "/assistent/signin"."""
    return root_path(scope) + path
