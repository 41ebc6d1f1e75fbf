"""Questions: the answer with its citations (JSON or a stream), and passages alone (search)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from assistant.types import Answer
from assistant.web.dependencies import AskedIn, AssistantDep
from assistant.web.schemas import (
    ChatRequest,
    ChatResponse,
    CitationOut,
    ErrorOut,
    SearchRequest,
    SearchResponse,
    filters_for,
)
from assistant.web.security import READ_ERRORS, CallerDep, reader
from assistant.web.streaming import SSE_EVENT, event, started

router = APIRouter(prefix="/v1", tags=["chat"], dependencies=[reader], responses=READ_ERRORS)


@router.post(
    "/chat",
    response_model=ChatResponse,
    responses={
        200: {
            "description": "The answer, or with `stream` a text/event-stream of `delta`, "
            "`citations` and `done` events.",
            "content": {"text/event-stream": {"schema": SSE_EVENT}},
        },
        422: {
            "model": ErrorOut,
            "description": "No question, a question over the length limit, or bad JSON.",
        },
    },
)
def chat(
    body: ChatRequest,
    request: Request,
    assistant: AssistantDep,
    caller: CallerDep,
    language: AskedIn,
) -> Any:
    """Answer the conversation's last question from the documents, with citations."""
    messages = body.to_messages()
    filters = filters_for(body.filters, caller, body.as_of)
    if body.stream or "text/event-stream" in request.headers.get("accept", ""):
        pieces = started(assistant.stream(messages, filters, language))
        return StreamingResponse(_chat_events(pieces), media_type="text/event-stream")
    return ChatResponse.of(assistant.ask(messages, filters, language))


@router.post("/search", response_model=SearchResponse)
def search(body: SearchRequest, assistant: AssistantDep, caller: CallerDep) -> SearchResponse:
    """Passages only, best first: for intranet search boxes."""
    filters = filters_for(body.filters, caller, body.as_of)
    found = assistant.search(body.query, k=body.k, filters=filters)
    return SearchResponse(passages=[CitationOut.of(c) for c in found])


def _chat_events(items: Iterable[str | Answer]) -> Iterator[str]:
    for item in items:
        if isinstance(item, Answer):
            response = ChatResponse.of(item)
            citations = {
                "answered": response.answered,
                "closest": response.closest,
                "citations": [c.model_dump() for c in response.citations],
            }
            yield event("citations", citations)
            yield event("done", response.model_dump())
        else:
            yield event("delta", {"text": item})
