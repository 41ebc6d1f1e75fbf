"""An OpenAI-compatible chat endpoint, so existing clients work by changing the base URL.

The `openai` SDK, LangChain's `ChatOpenAI` and OpenAI-style chat front ends send the usual
request; the answer comes back as the assistant message, with [n] markers and a list of sources
in its content, and the structured citations in a `citations` field beside `choices`. System
messages are accepted and ignored: answers come from the documents, not from instructions.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from assistant.types import Answer
from assistant.web.dependencies import AssistantDep
from assistant.web.openai_schemas import (
    MODEL,
    AssistantMessage,
    ChatCompletion,
    ChatCompletionChunk,
    ChatCompletionRequest,
    Choice,
    ChunkChoice,
    Delta,
    ModelList,
    ModelOut,
    Usage,
)
from assistant.web.schemas import ChatResponse, ErrorOut, filters_for
from assistant.web.security import READ_ERRORS, CallerDep, reader
from assistant.web.streaming import SSE_EVENT, data_line, started

router = APIRouter(
    prefix="/v1", tags=["openai-compatible"], dependencies=[reader], responses=READ_ERRORS
)


@router.get("/models", response_model=ModelList)
def models() -> ModelList:
    """The one model this server offers, for clients that list models before asking."""
    return ModelList(data=[ModelOut(id=MODEL)])


@router.post(
    "/chat/completions",
    response_model=ChatCompletion,
    responses={
        200: {
            "description": "A chat completion, or with `stream` its chunks as server-sent "
            "events ending in `data: [DONE]`.",
            "content": {"text/event-stream": {"schema": SSE_EVENT}},
        },
        422: {
            "model": ErrorOut,
            "description": "No user message, a question over the length limit, bad JSON.",
        },
    },
)
def chat_completions(
    body: ChatCompletionRequest, assistant: AssistantDep, caller: CallerDep
) -> Any:
    """OpenAI's chat completions, answered from the documents."""
    messages = body.conversation()
    filters = filters_for(body.filters, caller, body.as_of)
    head = ChatCompletionChunk(
        id=f"chatcmpl-{uuid.uuid4().hex}", created=int(time.time()), model=body.model, choices=[]
    )
    if body.stream:
        pieces = started(assistant.stream(messages, filters))
        return StreamingResponse(_chunks(pieces, head), media_type="text/event-stream")
    answer = assistant.ask(messages, filters)
    content = answer.text + answer.sources_list()
    prompt_words = sum(len(m.content.split()) for m in messages)
    completion_words = len(content.split())
    return ChatCompletion(
        id=head.id,
        created=head.created,
        model=head.model,
        choices=[Choice(message=AssistantMessage(content=content))],
        usage=Usage(
            prompt_tokens=prompt_words,
            completion_tokens=completion_words,
            total_tokens=prompt_words + completion_words,
        ),
        citations=ChatResponse.of(answer).citations,
        answered=answer.answered,
        closest=answer.closest,
    )


def _chunks(items: Iterable[str | Answer], head: ChatCompletionChunk) -> Iterator[str]:
    def chunk(delta: Delta, finish: bool = False, answer: Answer | None = None) -> str:
        choice = ChunkChoice(delta=delta, finish_reason="stop" if finish else None)
        piece = head.model_copy(update={"choices": [choice]})
        if answer is not None:
            response = ChatResponse.of(answer)
            piece = piece.model_copy(
                update={
                    "citations": response.citations,
                    "answered": response.answered,
                    "closest": response.closest,
                }
            )
        body = {k: v for k, v in piece.model_dump().items() if v is not None}
        return data_line(json.dumps(body, ensure_ascii=False))

    yield chunk(Delta(role="assistant", content=""))
    for item in items:
        if isinstance(item, Answer):
            yield chunk(Delta(content=item.sources_list()))
            yield chunk(Delta(), finish=True, answer=item)
        else:
            yield chunk(Delta(content=item))
    yield data_line("[DONE]")
