"""API keys: `Authorization: Bearer <key>`; read keys for asking, one admin key for changes.

With no read keys configured the read routes are open (start-up warns); with no admin key the
admin routes refuse, so a server started without thought can answer but never change the index.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from assistant.settings import Settings

bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer <key>`.")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
CHALLENGE = {"WWW-Authenticate": "Bearer"}


def reader_key(settings: Settings) -> Callable[[HTTPAuthorizationCredentials | None], None]:
    def check(credentials: Credentials) -> None:
        if not settings.api_keys:
            return
        key = credentials.credentials if credentials else None
        if key is None:
            raise HTTPException(401, "An API key is required.", CHALLENGE)
        if not (is_reader_key(settings, key) or is_admin_key(settings, key)):
            raise HTTPException(401, "This API key is not valid.", CHALLENGE)

    return check


def admin_key(settings: Settings) -> Callable[[HTTPAuthorizationCredentials | None], None]:
    def check(credentials: Credentials) -> None:
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

    return check


def is_reader_key(settings: Settings, key: str) -> bool:
    return any(secrets.compare_digest(key.encode(), k.encode()) for k in settings.api_keys)


def is_admin_key(settings: Settings, key: str) -> bool:
    admin = settings.admin_key
    return admin is not None and secrets.compare_digest(
        key.encode(), admin.get_secret_value().encode()
    )
