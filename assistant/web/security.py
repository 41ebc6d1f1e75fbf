"""API keys: `Authorization: Bearer <key>`; read keys for asking, one admin key for changes.

With no read keys configured the read routes are open (start-up warns); with no admin key the
admin routes refuse, so a server started without thought can answer but never change the index.
Each router sets one of these as its dependency, once.
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import Depends, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from assistant.settings import Settings
from assistant.web.dependencies import RuntimeDep
from assistant.web.schemas import ErrorOut

bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer <key>`.")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
CHALLENGE = {"WWW-Authenticate": "Bearer"}

# The errors every keyed route may answer, documented once per router.
READ_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "No API key, or not one this server accepts."},
    413: {"model": ErrorOut, "description": "The request body is over the size limit."},
    503: {"model": ErrorOut, "description": "The model and index are still loading."},
}
ADMIN_ERRORS: dict[int | str, dict[str, Any]] = {
    **READ_ERRORS,
    403: {"model": ErrorOut, "description": "Not the admin key, or no admin key is configured."},
}


def require_reader(runtime: RuntimeDep, credentials: Credentials) -> None:
    settings = runtime.settings
    if not settings.api_keys:
        return
    key = credentials.credentials if credentials else None
    if key is None:
        raise HTTPException(401, "An API key is required.", CHALLENGE)
    if not (is_reader_key(settings, key) or is_admin_key(settings, key)):
        raise HTTPException(401, "This API key is not valid.", CHALLENGE)


def require_admin(runtime: RuntimeDep, credentials: Credentials) -> None:
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


def is_reader_key(settings: Settings, key: str) -> bool:
    return any(secrets.compare_digest(key.encode(), k.encode()) for k in settings.api_keys)


def is_admin_key(settings: Settings, key: str) -> bool:
    admin = settings.admin_key
    return admin is not None and secrets.compare_digest(
        key.encode(), admin.get_secret_value().encode()
    )


reader = Depends(require_reader)
admin = Depends(require_admin)
