"""What a route may ask FastAPI for: the runtime, and the assistant once it has loaded."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from assistant.service import Assistant
from assistant.types import Language
from assistant.web.runtime import Runtime


def get_runtime(request: Request) -> Runtime:
    return request.app.state.runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_assistant(runtime: RuntimeDep) -> Assistant:
    """The loaded assistant; while it loads, `NotReadyError` becomes 503 with Retry-After."""
    return runtime.assistant


AssistantDep = Annotated[Assistant, Depends(get_assistant)]


def asked_in(request: Request) -> Language:
    """The caller's language (`Accept-Language`), for a question whose words do not tell."""
    first = request.headers.get("accept-language", "").split(",")[0].strip().lower()
    return "en" if first.startswith("en") else "sv"


AskedIn = Annotated[Language, Depends(asked_in)]
