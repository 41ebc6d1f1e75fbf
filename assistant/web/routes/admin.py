"""Maintainers' changes over HTTP: ingest files (uploads or server paths) and delete documents.

One ingest or delete at a time in a server process (the runtime's lock); one writer per document
across processes and hosts (the catalogue's lock, taken by the indexer), so two runs over one
document never race on its versions. Uploads go through the same incremental ingest as the CLI.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BeforeValidator

from assistant.settings import Settings
from assistant.storage.audit import AuditRecord
from assistant.storage.consistency import DataDirError
from assistant.storage.locks import LockTimeoutError
from assistant.web.dependencies import RuntimeDep
from assistant.web.schemas import AuditListOut, AuditOut, DeletedOut, ErrorOut, IngestOut
from assistant.web.security import ADMIN_ERRORS, AdminDep, admin

router = APIRouter(prefix="/v1", tags=["admin"], dependencies=[admin], responses=ADMIN_ERRORS)

Uploads = Annotated[list[UploadFile], File(description="Policy files to ingest.")]
ServerPaths = Annotated[
    list[str],
    Form(
        description="Server-side files or folders under the ingest roots.",
        examples=[["/srv/policies/ny-policy.md"]],
    ),
]
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def _form_boolean(value: object) -> object:
    """`true` or `false`, as the schema's boolean is written in a form (not 0, 1, yes)."""
    if isinstance(value, bool) or value in ("true", "false"):
        return value
    raise ValueError("a boolean is written true or false")


Prune = Annotated[
    bool,
    BeforeValidator(_form_boolean),
    Form(description="Remove documents whose files under `paths` are gone."),
]


@router.delete(
    "/documents/{doc_id}",
    response_model=DeletedOut,
    responses={
        404: {"model": ErrorOut, "description": "Not indexed."},
        409: {
            "model": ErrorOut,
            "description": "Being ingested elsewhere past the wait, or an index that needs "
            "its maintainer (the message says how to repair it).",
        },
    },
)
def delete_document(doc_id: str, runtime: RuntimeDep, actor: AdminDep) -> DeletedOut:
    """Take a document out of the index; its version history is kept."""
    try:
        with runtime.writing() as indexer:
            deleted = indexer.delete(doc_id)
            runtime.assistant.refresh()
    except LockTimeoutError as error:
        raise HTTPException(409, f"{doc_id!r} is being ingested; try again.") from error
    except DataDirError as error:  # the index needs its maintainer: nothing was written
        raise HTTPException(409, str(error)) from error
    runtime.audit.add(
        AuditRecord(actor.name, "delete", doc_id, "deleted" if deleted else "not indexed")
    )
    if not deleted:
        raise HTTPException(404, f"No live document with id {doc_id!r}.")
    return DeletedOut(deleted=doc_id)


@router.get("/audit", response_model=AuditListOut)
def audit(runtime: RuntimeDep, limit: int = 100) -> AuditListOut:
    """The admin actions (ingest, delete, reading feedback), newest first: who, when, what,
    and what came of it."""
    records = runtime.audit.list(limit=max(1, min(limit, 1000)))
    return AuditListOut(audit=[AuditOut.model_validate(r) for r in records])


