"""Every error of the product's API in one shape: `{"detail": "<text>"}`; on the
OpenAI-compatible routes, OpenAI's shape with the same text (see `openai_errors`).

The handlers `create_app` installs turn whatever was raised (an HTTPException with a text, a
dict or a list, a request that failed validation, a question the service refused, a model
still loading, an unexpected failure) into that shape, with the status and headers it came
with.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.routing import Match

from assistant.answering.asking import InvalidQuestionError
from assistant.web.openai_errors import (
    OpenAIError,
    first_param,
    openai_error,
    speaks_openai,
    validation_refusal,
)
from assistant.web.runtime import NotReadyError

log = logging.getLogger(__name__)
BODY_LIMIT_SCOPE_KEY = "starlette.max_body_size"  # where the framework keeps the route's limit
NO_BODY = {204, 304}


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(InvalidQuestionError, _invalid_question)
    app.add_exception_handler(NotReadyError, _not_ready)
    app.add_exception_handler(Exception, _unexpected)


def error_response(
    path: str,
    status: int,
    text: str,
    headers: Mapping[str, str] | None = None,
    *,
    param: str | None = None,
    code: str | None = None,
) -> Response:
    """The error as the route at `path` answers errors; `param` and `code` only in OpenAI's
    shape, which has room for them."""
    body = openai_error(status, text, param, code) if speaks_openai(path) else {"detail": text}
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


def too_large_text(limit: object | None) -> str:
    if limit is None:
        return "The request body is larger than the server's limit."
    return f"The request body is larger than the limit of {limit} bytes."


def detail_text(detail: Any) -> str:
    """An HTTPException's detail as one text: a dict's message, a list's items joined."""
    if isinstance(detail, str):
        return detail
    if isinstance(detail, Mapping):
        if "loc" in detail and "msg" in detail:  # one of pydantic's errors
            place = ".".join(str(part) for part in detail["loc"])
            return f"{place}: {detail['msg']}" if place else str(detail["msg"])
        for key in ("message", "msg", "detail", "error"):
            if key in detail:
                return detail_text(detail[key])
        return json.dumps(detail, ensure_ascii=False, default=str)
    if isinstance(detail, list | tuple):
        return "; ".join(detail_text(item) for item in detail)
    return str(detail)


async def _http_error(request: Request, error: Exception) -> Response:
    """The framework's errors and the routes' own: a 413 says which limit the body passed,
    a 405 lists every method of the path."""
    assert isinstance(error, HTTPException)
    headers = dict(error.headers or {})
    if error.status_code in NO_BODY:
        return Response(status_code=error.status_code, headers=headers)
    path = request.url.path
    limit = request.scope.get(BODY_LIMIT_SCOPE_KEY)
    if error.status_code == 413 and limit is not None:
        return error_response(path, 413, too_large_text(limit), {**headers, "Connection": "close"})
    if error.status_code == 405:  # every method of the path, not the first route's alone
        allowed = sorted(
            method
            for route in request.app.routes
            if isinstance(route, APIRoute) and route.matches(request.scope)[0] != Match.NONE
            for method in route.methods
        )
        headers["Allow"] = ", ".join(allowed)
    named = error if isinstance(error, OpenAIError) else None
    return error_response(
        path,
        error.status_code,
        detail_text(error.detail),
        headers,
        param=named.param if named else None,
        code=named.code if named else None,
    )


async def _invalid_request(request: Request, error: Exception) -> Response:
    """422 naming each field and what was wrong with it. The input is not echoed: it may not
    even be text (a lone surrogate is valid JSON)."""
    assert isinstance(error, RequestValidationError)
    path, issues = request.url.path, error.errors()
    if speaks_openai(path) and (refusal := validation_refusal(issues)) is not None:
        return await _http_error(request, refusal)
    text = "; ".join(detail_text(issue) for issue in issues)
    return error_response(path, 422, text, param=first_param(issues))


async def _invalid_question(request: Request, error: Exception) -> Response:
    return error_response(request.url.path, 422, str(error), param="messages")


async def _not_ready(request: Request, error: Exception) -> Response:
    return error_response(request.url.path, 503, str(error), {"Retry-After": "5"})


async def _unexpected(request: Request, error: Exception) -> Response:
    """A failure nobody foresaw: logged with its trace by the server, and to the client only
    that it happened (never the exception's text, which may hold paths or data)."""
    text = "Internal server error; the server's log has the details."
    return error_response(request.url.path, 500, text)
