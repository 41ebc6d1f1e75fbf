"""An OpenAI-compatible chat endpoint, so existing clients work by changing the base URL.

The `openai` SDK, LangChain's `ChatOpenAI` and OpenAI-style chat front ends send the usual
request; the answer comes back as the assistant message, with [n] markers and a list of sources
in its content, and the structured citations in a `citations` field beside `choices`. System
and developer messages are the caller's instruction to a site's language model (below the
product's own rules; every sentence is still checked); without one they are not followed, and
the `X-Ignored-Roles` header says so. Which parameters count is in `openai_parameters`; errors
come in OpenAI's shape (`openai_errors`).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from fastapi import APIRouter, Response
from fastapi.responses import StreamingResponse

from assistant.types import Answer, Message
from assistant.web.dependencies import AskedIn, AssistantDep
from assistant.web.openai_errors import OPENAI_ERRORS, OpenAIError
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
from assistant.web.schemas import ChatResponse, filters_for
from assistant.web.security import CallerDep, reader
from assistant.web.streaming import SSE_EVENT, data_line, started
from assistant.web.truncation import cut_to_words

router = APIRouter(
    prefix="/v1", tags=["openai-compatible"], dependencies=[reader], responses=OPENAI_ERRORS
)
IGNORED_ROLES_HEADER = "X-Ignored-Roles"
COMPLETIONS_DESCRIPTION = """OpenAI's chat completions, answered from the documents.

- `model`: `policy-assistant`, the one model (GET /v1/models); any other is a 404
  `model_not_found`.
- `max_tokens` / `max_completion_tokens` are honoured, counted in words as `usage` counts
  them: the content is cut after the last whole sentence or line that fits, and
  `finish_reason` is `length`. Streamed, a cut answer arrives as one piece.
- `stream_options.include_usage` adds a last chunk with the usage.
- `temperature`, `top_p`, `presence_penalty`, `frequency_penalty`, `seed`, `user`, `store`,
  `metadata` are accepted and change nothing: the answer is quoted (or written by a site's
  language model at its own fixed settings), not sampled.
- `n` other than 1, `tools`, `functions`, `logprobs`, a `response_format` other than text,
  `stop`, `logit_bias`, audio and the like are refused with 400 naming the parameter, as is
  any argument OpenAI does not have.
- `system` and `developer` messages: where the site has configured a language model, their
  text is given to it as the caller's instruction (tone, length, form), below the product's
  own rules, which it never replaces; every sentence written is still checked against the
  passage it cites, and the quoted answer is given when none holds. Without a language model
  they are accepted and not followed (answers are quoted), and the response's
  `X-Ignored-Roles` header names them. Longer than a question may be, they are refused (422).
- With a language model, the content holds only the sentences that passed the check (or the
  quoted answer), then the sources; `generation` lists those sentences, counts the ones held
  back and says whether the quoted answer was given instead.
- Errors come in OpenAI's shape: `{"error": {"message", "type", "param", "code"}}`.
- Policy Assistant's own `filters` and `as_of` go in the body (`extra_body` in the SDK).
"""
IGNORED_ROLES = {
    "description": "The roles of messages given and not followed (`system`, `developer`), "
    "when no language model is configured to follow them.",
    "schema": {"type": "string"},
}


@router.get("/models", response_model=ModelList)
def models() -> ModelList:
    """The one model this server offers, for clients that list models before asking."""
    return ModelList(data=[ModelOut(id=MODEL)])


@router.get("/models/{model}", response_model=ModelOut)
def retrieve_model(model: str) -> ModelOut:
    """The model, by its id (`client.models.retrieve`); any other id is a 404."""
    if model != MODEL:
        raise OpenAIError(
            404, f"The model `{model}` does not exist.", param="model", code="model_not_found"
        )
    return ModelOut(id=MODEL)


@router.post(
    "/chat/completions",
    response_model=ChatCompletion,
    responses={
        200: {
            "description": "A chat completion, or with `stream` its chunks as server-sent "
            "events ending in `data: [DONE]`.",
            "content": {"text/event-stream": {"schema": SSE_EVENT}},
            "headers": {IGNORED_ROLES_HEADER: IGNORED_ROLES},
        },
    },
    description=COMPLETIONS_DESCRIPTION,
)
def chat_completions(
    body: ChatCompletionRequest,
    assistant: AssistantDep,
    caller: CallerDep,
    response: Response,
    language: AskedIn,
) -> Any:
    messages = body.conversation()
    filters = filters_for(body.filters, caller, body.as_of)
    head = ChatCompletionChunk(
        id=f"chatcmpl-{uuid.uuid4().hex}", created=int(time.time()), model=body.model, choices=[]
    )
    # A site's language model takes the caller's instructions; quotes follow none.
    follows = assistant.answerer.follows_instructions
    asked = [*body.instructions(), *messages] if follows else messages
    ignored = [] if follows else body.instruction_roles()
    headers = {IGNORED_ROLES_HEADER: ", ".join(ignored)} if ignored else {}
    if body.stream:
        pieces = started(assistant.stream(asked, filters, language))
        stream = _chunks(pieces, head, body.token_limit(), messages, body.usage_requested())
        return StreamingResponse(stream, media_type="text/event-stream", headers=headers)
    response.headers.update(headers)
    answer = assistant.ask(asked, filters, language)
    content, cut = cut_to_words(answer.text + answer.sources_list(), body.token_limit())
    return ChatCompletion(
        id=head.id,
        created=head.created,
        model=head.model,
        choices=[
            Choice(
                message=AssistantMessage(content=content),
                finish_reason="length" if cut else "stop",
            )
        ],
        usage=Usage.of(messages, content),
        citations=ChatResponse.of(answer).citations,
        answered=answer.answered,
        closest=answer.closest,
        generation=ChatResponse.of(answer).generation,
    )


def _chunks(
    items: Iterable[str | Answer],
    head: ChatCompletionChunk,
    limit: int | None,
    messages: list[Message],
    with_usage: bool,
) -> Iterator[str]:
    """The answer's pieces as they come, then its sources and the citations; with a limit,
    the answer cut to it in one piece (where it is cut is known only at the end)."""

    def chunk(delta: Delta, finish: bool = False, answer: Answer | None = None) -> str:
        reason = ("length" if cut else "stop") if finish else None
        choice = ChunkChoice(delta=delta, finish_reason=reason)
        piece = head.model_copy(update={"choices": [choice]})
        if answer is not None:
            response = ChatResponse.of(answer)
            piece = piece.model_copy(
                update={
                    "citations": response.citations,
                    "answered": response.answered,
                    "closest": response.closest,
                    "generation": response.generation,
                }
            )
        body = {k: v for k, v in piece.model_dump().items() if v is not None}
        return data_line(json.dumps(body, ensure_ascii=False))

    cut = False
    yield chunk(Delta(role="assistant", content=""))
    for item in items:
        if isinstance(item, Answer):
            content, cut = cut_to_words(item.text + item.sources_list(), limit)
            rest = item.sources_list() if limit is None else content  # or all of it, cut
            yield chunk(Delta(content=rest))
            yield chunk(Delta(), finish=True, answer=item)
            if with_usage:
                usage = head.model_copy(update={"usage": Usage.of(messages, content)})
                yield data_line(usage.model_dump_json(exclude_none=True))
        elif limit is None:
            yield chunk(Delta(content=item))
    yield data_line("[DONE]")
