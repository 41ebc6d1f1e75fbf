"""The HTTP API's request and response bodies: what the OpenAPI schema documents."""

from __future__ import annotations

import re
from dataclasses import asdict, replace
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    field_validator,
)

from assistant.service import IndexInfo
from assistant.types import Answer, Filters, Labels, Message
from assistant.web import examples
from assistant.web.access import Caller
from assistant.web.answer_schemas import CitationOut, ComparedOut, GenerationOut

MAX_MESSAGES = 50
EXAMPLE_QUESTION = "Vem antar den internationella policyn?"


class ErrorOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.ERROR]})

    detail: str = Field(description="What was wrong, in words a developer can act on.")


class RequestBody(BaseModel):
    """A request body whose every text is Unicode text. A lone surrogate (`"\\ud800"` is valid
    JSON) is refused here with 422 instead of failing deep inside as 500."""

    @field_validator("*", mode="after")
    @classmethod
    def _unicode_text(cls, value: object) -> object:
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str):
                try:
                    text.encode("utf-8")
                except UnicodeEncodeError as error:
                    raise ValueError("not a valid unicode string (a lone surrogate)") from error
        return value


def _iso_date_text(value: object) -> object:
    """A day as the schema says, 'YYYY-MM-DD' (a number, which pydantic would read as seconds
    since 1970, is no day)."""
    if (isinstance(value, str) and ISO_DAY.match(value)) or isinstance(value, date):
        return value
    raise ValueError("a day is written YYYY-MM-DD")


ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
IsoDate = Annotated[date, BeforeValidator(_iso_date_text)]
USER_ASKS = {"contains": {"properties": {"role": {"const": "user"}}, "required": ["role"]}}


class MessageIn(RequestBody):
    role: Literal["user", "assistant"]
    content: str = Field(max_length=20_000, pattern=r"\S", description="Not blank.")


class FiltersIn(RequestBody):
    model_config = ConfigDict(extra="forbid")

    organisation: str | None = Field(
        default=None, description="Only this organisation's documents, e.g. 'Landstinget Dalarna'."
    )
    document: str | None = Field(default=None, description="Only this document (its id).")

    def to_filters(self, labels: Labels | None) -> Filters:
        return Filters(organisation=self.organisation, doc_id=self.document, labels=labels)


GENERATION_DESCRIPTION = (
    "With a language model configured: the generated sentences shown (each checked against "
    "what it cites), how many were held back, and whether the quoted answer was given instead. "
    "None without one, and for an answer the model took no part in (a decline)."
)
AS_OF_DESCRIPTION = (
    "Answer from each document's version in force on this day (YYYY-MM-DD); "
    "default: today. Superseded and upcoming versions are searched this way."
)


def filters_for(filters: FiltersIn | None, caller: Caller, as_of: date | None = None) -> Filters:
    """The request's filters within what the caller may read, on the day it asks about."""
    chosen = filters.to_filters(caller.labels) if filters else Filters(labels=caller.labels)
    return replace(chosen, as_of=as_of)


class ChatRequest(RequestBody):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.CHAT_REQUEST]})

    messages: list[MessageIn] = Field(
        min_length=1,
        max_length=MAX_MESSAGES,
        description="The conversation so far; the last user message is the question.",
        json_schema_extra=USER_ASKS,
    )
    filters: FiltersIn | None = None
    as_of: IsoDate | None = Field(default=None, description=AS_OF_DESCRIPTION)
    stream: StrictBool = Field(
        default=False,
        description=(
            "Stream server-sent events: `delta` (text pieces), `citations`, then `done` "
            "(the whole answer). `Accept: text/event-stream` does the same."
        ),
    )

    def to_messages(self) -> list[Message]:
        return [Message(m.role, m.content) for m in self.messages]


