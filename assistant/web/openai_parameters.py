"""Which of OpenAI's chat-completion parameters this server takes, and the refusal of the rest.

An answer here is quoted from the documents, or written by a site's own language model at its
fixed settings and checked sentence by sentence, never sampled to a caller's taste, so:

- honoured: `model` (the one model, `policy-assistant`), `messages`, `stream`,
  `stream_options.include_usage`, `max_tokens` / `max_completion_tokens`;
- accepted, changing nothing (every value gives the same answer): `temperature`, `top_p`,
  `presence_penalty`, `frequency_penalty`, `seed`, `user`, `store`, `metadata`,
  `parallel_tool_calls`;
- refused with 400 naming the parameter, unless given its neutral value: `n` other than 1,
  `tools`, `functions`, `tool_choice` / `function_call` other than none/auto, `logprobs`,
  `top_logprobs`, `response_format` other than text, `stop`, `logit_bias`, `modalities`
  other than text, `audio`, `prediction`, `web_search_options`;
- refused with 400 as OpenAI does: any argument OpenAI does not have.

The schema documents each refused parameter with its neutral value only, so it says exactly
what is accepted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    model_validator,
)
from pydantic_core import PydanticCustomError

from assistant.web.schemas import RequestBody, no_switch

MODEL = "policy-assistant"
NOT_SAMPLED = "the answer is quoted from the documents, not sampled"
NO_TOOLS = "tool calling is not supported: answers come from the documents"


Number = Annotated[float, BeforeValidator(no_switch)]


def _absent(value: Any) -> bool:
    return value is None or value == [] or value == {}


def _one_of(*neutral: Any) -> Callable[[Any], bool]:
    return lambda value: (
        value is None or any(value == n and type(value) is type(n) for n in neutral)
    )


# parameter → (whether its value is one this server can honour, why others are refused,
# the code: a value this server does not support, or a parameter it does not support at all)
UNSUPPORTED: dict[str, tuple[Callable[[Any], bool], str, str]] = {
    "n": (_one_of(1), "only n=1 is supported: one answer per question", "unsupported_value"),
    "tools": (_absent, NO_TOOLS, "unsupported_parameter"),
    "functions": (_absent, NO_TOOLS, "unsupported_parameter"),
    "tool_choice": (_one_of("none", "auto"), NO_TOOLS, "unsupported_value"),
    "function_call": (_one_of("none", "auto"), NO_TOOLS, "unsupported_value"),
    "logprobs": (_one_of(False), f"no log probabilities: {NOT_SAMPLED}", "unsupported_value"),
    "top_logprobs": (_one_of(0), f"no log probabilities: {NOT_SAMPLED}", "unsupported_value"),
    "response_format": (
        _one_of({"type": "text"}),
        'only {"type": "text"}: the answer is text with numbered citations',
        "unsupported_value",
    ),
    "stop": (
        _absent,
        "stop sequences are not supported; max_tokens shortens the answer",
        "unsupported_parameter",
    ),
    "logit_bias": (
        _absent,
        f"token biases change nothing: {NOT_SAMPLED}",
        "unsupported_parameter",
    ),
    "modalities": (_one_of(["text"]), "only text output", "unsupported_value"),
    "audio": (_absent, "only text output", "unsupported_parameter"),
    "prediction": (_absent, "predicted outputs are not supported", "unsupported_parameter"),
    "web_search_options": (
        _absent,
        "no web search: answers come from the documents",
        "unsupported_parameter",
    ),
}


def refuse_unsupported(data: Any) -> Any:
    """Before the body is validated: an unknown model or a parameter this server cannot
    honour, each refused as OpenAI refuses it."""
    if not isinstance(data, dict):
        return data
    model = data.get("model", MODEL)
    if model != MODEL:
        raise PydanticCustomError(
            "model_not_found",
            "The model {model} does not exist. This server offers `policy-assistant` "
            "(GET /v1/models).",
            {"param": "model", "model": f"`{model}`" if isinstance(model, str) else repr(model)},
        )
    for name, (honoured, why, code) in UNSUPPORTED.items():
        if name in data and not honoured(data[name]):
            raise PydanticCustomError(
                code, "Unsupported value for '{param}': {why}.", {"param": name, "why": why}
            )
    return data


class StreamOptions(RequestBody):
    model_config = ConfigDict(extra="forbid")

    include_usage: StrictBool = Field(
        default=False, description="A last chunk with the usage, and no choices."
    )


class TextFormat(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal["text"]


class OpenAIParameters(RequestBody):
    """OpenAI's parameters besides `model`, `messages` and `stream` (see the module's text)."""

    model_config = ConfigDict(extra="forbid")

    max_tokens: StrictInt | None = Field(
        default=None,
        ge=1,
        description="At most this many tokens in the content, counted as words (as `usage` "
        "counts them): the content is cut after the last whole sentence or line that fits, "
        "and `finish_reason` is `length`. Deprecated by OpenAI for max_completion_tokens.",
    )
    max_completion_tokens: StrictInt | None = Field(
        default=None, ge=1, description="As max_tokens; with both, the smaller counts."
    )
    stream_options: StreamOptions | None = Field(
        default=None, description="Counts only with `stream`; without it, changes nothing."
    )
    temperature: Number | None = Field(
        default=None, ge=0, le=2, description=f"Accepted, no effect: {NOT_SAMPLED}."
    )
    top_p: Number | None = Field(default=None, ge=0, le=1, description="Accepted, no effect.")
    presence_penalty: Number | None = Field(
        default=None, ge=-2, le=2, description="Accepted, no effect."
    )
    frequency_penalty: Number | None = Field(
        default=None, ge=-2, le=2, description="Accepted, no effect."
    )
    seed: StrictInt | None = Field(default=None, description="Accepted: every answer is the same.")
    user: str | None = Field(default=None, max_length=500, description="Accepted, not stored.")
    store: StrictBool | None = Field(default=None, description="Accepted, nothing is stored.")
    metadata: dict[str, str] | None = Field(default=None, description="Accepted, not stored.")
    parallel_tool_calls: StrictBool | None = Field(
        default=None, description="Accepted: there are no tools."
    )
    # Refused unless neutral (400 naming the parameter): the schema shows the neutral value.
    n: Literal[1] | None = Field(default=None, description="Only 1.")
    tools: list[dict[str, Any]] | None = Field(default=None, max_length=0, description=NO_TOOLS)
    functions: list[dict[str, Any]] | None = Field(default=None, max_length=0, description=NO_TOOLS)
    tool_choice: Literal["none", "auto"] | None = Field(default=None, description=NO_TOOLS)
    function_call: Literal["none", "auto"] | None = Field(default=None, description=NO_TOOLS)
    logprobs: Literal[False] | None = Field(default=None, description=NOT_SAMPLED)
    top_logprobs: Literal[0] | None = Field(default=None, description=NOT_SAMPLED)
    response_format: TextFormat | None = Field(default=None, description="Only text.")
    stop: list[str] | None = Field(default=None, max_length=0, description="Not supported.")
    logit_bias: dict[str, int] | None = Field(default=None, max_length=0, description=NOT_SAMPLED)
    modalities: list[Literal["text"]] | None = Field(
        default=None, min_length=1, max_length=1, description="Only text."
    )
    audio: None = Field(default=None, description="Not supported.")
    prediction: None = Field(default=None, description="Not supported.")
    web_search_options: None = Field(default=None, description="Not supported.")

    @model_validator(mode="before")
    @classmethod
    def _refuse_unsupported(cls, data: Any) -> Any:
        return refuse_unsupported(data)

    def token_limit(self) -> int | None:
        limits = [n for n in (self.max_tokens, self.max_completion_tokens) if n is not None]
        return min(limits) if limits else None

    def usage_requested(self) -> bool:
        return self.stream_options is not None and self.stream_options.include_usage
