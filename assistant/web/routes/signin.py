"""Signing in to the chat page with a key, when the server has keys, and signing out.

Staff paste the key their intranet gave them once; the page then works until they sign out,
leave it unused for `session_idle_minutes`, or `session_hours` have passed. The session lives
in the site's database; the browser holds only a random token. Sites with single sign-on set
`POLICY_ASSISTANT_TRUSTED_USER_HEADER` instead, and staff never see this form.

Both forms accept only posts from this server's own pages (Origin), and failed keys slow the
address that sends them down (see `security.checked_key`).

A page that embeds the chat (widget.js) may instead carry a sign-in token its intranet's server
got with its key (`POST /v1/widget/tokens`): `GET /signin/token?token=…` exchanges it, once and
within its minute, for a session of that key's user. A GET, since the embedding page opens it
in an iframe; the single-use secret is what makes a request from elsewhere worthless.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from assistant.settings import Settings
from assistant.storage.audit import AuditRecord
from assistant.web.cookies import clear_session_cookie, set_session_cookie
from assistant.web.dependencies import RuntimeDep
from assistant.web.paths import public
from assistant.web.runtime import Runtime
from assistant.web.security import (
    SESSION_COOKIE,
    TooManyFailures,
    checked_key,
    client_address,
    key_name,
    key_names,
    same_origin,
    valid_key,
)

router = APIRouter(include_in_schema=False)

FORM = """<!doctype html>
<html lang="sv"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Policyassistenten – logga in</title>
<style>
body{{font-family:system-ui,sans-serif;font-size:1rem;line-height:1.5;color:#1f2937;
max-width:28em;margin:3em auto;padding:0 1em}}
label{{display:block;font-weight:600;margin-top:1em}}
input{{box-sizing:border-box;width:100%;padding:.6em;margin:.4em 0 1em;font-size:1rem;
border:1px solid #4b5563;border-radius:.4em}}
button{{padding:.6em 1.2em;font-size:1rem;color:#fff;background:#3730a3;border:0;
border-radius:.4em;cursor:pointer}}
:focus-visible{{outline:3px solid #1d4ed8;outline-offset:2px}}
.error{{color:#b91c1c;font-weight:600}}
</style></head>
<body><main><h1>Policyassistenten</h1>
<p>Logga in med den nyckel du fått från intranätet. <span lang="en">Sign in with the key your
intranet gave you.</span></p>{error}
<form method="post" action="{action}">
<label for="key">Nyckel <span lang="en">/ Key</span></label>
<input id="key" name="key" type="password" autocomplete="current-password" required autofocus>
<button id="signin" type="submit">Logga in <span lang="en">/ Sign in</span></button>
</form></main></body></html>"""
WRONG_KEY = 'Nyckeln gäller inte. <span lang="en">This key is not valid.</span>'
TOO_MANY = (
    "För många misslyckade försök; försök igen om {seconds} s. "
    '<span lang="en">Too many failed attempts; try again in {seconds} s.</span>'
)
BAD_TOKEN = (
    "Inloggningslänken gäller inte längre: den har redan använts eller gått ut. Ladda om "
    "sidan, eller logga in med din nyckel. "
    '<span lang="en">This sign-in link is no longer valid: it was used already or has '
    "expired. Reload the page, or sign in with your key.</span>"
)
CROSS_SITE = (
    "Formuläret måste skickas från den här sidan. "
    '<span lang="en">The form must be sent from this page.</span>'
)


@router.get("/signin")
def signin_form(request: Request) -> HTMLResponse:
    return _form_with(request, "", 200)


@router.post("/signin", response_model=None)
def signin(
    request: Request, runtime: RuntimeDep, key: Annotated[str, Form(max_length=500)]
) -> Response:
    if not same_origin(request):
        return _form_with(request, CROSS_SITE, 403)
    try:
        accepted = checked_key(runtime, request, key, valid_key)
    except TooManyFailures as blocked:
        return _too_many(request, blocked)
    if not accepted:
        return _form_with(request, WRONG_KEY, 401)
    return _signed_in(request, runtime, key_name(key), "", "/chat/")


@router.get("/signin/token", response_model=None)
def signin_with_token(
    request: Request,
    runtime: RuntimeDep,
    token: Annotated[str, Query(max_length=200)] = "",
    lang: Annotated[str, Query(max_length=5)] = "",
) -> Response:
    """The widget's iframe opens this with the token its page carries; on to the chat."""
    address = client_address(request)
    try:
        user = checked_token(runtime, request, token)
    except TooManyFailures as blocked:
        return _too_many(request, blocked)
    if user is None:
        return _form_with(request, BAD_TOKEN, 401)
    page = "/chat/" + ("?lang=en" if lang == "en" else "")
    return _signed_in(request, runtime, user, f"with a widget token from {address}", page)


def checked_token(runtime: Runtime, request: Request, token: str) -> str | None:
    """Whom `token` signs in (once), tried only while the address is not blocked for earlier
    failures; a failure counts as a failed key does and goes to the audit log."""
    redeemed: list[str] = []

    def accepted(settings: Settings, candidate: str) -> bool:
        user = runtime.signin_tokens.redeem(candidate) if candidate else None
        if user is not None and user in key_names(settings):  # its key is still configured
            redeemed.append(user)
        return bool(redeemed)

    return redeemed[0] if checked_key(runtime, request, token, accepted) else None


@router.post("/signout", response_model=None)
def signout(request: Request, runtime: RuntimeDep) -> Response:
    return sign_out(runtime, request)


def sign_out(runtime: Runtime, request: Request) -> Response:
    """End the browser's session (the form's post, or Gradio's own /chat/logout link)."""
    if not same_origin(request):
        return _form_with(request, CROSS_SITE, 403)
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        runtime.sessions.end(token)
    response = RedirectResponse(public(request.scope, "/signin"), status_code=303)
    clear_session_cookie(response, request, runtime.settings)
    return response


def _signed_in(request: Request, runtime: Runtime, user: str, how: str, page: str) -> Response:
    """A new session for `user`, audited, and the browser sent on to `page` with its cookie."""
    address = client_address(request)
    runtime.audit.add(AuditRecord(user, "sign in", "chat page", how or f"from {address}"))
    response = RedirectResponse(public(request.scope, page), status_code=303)
    set_session_cookie(response, request, runtime.settings, runtime.sessions.start(user))
    return response


def _too_many(request: Request, blocked: TooManyFailures) -> HTMLResponse:
    headers = blocked.headers or {}
    return _form_with(request, TOO_MANY.format(seconds=headers["Retry-After"]), 429, headers)


def _form_with(
    request: Request, error: str, status: int, headers: dict[str, str] | None = None
) -> HTMLResponse:
    body = f'<p class="error" id="error" role="alert">{error}</p>' if error else ""
    page = FORM.format(error=body, action=public(request.scope, "/signin"))
    return HTMLResponse(page, status_code=status, headers=headers)
