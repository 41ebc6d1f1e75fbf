"""Liveness for orchestrators, and the home page's redirect to the chat."""

from __future__ import annotations

import os

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse

from assistant.web.dependencies import RuntimeDep
from assistant.web.paths import public
from assistant.web.schemas import HealthOut

router = APIRouter(tags=["service"])


@router.get("/", include_in_schema=False)
def home(request: Request) -> RedirectResponse:
    return RedirectResponse(public(request.scope, "/chat/"))


@router.get(
    "/healthz",
    response_model=HealthOut,
    responses={503: {"model": HealthOut, "description": "Loading, or loading failed."}},
)
def healthz(runtime: RuntimeDep) -> JSONResponse:
    """Ready only once the model and the index are loaded; 503 until then."""
    generation = runtime.assistant.retriever.snapshots.generation if runtime.ready else None
    stats = getattr(runtime.assistant.answerer, "stats", None) if runtime.ready else None
    body = HealthOut(
        status=runtime.status,
        detail=runtime.error,
        worker=os.getpid(),
        generation=generation,
        generator=stats.as_dict() if stats is not None else None,
    )
    return JSONResponse(body.model_dump(), status_code=200 if body.status == "ready" else 503)
