"""Signing in to the chat page with a key, when the server has keys.

Staff paste the key their intranet gave them once per browser session; the page then works as
usual. Sites with single sign-on set `POLICY_ASSISTANT_TRUSTED_USER_HEADER` instead, and staff
never see this form.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from assistant.web.dependencies import RuntimeDep
from assistant.web.security import SESSION_USER, key_name, valid_key

router = APIRouter(include_in_schema=False)

FORM = """<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>Policyassistenten – logga in</title>
<style>body{{font-family:system-ui,sans-serif;max-width:28em;margin:4em auto;padding:0 1em}}
input{{width:100%;padding:.5em;margin:.5em 0}}.error{{color:#b91c1c}}</style></head>
<body><h1>Policyassistenten</h1>
<p>Logga in med den nyckel du fått från intranätet. <i>Sign in with the key your intranet
gave you.</i></p>{error}
<form method="post" action="/signin">
<label for="key">Nyckel / Key</label>
<input id="key" name="key" type="password" autocomplete="current-password" required autofocus>
<button id="signin" type="submit">Logga in / Sign in</button>
</form></body></html>"""
WRONG_KEY = "Nyckeln gäller inte. <i>This key is not valid.</i>"


@router.get("/signin")
def signin_form() -> HTMLResponse:
    return HTMLResponse(FORM.format(error=""))


@router.post("/signin", response_model=None)
def signin(
    request: Request, runtime: RuntimeDep, key: Annotated[str, Form(max_length=500)]
) -> HTMLResponse | RedirectResponse:
    if not valid_key(runtime.settings, key):
        error = f'<p class="error" id="error">{WRONG_KEY}</p>'
        return HTMLResponse(FORM.format(error=error), status_code=401)
    request.session[SESSION_USER] = key_name(key)
    return RedirectResponse("/chat/", status_code=303)


@router.get("/signout")
def signout(request: Request) -> RedirectResponse:
    request.session.clear()
    return RedirectResponse("/signin", status_code=303)
