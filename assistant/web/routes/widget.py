"""The chat widget for intranet pages: its script, and the sign-in tokens its pages carry.

An intranet page adds `<script src="https://assistant.example/widget.js" data-lang="en"
data-token="…"></script>`; the script (a file in this package, `static/widget.js`) adds a
button that opens this server's chat page in an iframe. With keys configured, the intranet's
server asks `POST /v1/widget/tokens` for a single-use token with its key, and the script's
iframe exchanges it at `/signin/token` (see `signin`) for a session of that key's user.
"""

from __future__ import annotations

import logging
from importlib.resources import files
from typing import Annotated

from fastapi import APIRouter, Body, HTTPException
from fastapi.responses import Response

from assistant.web.dependencies import RuntimeDep
from assistant.web.schemas import ErrorOut, WidgetTokenOut, WidgetTokenRequest
from assistant.web.security import READ_ERRORS, CallerDep

log = logging.getLogger(__name__)

SCRIPT = (files("assistant.web") / "static" / "widget.js").read_text(encoding="utf-8")
# In the chat page's head: framed, Escape (which the embedding page cannot hear from inside
# the iframe) is passed to the widget, which closes its panel and returns focus to its button.
FRAMED_PAGE_HEAD = """<script>
(function () {
  if (window.parent === window) return;
  window.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !event.defaultPrevented) {
      window.parent.postMessage({ policyAssistant: "escape" }, "*");
    }
  });
})();
</script>"""

script_router = APIRouter(include_in_schema=False)
router = APIRouter(prefix="/v1/widget", tags=["widget"], responses=READ_ERRORS)


@script_router.get("/widget.js")
def widget_script() -> Response:
    return Response(
        SCRIPT,
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "public, max-age=3600"},
    )


@router.post(
    "/tokens",
    response_model=WidgetTokenOut,
    responses={
        409: {"model": ErrorOut, "description": "The server has no keys: no sign-in needed."}
    },
)
def widget_token(
    runtime: RuntimeDep,
    caller: CallerDep,
    body: Annotated[WidgetTokenRequest, Body()] = WidgetTokenRequest(),  # noqa: B008
) -> WidgetTokenOut:
    """A single-use sign-in token for a page that embeds the chat (`widget.js`'s
    `data-token`): the intranet's server asks with its key, once per page it serves; the
    browser's iframe exchanges it within `expires_in` seconds for a session as this key."""
    if not runtime.settings.api_keys:
        raise HTTPException(
            409, "This server has no API keys: its chat page needs no sign-in, and no token."
        )
    token = runtime.signin_tokens.issue(caller.name, body.expires_in)
    log.info("issued a widget sign-in token for %s", caller.name)
    return WidgetTokenOut(token=token, expires_in=body.expires_in)
