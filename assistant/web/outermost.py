"""What must wrap even the framework's own outer layers (its error, telemetry and body-limit
middleware), which `add_middleware` cannot reach.

The body limit answers in plain text itself whenever a request's declared Content-Length is
over the limit: `TooLargeAsJson` turns that answer into the API's JSON error, and
`SecurityHeaders` (outermost) then gives it, and a 500, the browser safety headers too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.web.errors import BODY_LIMIT_SCOPE_KEY, error_response, too_large_text

Layer = Callable[[ASGIApp], ASGIApp]


class Api(FastAPI):
    """FastAPI with `outermost` layers around its whole stack, the first the outermost."""

    def __init__(self, *, outermost: list[Layer], **options: Any) -> None:
        super().__init__(**options)
        self.outermost = outermost

    def build_middleware_stack(self) -> ASGIApp:
        app = super().build_middleware_stack()
        for layer in reversed(self.outermost):
            app = layer(app)
        return app


class TooLargeAsJson:
    """The framework's plain-text 413 ("Content Too Large") as the API's JSON error naming the
    limit. Every other response passes untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        replacing = False

        async def send_json_instead(message: Message) -> None:
            nonlocal replacing
            if message["type"] == "http.response.start" and message["status"] == 413:
                content_type = MutableHeaders(scope=message).get("content-type", "")
                replacing = content_type.startswith("text/plain")
            if not replacing:
                await send(message)
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                text = too_large_text(scope.get(BODY_LIMIT_SCOPE_KEY))
                answer = error_response(scope["path"], 413, text, {"Connection": "close"})
                await answer(scope, receive, send)

        await self.app(scope, receive, send_json_instead)
