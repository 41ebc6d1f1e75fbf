"""OpenAI's chat-completion shapes, as the `openai` SDK and OpenAI-style clients expect them."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_serializer

from assistant.types import Message
from assistant.web import examples
from assistant.web.answer_schemas import GenerationOut
from assistant.web.openai_parameters import MODEL, OpenAIParameters
from assistant.web.schemas import (
    AS_OF_DESCRIPTION,
    GENERATION_DESCRIPTION,
    MAX_MESSAGES,
    CitationOut,
    FiltersIn,
    IsoDate,
    RequestBody,
)
from assistant.web.truncation import word_count

INSTRUCTION_ROLES = ("system", "developer")  # a language model's instructions, not questions
NOT_BLANK = {"type": "string", "pattern": r"\S"}
# What the schema says the server needs: a user message with text in it.
USER_ASKS_IN_TEXT = {
    "contains": {
        "properties": {
            "role": {"const": "user"},
            "content": {
                "anyOf": [
                    NOT_BLANK,
                    {
                        "type": "array",
                        "contains": {
                            "properties": {"type": {"const": "text"}, "text": NOT_BLANK},
                            "required": ["type", "text"],
                        },
                    },
                ]
            },
        },
        "required": ["role", "content"],
    }
}


class ContentPart(RequestBody):
    model_config = ConfigDict(extra="allow")

    type: str
    text: str | None = None


class ChatMessageIn(RequestBody):
    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "\n".join(p.text for p in self.content if p.type == "text" and p.text)
        return self.content or ""


class ChatCompletionRequest(OpenAIParameters):
    model_config = ConfigDict(
        extra="forbid",  # an argument OpenAI does not have is refused, as OpenAI does
        json_schema_extra={"examples": [examples.COMPLETION_REQUEST]},
    )

    model: Literal["policy-assistant"] = Field(
        default=MODEL, description="The one model this server offers (GET /v1/models)."
    )
    messages: list[ChatMessageIn] = Field(
        min_length=1, max_length=MAX_MESSAGES, json_schema_extra=USER_ASKS_IN_TEXT
    )
    stream: StrictBool = False
    filters: FiltersIn | None = Field(
        default=None, description="Policy Assistant's filters (`extra_body` in the openai SDK)."
    )
    as_of: IsoDate | None = Field(
        default=None, description=AS_OF_DESCRIPTION + " (`extra_body` in the openai SDK)"
    )

    def conversation(self) -> list[Message]:
        """The turns with text: a message of images or tool calls alone has nothing to ask."""
        return [
            Message(m.role, m.text())
            for m in self.messages
            if m.role in ("user", "assistant") and m.text().strip()
        ]

    def instruction_roles(self) -> list[str]:
        """The roles of the instructions given (system, developer)."""
        return [role for role in INSTRUCTION_ROLES if any(m.role == role for m in self.messages)]

    def instructions(self) -> list[Message]:
        """The instructions with text, in the order given, as the service takes them: as
        system messages (a developer message is OpenAI's newer name for one)."""
        return [
            Message("system", m.text())
            for m in self.messages
            if m.role in INSTRUCTION_ROLES and m.text().strip()
        ]


class AssistantMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


FinishReason = Literal["stop", "length"]  # length: cut to max_tokens


class Choice(BaseModel):
    index: int = 0
    message: AssistantMessage
    finish_reason: FinishReason = "stop"
    logprobs: None = None


class Usage(BaseModel):
    """Counted in words, not model tokens: no tokenizer is involved."""

    prompt_tokens: int
    completion_tokens: int
    total_tokens: int

    @classmethod
    def of(cls, messages: list[Message], content: str) -> Usage:
        prompt = sum(word_count(m.content) for m in messages)
        completion = word_count(content)
        return cls(
            prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion
        )


class ChatCompletion(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.COMPLETION]})

    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: Usage
    citations: list[CitationOut] = Field(description="[n] in the content is citations[n-1].")
    answered: bool = Field(description="False when the documents do not say.")
    closest: bool = Field(False, description="True when [1] is only the nearest passage.")
    generation: GenerationOut | None = Field(default=None, description=GENERATION_DESCRIPTION)


class ModelOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.MODEL]})

    id: str
    object: Literal["model"] = "model"
    created: int = 0
    owned_by: str = MODEL


class ModelList(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.MODELS]})

    object: Literal["list"] = "list"
    data: list[ModelOut]


class Delta(BaseModel):
    role: Literal["assistant"] | None = None
    content: str | None = None


class ChunkChoice(BaseModel):
    index: int = 0
    delta: Delta
    finish_reason: FinishReason | None = None
    logprobs: None = None

    @field_serializer("delta")
    def _only_what_changed(self, delta: Delta) -> dict[str, Any]:
        return delta.model_dump(exclude_none=True)


class ChatCompletionChunk(BaseModel):
    """One streamed piece; the last carries the citations, as the non-streamed reply does."""

    id: str
    object: Literal["chat.completion.chunk"] = "chat.completion.chunk"
    created: int
    model: str
    choices: list[ChunkChoice]
    citations: list[CitationOut] | None = None
    answered: bool | None = None
    closest: bool | None = None
    generation: GenerationOut | None = Field(
        default=None, description="In the last chunk with a language model configured."
    )
    usage: Usage | None = Field(
        default=None, description="In a last chunk without choices, with `include_usage`."
    )
