"""Signing in to the chat page with a key, when the server has keys, and signing out.

Staff paste the key their intranet gave them once; the page then works until they sign out,
leave it unused for `session_idle_minutes`, or `session_hours` have passed. The session lives
in the site's database; the browser holds only a random token. Sites with single sign-on set
`POLICY_ASSISTANT_TRUSTED_USER_HEADER` instead, and staff never see this form.

Both forms accept only posts from this server's own pages (Origin), and failed keys slow the
address that sends them down (see `security.checked_key`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from assistant.storage.audit import AuditRecord
from assistant.web.dependencies import RuntimeDep
from assistant.web.runtime import Runtime
from assistant.web.security import (
    SESSION_COOKIE,
    TooManyFailures,
    checked_key,
    client_address,
    key_name,
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
<form method="post" action="/signin">
<label for="key">Nyckel <span lang="en">/ Key</span></label>
<input id="key" name="key" type="password" autocomplete="current-password" required autofocus>
<button id="signin" type="submit">Logga in <span lang="en">/ Sign in</span></button>
</form></main></body></html>"""
WRONG_KEY = 'Nyckeln gäller inte. <span lang="en">This key is not valid.</span>'
TOO_MANY = (
    "För många misslyckade försök; försök igen om {seconds} s. "
    '<span lang="en">Too many failed attempts; try again in {seconds} s.</span>'
)
CROSS_SITE = (
    "Formuläret måste skickas från den här sidan. "
    '<span lang="en">The form must be sent from this page.</span>'
)


@router.get("/signin")
def signin_form() -> HTMLResponse:
    return HTMLResponse(FORM.format(error=""))


@router.post("/signin", response_model=None)
def signin(
    request: Request, runtime: RuntimeDep, key: Annotated[str, Form(max_length=500)]
) -> Response:
    if not same_origin(request):
        return _form_with(CROSS_SITE, 403)
    try:
        accepted = checked_key(runtime, request, key, valid_key)
    except TooManyFailures as blocked:
        headers = blocked.headers or {}
        return _form_with(TOO_MANY.format(seconds=headers["Retry-After"]), 429, headers)
    if not accepted:
        return _form_with(WRONG_KEY, 401)
    user = key_name(key)
    token = runtime.sessions.start(user)
    runtime.audit.add(AuditRecord(user, "sign in", "chat page", f"from {client_address(request)}"))
    response = RedirectResponse("/chat/", status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=runtime.settings.secure_cookies,
        path="/",
    )
    return response


@router.post("/signout", response_model=None)
def signout(request: Request, runtime: RuntimeDep) -> Response:
    return sign_out(runtime, request)


def sign_out(runtime: Runtime, request: Request) -> Response:
    """End the browser's session (the form's post, or Gradio's own /chat/logout link)."""
    if not same_origin(request):
        return _form_with(CROSS_SITE, 403)
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        runtime.sessions.end(token)
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _form_with(error: str, status: int, headers: dict[str, str] | None = None) -> HTMLResponse:
    body = f'<p class="error" id="error" role="alert">{error}</p>'
    return HTMLResponse(FORM.format(error=body), status_code=status, headers=headers)