class ChatResponse(BaseModel):
    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"examples": [examples.CHAT_RESPONSE]}
    )

    answer: str = Field(
        description="The answer; [n] refers to citations[n-1].",
        validation_alias=AliasChoices("answer", "text"),
    )
    answered: bool = Field(
        description="False when the documents do not say: the citations are then 'see also'."
    )
    closest: bool = Field(
        False, description="True when no passage answers outright and [1] is the nearest one."
    )
    citations: list[CitationOut]
    generation: GenerationOut | None = Field(default=None, description=GENERATION_DESCRIPTION)
    compared: ComparedOut | None = Field(
        default=None,
        description="An answer to what changed in a document: the two versions it compares, "
        "with the API route that lists every change between them. None for other answers.",
    )

    @classmethod
    def of(cls, answer: Answer) -> ChatResponse:
        return cls.model_validate(answer)


class SearchRequest(RequestBody):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.SEARCH_REQUEST]})

    query: str = Field(min_length=1, max_length=2000)
    k: int = Field(default=5, ge=1, le=50)
    filters: FiltersIn | None = None
    as_of: IsoDate | None = Field(default=None, description=AS_OF_DESCRIPTION)


class SearchResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.SEARCH_RESPONSE]})

    passages: list[CitationOut]


class InfoOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.INFO]})

    embedder: str
    documents: int
    chunks: int
    corpus_version: str = Field(description="Changes whenever a document changes.")
    last_ingested: str | None
    store: Literal["embedded", "server"] = Field(description="Vectors: data directory or server.")
    database: str = Field(description="Catalogue and shared state: 'sqlite' or 'postgresql'.")

    @classmethod
    def of(cls, info: IndexInfo, server: bool, database: str) -> InfoOut:
        return cls(**asdict(info), store="server" if server else "embedded", database=database)


class HealthOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.HEALTH]})

    status: Literal["ready", "loading", "failed"]
    detail: str | None = None
    worker: int = Field(description="The answering server process (one of `serve --workers`).")
    generation: int | None = Field(
        default=None, description="The catalogue generation this process last searched."
    )
    generator: dict[str, int] | None = Field(
        default=None,
        description="With a language model configured, counts since start: answers, sentences "
        "shown and held back, fallbacks to the quoted answer, model server errors.",
    )


class IngestOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.INGEST]})

    added: list[str]
    updated: list[str]
    unchanged: list[str]
    deleted: list[str]
    failed: list[dict[str, str]] = Field(description="{file, reason} per file not ingested.")
    chunks: int
    embedded: int = Field(description="Paragraphs newly embedded (the rest were cached).")
    seconds: float


class FeedbackIn(RequestBody):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.FEEDBACK_IN]})

    question: str = Field(min_length=1, max_length=20_000)
    answer: str = Field(max_length=50_000)
    rating: Literal["up", "down"] | None = None
    comment: str = Field(default="", max_length=5_000)
    citations: list[str] = Field(default_factory=list, max_length=50)


class FeedbackOut(FeedbackIn):
    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"examples": [examples.FEEDBACK_OUT]}
    )

    id: int
    created_at: str
    source: str


class AuditOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: str
    actor: str = Field(
        description="The key's name (never the key), the user, cli:<account>, or the client's "
        "address for a refused key."
    )
    action: Literal["ingest", "delete", "read feedback", "sign in", "key refused"]
    target: str
    result: str


class AuditListOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.AUDIT]})

    audit: list[AuditOut]


class DeletedOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.DELETED]})

    deleted: str = Field(description="The document taken out of the index.")


class FeedbackListOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.FEEDBACK_LIST]})

    feedback: list[FeedbackOut]


def no_switch(value: Any) -> Any:
    """A number, as the schema says: true, false and "60" are no numbers."""
    if isinstance(value, bool):
        raise ValueError("a number, not true or false")
    if isinstance(value, str):
        raise ValueError("a number, not text")
    return value


# A whole number as JSON Schema has it: 60 or 60.0, never true, false or "60".
WholeNumber = Annotated[int, BeforeValidator(no_switch)]


class WidgetTokenRequest(RequestBody):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.WIDGET_TOKEN_REQUEST]})

    expires_in: WholeNumber = Field(
        default=60, ge=1, le=600, description="Seconds the token may be exchanged within."
    )


class WidgetTokenOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.WIDGET_TOKEN]})

    token: str = Field(
        description="A single-use sign-in token for the embedding page's script tag "
        "(`data-token`); it signs the browser in as this key's user."
    )
    expires_in: int = Field(description="Seconds until the token expires.")