@router.post(
    "/ingest",
    response_model=IngestOut,
    responses={
        422: {
            "model": IngestOut | ErrorOut,
            "description": "Some files were not ingested (see `failed`); the index keeps "
            "their previous versions. Or (`detail`): a file name with nothing usable in it, "
            "a field not as the schema says.",
        },
        403: {"model": ErrorOut, "description": "Not the admin key, or a path outside the roots."},
        404: {"model": ErrorOut, "description": "A path that does not exist on the server."},
        409: {
            "model": ErrorOut,
            "description": "Another ingest kept the index past the wait, or an index that "
            "needs its maintainer (the message says how to repair it).",
        },
    },
)
def ingest(
    runtime: RuntimeDep,
    actor: AdminDep,
    files: Uploads = [],  # noqa: B006
    paths: ServerPaths = [],  # noqa: B006
    prune: Prune = False,
) -> JSONResponse:
    """Ingest uploaded files and server-side paths, with the CLI's incremental rules."""
    asked = ", ".join([*(repr(f.filename) for f in files), *map(repr, paths)])
    try:
        targets = [_allowed_path(runtime.settings, p) for p in paths]
        for upload in files:
            _upload_name(upload.filename)
    except HTTPException as refused:
        runtime.audit.add(AuditRecord(actor.name, "ingest", asked, f"refused: {refused.detail}"))
        raise
    try:
        with runtime.writing() as indexer:
            uploaded = _save_uploads(runtime.settings.uploads_dir, files)
            try:
                report = indexer.ingest([*uploaded.values(), *targets], prune=prune)
            finally:  # the catalogue keeps each version's text; the upload itself is not needed
                for path in uploaded.values():
                    shutil.rmtree(path.parent, ignore_errors=True)
            runtime.assistant.refresh()
    except (LockTimeoutError, DataDirError) as error:
        refused = (
            str(error)
            if isinstance(error, DataDirError)  # the index needs its maintainer: nothing written
            else "Another ingest is writing the index; try again when it has finished."
        )
        runtime.audit.add(AuditRecord(actor.name, "ingest", asked, f"refused: {refused}"))
        raise HTTPException(409, refused) from error
    names = {str(path): name for name, path in uploaded.items()}
    target = ", ".join([*uploaded, *paths])
    runtime.audit.add(AuditRecord(actor.name, "ingest", target, report.summary()))
    body = IngestOut(
        added=report.added,
        updated=report.updated,
        unchanged=report.unchanged,
        deleted=report.deleted,
        failed=[{"file": names.get(f, f), "reason": r} for f, r in report.failed],
        chunks=report.chunks,
        embedded=report.embedded,
        seconds=round(report.seconds, 3),
    )
    return JSONResponse(body.model_dump(), status_code=422 if report.failed else 200)


def _allowed_path(settings: Settings, raw: str) -> Path:
    path = Path(raw).resolve()
    roots = [Path(r).resolve() for r in settings.ingest_roots]
    if not any(path.is_relative_to(root) for root in roots):
        allowed = ", ".join(map(str, roots)) or "none configured"
        raise HTTPException(403, f"{raw!r} is outside the ingest roots ({allowed}).")
    if not path.exists():
        raise HTTPException(404, f"{raw!r} does not exist on the server.")
    return path


def _save_uploads(folder: Path, files: list[UploadFile]) -> dict[str, Path]:
    """Each upload under data/uploads/<time>-<process>-<run>/ while it is ingested, under its
    own name less any control character; a name that leaves nothing usable is refused first."""
    names = [_upload_name(upload.filename) for upload in files]
    run = folder / f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    saved: dict[str, Path] = {}
    try:
        for name, upload in zip(names, files, strict=True):
            run.mkdir(parents=True, exist_ok=True)
            target = run / name
            with target.open("wb") as out:
                while chunk := upload.file.read(1 << 20):
                    out.write(chunk)
            saved[name] = target
    except BaseException:
        shutil.rmtree(run, ignore_errors=True)
        raise
    return saved


def _upload_name(raw: str | None) -> str:
    name = Path(CONTROL_CHARACTERS.sub("", raw or "")).name
    if not name or name.startswith(".") or len(name.encode("utf-8", "replace")) > 200:
        raise HTTPException(422, f"Upload has no usable file name: {raw!r}.")
    return name


def remove_abandoned_uploads(folder: Path) -> list[Path]:
    """At start: uploads left by an ingest whose process is gone (a crash, a kill). They may
    be restricted documents, and the catalogue keeps what was ingested of them anyway."""
    removed = []
    for run in folder.glob("*") if folder.is_dir() else []:
        owner = run.name.split("-")[1] if run.name.count("-") >= 2 else ""
        if not (owner.isdigit() and _running(int(owner))):
            shutil.rmtree(run, ignore_errors=True)
            removed.append(run)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
