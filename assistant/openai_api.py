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
from itertools import chain
from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from assistant.analysis import is_english
from assistant.answering import Message
from assistant.api_models import (
    EXAMPLE_QUESTION,
    MAX_MESSAGES,
    ChatResponse,
    CitationOut,
    FiltersIn,
)
from assistant.runtime import Runtime
from assistant.service import Answer

MODEL = "policy-assistant"


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str
    text: str | None = None


class ChatMessageIn(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "\n".join(p.text for p in self.content if p.type == "text" and p.text)
        return self.content or ""


class ChatCompletionRequest(BaseModel):
    model_config = ConfigDict(
        extra="allow",  # temperature, max_tokens and the like change nothing here
        json_schema_extra={
            "examples": [
                {
                    "model": MODEL,
                    "messages": [{"role": "user", "content": EXAMPLE_QUESTION}],
                }
            ]
        },
    )

    model: str = MODEL
    messages: list[ChatMessageIn] = Field(min_length=1, max_length=MAX_MESSAGES)
    stream: bool = False
    filters: FiltersIn | None = Field(
        default=None, description="Policy Assistant's filters (`extra_body` in the openai SDK)."
    )

    def conversation(self) -> list[Message]:
        return [Message(m.role, m.text()) for m in self.messages if m.role in ("user", "assistant")]


class AssistantMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class Choice(BaseModel):
    index: int = 0
    message: AssistantMessage
    finish_reason: Literal["stop"] = "stop"
    logprobs: None = None


class Usage(BaseModel):
    """Counted in words, not model tokens: no tokenizer is involved."""

    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: Usage
    citations: list[CitationOut] = Field(description="[n] in the content is citations[n-1].")
    answered: bool = Field(description="False when the documents do not say.")


class ModelOut(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int = 0
    owned_by: str = MODEL


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelOut]


def openai_router(runtime: Runtime) -> APIRouter:
    router = APIRouter(prefix="/v1", tags=["openai-compatible"])

    @router.get("/models", response_model=ModelList)
    def models() -> ModelList:
        return ModelList(data=[ModelOut(id=MODEL)])

    @router.post(
        "/chat/completions",
        response_model=ChatCompletion,
        responses={
            200: {
                "description": "A chat completion, or with `stream` its chunks as server-sent "
                "events ending in `data: [DONE]`.",
                "content": {"text/event-stream": {"schema": {"type": "string"}}},
            },
            422: {"description": "No user message, a question over the length limit, bad JSON."},
        },
    )
    def chat_completions(body: ChatCompletionRequest) -> Any:
        """OpenAI's chat completions, answered from the documents."""
        messages = body.conversation()
        filters = body.filters.to_filters() if body.filters else None
        question = next((m.content for m in reversed(messages) if m.role == "user"), "")
        english = is_english(question)
        completion_id = f"chatcmpl-{uuid.uuid4().hex}"
        created = int(time.time())
        if body.stream:
            pieces = runtime.assistant.stream(messages, filters)
            first = next(pieces)  # a bad question fails here, before the stream starts
            chunks = _chunks(chain([first], pieces), completion_id, created, body.model, english)
            return StreamingResponse(chunks, media_type="text/event-stream")
        answer = runtime.assistant.ask(messages, filters)
        content = answer.text + sources_list(answer, english)
        prompt_words = sum(len(m.content.split()) for m in messages)
        completion_words = len(content.split())
        return ChatCompletion(
            id=completion_id,
            created=created,
            model=body.model,
            choices=[Choice(message=AssistantMessage(content=content))],
            usage=Usage(
                prompt_tokens=prompt_words,
                completion_tokens=completion_words,
                total_tokens=prompt_words + completion_words,
            ),
            citations=ChatResponse.of(answer).citations,
            answered=answer.answered,
        )

    return router


def sources_list(answer: Answer, english: bool) -> str:
    """The numbered sources under the answer, for clients that show only the content."""
    if not answer.citations:
        return ""
    if answer.answered:
        heading = "Sources" if english else "Källor"
    else:
        heading = "See also" if english else "Se även"
    lines = [f"[{n}] {c.reference}" for n, c in enumerate(answer.citations, start=1)]
    return f"\n\n{heading}:\n" + "\n".join(lines)


def _chunks(
    items: Iterable[str | Answer], completion_id: str, created: int, model: str, english: bool
) -> Iterator[str]:
    def chunk(delta: dict[str, str], finish: str | None = None, **extra: object) -> str:
        body = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
            **extra,
        }
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    for item in items:
        if isinstance(item, Answer):
            yield chunk({"content": sources_list(item, english)})
            response = ChatResponse.of(item)
            yield chunk(
                {},
                "stop",
                citations=[c.model_dump() for c in response.citations],
                answered=response.answered,
            )
        else:
            yield chunk({"content": item})
    yield "data: [DONE]\n\n"
