"""Server-sent events, and the one step every stream takes before it starts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import chain
from typing import TypeVar

T = TypeVar("T")
# One event of a stream, as OpenAPI 3.2 describes server-sent events: its name and its data
# (a JSON text, or OpenAI's closing `[DONE]`).
SSE_EVENT = {
    "type": "object",
    "properties": {"event": {"type": "string"}, "data": {"type": "string"}},
    "required": ["data"],
}


def started(pieces: Iterator[T]) -> Iterator[T]:
    """The same pieces with the first already taken, so that a question the service refuses
    raises here, while the route can still answer with an error status instead of a stream."""
    first = next(pieces)
    return chain([first], pieces)


def event(name: str, data: object) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def data_line(body: str) -> str:
    """One OpenAI-style event: `data: <json>`, no event name."""
    return f"data: {body}\n\n"
