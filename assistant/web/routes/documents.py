"""What the index holds: documents, their versions and paragraphs, and what built it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from assistant.web.dependencies import AssistantDep, RuntimeDep
from assistant.web.document_schemas import (
    ChangesOut,
    DocumentDetailOut,
    DocumentOut,
    DocumentsOut,
    ParagraphChangeOut,
    SectionOut,
    VersionOut,
    VersionTextOut,
)
from assistant.web.schemas import ErrorOut, InfoOut, IsoDate
from assistant.web.security import READ_ERRORS, CallerDep, reader

router = APIRouter(prefix="/v1", tags=["documents"], dependencies=[reader], responses=READ_ERRORS)


@router.get("/documents", response_model=DocumentsOut)
def documents(
    assistant: AssistantDep, caller: CallerDep, include_withdrawn: bool = False
) -> DocumentsOut:
    """Documents with their versions: effective date, status and paragraph count of each."""
    records = assistant.documents(include_withdrawn, caller.labels)
    return DocumentsOut(documents=[DocumentOut.of(r) for r in records])


@router.get(
    "/documents/{doc_id}",
    response_model=DocumentDetailOut,
    responses={404: {"model": ErrorOut, "description": "No such document."}},
)
def document(doc_id: str, assistant: AssistantDep, caller: CallerDep) -> DocumentDetailOut:
    """A document's versions and the sections of the version in force, verbatim."""
    view = assistant.document(doc_id, caller.labels)
    if view is None:
        raise HTTPException(404, f"No document with id {doc_id!r}.")
    return DocumentDetailOut.of_view(view)


@router.get(
    "/documents/{doc_id}/versions/{day}",
    response_model=VersionTextOut,
    responses={404: {"model": ErrorOut, "description": "No such document, or none in force."}},
)
def version_on(
    doc_id: str, day: IsoDate, assistant: AssistantDep, caller: CallerDep
) -> VersionTextOut:
    """The version in force on a day (YYYY-MM-DD), its sections verbatim."""
    found = assistant.history.version_on(doc_id, day, caller.labels)
    if found is None:
        raise HTTPException(404, f"No version of {doc_id!r} was in force on {day}.")
    return VersionTextOut(
        document=doc_id,
        title=found.version.title,
        version=VersionOut.of(found.version, found.record),
        sections=SectionOut.grouped(found.paragraphs),
    )


@router.get(
    "/documents/{doc_id}/changes",
    response_model=ChangesOut,
    responses={404: {"model": ErrorOut, "description": "No such document, or no version."}},
)
def changes(
    doc_id: str,
    assistant: AssistantDep,
    caller: CallerDep,
    start: Annotated[
        IsoDate | None, Query(alias="from", description="Default: the version before.")
    ] = None,
    end: Annotated[IsoDate | None, Query(alias="to", description="Default: today.")] = None,
) -> ChangesOut:
    """Paragraphs added, removed and changed between the versions in force on two days."""
    found = assistant.history.changes(doc_id, caller.labels, start, end)
    if found is None:
        raise HTTPException(404, f"No version of {doc_id!r} to compare.")
    record = found.record
    return ChangesOut(
        document=doc_id,
        title=record.title,
        old=VersionOut.of(found.old, record) if found.old else None,
        new=VersionOut.of(found.new, record),
        changes=[ParagraphChangeOut.model_validate(c) for c in found.paragraphs],
    )


@router.get("/info", response_model=InfoOut, tags=["service"])
def info(assistant: AssistantDep, runtime: RuntimeDep, caller: CallerDep) -> InfoOut:
    """The embedder, how many documents and paragraphs are indexed, the corpus version, and
    where the vectors and the shared state live."""
    server = runtime.settings.chroma_url is not None
    database = assistant.catalog.db.engine.dialect.name
    return InfoOut.of(assistant.info(caller.labels), server=server, database=database)
