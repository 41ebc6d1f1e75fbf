"""A conversation exported by its owner: a Markdown file with its answers and citations.

Behind the chat page's door (the gate signs a browser in first). On an open page the owner is
the browser, by the random id of its cookie.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import PlainTextResponse, Response

from assistant.web.conversations import as_markdown, may_open, owner_of
from assistant.web.dependencies import RuntimeDep
from assistant.web.security import BROWSER_COOKIE, USER_SCOPE_KEY
from assistant.web.view_pages import reader_labels

router = APIRouter(include_in_schema=False)

WORDS = {
    "sv": {"title": "Samtal med Policyassistenten", "question": "Fråga", "answer": "Svar"},
    "en": {"title": "Conversation with the Policy Assistant", "question": "Question",
           "answer": "Answer"},
}  # fmt: skip
MISSING = "No such conversation of yours, or it cites documents you may no longer read."


@router.get("/chat/export/{conversation_id}")
def export(
    conversation_id: Annotated[str, Path(max_length=64)],
    request: Request,
    runtime: RuntimeDep,
    lang: str = "sv",
) -> Response:
    browser = request.cookies.get(BROWSER_COOKIE)
    owner = owner_of(runtime, request.scope.get(USER_SCOPE_KEY), browser)
    found = runtime.conversations.get(owner, conversation_id)
    if found is None or not may_open(runtime, found, reader_labels(runtime, request)):
        return PlainTextResponse(MISSING, status_code=404)
    page_url = f"{request.base_url}chat/"  # the base holds any path prefix
    text = as_markdown(found, page_url, WORDS["en" if lang == "en" else "sv"])
    name = f"samtal-{conversation_id[:8]}.md"
    return Response(
        text,
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
