"""What the index holds: documents, their versions and paragraphs, and what built it."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from assistant.web.dependencies import AssistantDep, RuntimeDep
from assistant.web.schemas import (
    DocumentDetailOut,
    DocumentOut,
    DocumentsOut,
    ErrorOut,
    InfoOut,
)
from assistant.web.security import READ_ERRORS, CallerDep, reader

router = APIRouter(prefix="/v1", tags=["documents"], dependencies=[reader], responses=READ_ERRORS)


@router.get("/documents", response_model=DocumentsOut)
def documents(
    assistant: AssistantDep, caller: CallerDep, include_deleted: bool = False
) -> DocumentsOut:
    """Documents with their versions and paragraph counts."""
    records = assistant.documents(include_deleted, caller.labels)
    return DocumentsOut(documents=[DocumentOut.of(r) for r in records])


@router.get(
    "/documents/{doc_id}",
    response_model=DocumentDetailOut,
    responses={404: {"model": ErrorOut, "description": "No such document."}},
)
def document(doc_id: str, assistant: AssistantDep, caller: CallerDep) -> DocumentDetailOut:
    """A document's versions and its live version's sections, verbatim."""
    view = assistant.document(doc_id, caller.labels)
    if view is None:
        raise HTTPException(404, f"No document with id {doc_id!r}.")
    return DocumentDetailOut.of_view(view)


@router.get("/info", response_model=InfoOut, tags=["service"])
def info(assistant: AssistantDep, runtime: RuntimeDep, caller: CallerDep) -> InfoOut:
    """The embedder, how many documents and paragraphs are indexed, and the corpus version."""
    server = runtime.settings.chroma_url is not None
    return InfoOut.of(assistant.info(caller.labels), server=server)
