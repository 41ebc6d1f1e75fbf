"""Staff's judgement of answers: anyone who may ask may judge; only admins read it back."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter

from assistant.storage.audit import AuditRecord
from assistant.storage.feedback import Feedback
from assistant.web.dependencies import RuntimeDep
from assistant.web.schemas import FeedbackIn, FeedbackListOut, FeedbackOut
from assistant.web.security import ADMIN_ERRORS, READ_ERRORS, AdminDep, admin, reader

router = APIRouter(prefix="/v1", tags=["feedback"], dependencies=[reader], responses=READ_ERRORS)


@router.post("/feedback", response_model=FeedbackOut)
def add_feedback(body: FeedbackIn, runtime: RuntimeDep) -> FeedbackOut:
    """Staff's judgement of an answer (thumbs up/down, an optional comment)."""
    saved = runtime.feedback.add(Feedback(**body.model_dump(), source="api"))
    return FeedbackOut.model_validate(saved)


@router.get(
    "/feedback", response_model=FeedbackListOut, dependencies=[admin], responses=ADMIN_ERRORS
)
def list_feedback(
    runtime: RuntimeDep,
    actor: AdminDep,
    limit: int = 100,
    rating: Literal["up", "down"] | None = None,
) -> FeedbackListOut:
    """Feedback from the chat page and the API, newest first, for maintainers."""
    items = runtime.feedback.list(limit=max(1, min(limit, 1000)), rating=rating)
    read = f"{len(items)} records"
    runtime.audit.add(AuditRecord(actor.name, "read feedback", f"rating={rating}", read))
    return FeedbackListOut(feedback=[FeedbackOut.model_validate(f) for f in items])
