"""Errors of the OpenAI-compatible routes in OpenAI's shape, which the `openai` SDK and
OpenAI-style clients read: `{"error": {"message", "type", "param", "code"}}`.

The product's other routes answer `{"detail": "<text>"}` (see `errors`); these routes answer
the same statuses with the same texts, in this shape. A refusal that names a request field
says which one in `param`, and why in `code` (`model_not_found`, `unsupported_parameter`,
`unsupported_value`, `unknown_parameter`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import HTTPException
from pydantic import BaseModel, ConfigDict, Field

OPENAI_PATHS = re.compile(r"^/v1/(?:chat/completions|models(?:/.*)?)/?$")
# OpenAI's error types and codes by status; a raised `OpenAIError` may name its own code.
TYPES = {401: "invalid_request_error", 429: "rate_limit_error"}
CODES = {
    401: "invalid_api_key",
    404: "not_found",
    405: "method_not_allowed",
    413: "request_too_large",
    422: "invalid_value",
    429: "rate_limit_exceeded",
    503: "service_unavailable",
}
# Refusals raised while the request body is validated (see openai_parameters), by the type
# of pydantic error: the status they answer with.
REFUSALS = {"model_not_found": 404, "unsupported_parameter": 400, "unsupported_value": 400}


def speaks_openai(path: str) -> bool:
    return OPENAI_PATHS.match(path) is not None


class OpenAIError(HTTPException):
    """A refusal on an OpenAI-compatible route that names the field (`param`) and why."""

    def __init__(self, status: int, message: str, param: str | None, code: str | None) -> None:
        super().__init__(status, message)
        self.param = param
        self.code = code


def openai_error(
    status: int, message: str, param: str | None = None, code: str | None = None
) -> dict[str, Any]:
    kind = "server_error" if status >= 500 else TYPES.get(status, "invalid_request_error")
    return {
        "error": {
            "message": message,
            "type": kind,
            "param": param,
            "code": code or CODES.get(status),
        }
    }


def validation_refusal(issues: Sequence[Mapping[str, Any]]) -> OpenAIError | None:
    """A body OpenAI would refuse with 400 or 404 rather than 422: an unknown model, a
    parameter this server does not support, an argument OpenAI does not have."""
    for issue in issues:
        kind, place = issue.get("type"), [str(p) for p in issue.get("loc", ())][1:]
        context = issue.get("ctx") or {}
        if kind in REFUSALS:
            return OpenAIError(REFUSALS[kind], str(issue["msg"]), context.get("param"), kind)
        if kind == "extra_forbidden" and len(place) == 1:  # a top-level field
            message = f"Unrecognized request argument supplied: {place[0]}"
            return OpenAIError(400, message, place[0], "unknown_parameter")
    return None


def first_param(issues: Sequence[Mapping[str, Any]]) -> str | None:
    """The field the first validation issue is about, as OpenAI names it (`messages.0.role`)."""
    for issue in issues:
        place = [str(p) for p in issue.get("loc", ())][1:]
        if place:
            return ".".join(place)
    return None


class OpenAIErrorDetail(BaseModel):
    message: str = Field(description="What was wrong, in words a developer can act on.")
    type: str = Field(description="invalid_request_error, rate_limit_error or server_error.")
    param: str | None = Field(description="The request field at fault, if one is.")
    code: str | None = Field(
        description="model_not_found, unsupported_parameter, unsupported_value, "
        "unknown_parameter, invalid_api_key, invalid_value, …"
    )


class OpenAIErrorOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                openai_error(
                    404,
                    "The model `gpt-4o` does not exist. This server offers `policy-assistant` "
                    "(GET /v1/models).",
                    "model",
                    "model_not_found",
                )
            ]
        }
    )

    error: OpenAIErrorDetail


def _described(description: str) -> dict[str, Any]:
    return {"model": OpenAIErrorOut, "description": description}


OPENAI_ERRORS: dict[int | str, dict[str, Any]] = {
    400: _described(
        "A parameter this server does not support (`n` > 1, `tools`, `logprobs`, a "
        "`response_format` other than text, …), an argument OpenAI does not have, or a body "
        "that could not be parsed.",
    ),
    401: _described("No API key, or not one this server accepts."),
    404: _described("An unknown model (`model_not_found`): see GET /v1/models."),
    413: _described("The request body is over the size limit."),
    422: _described(
        "A field not as the schema says, no user message, a question over the length limit."
    ),
    429: _described("Too many failed keys from this address: try again after Retry-After."),
    503: _described("The model and index are still loading."),
}
