"""The chat widget on an intranet page of another origin, in a real headless Chromium.

The intranet is a plain HTML page served by this test from another site (`localhost`, while the
assistant is `127.0.0.1`): one script tag, as an intranet developer would write it. Its server
(the test) asks the API for a sign-in token with its key and puts it in the tag.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from evals.servers import free_port
from tests.conftest import copy_data
from tests.live_server import LiveServer, start_server
from tests.test_chat_page import QUESTION

LAUNCHER = "Fråga Policyassistenten"
FRAME = "iframe[title='Policyassistentens chatt']"
BAD_TOKEN = "Inloggningslänken gäller inte längre"


class Intranet:
    """Plain HTML pages on a loopback port: `pages[path] = html`."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        pages = self.pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = pages.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write((body or "not found").encode())

            def log_message(self, *args: object) -> None:
                pass

        self.port = free_port()
        self.http = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.origin = f"http://localhost:{self.port}"  # another site than 127.0.0.1
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def page(self, path: str, script_tag: str) -> str:
        self.pages[path] = INTRANET_PAGE.format(script=script_tag)
        return f"{self.origin}{path}"

    def close(self) -> None:
        self.http.shutdown()
        self.http.server_close()


INTRANET_PAGE = """<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>Intranätet – Personalhandboken</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><header><p>Region Exempel – intranät</p></header>
<main><h1>Personalhandboken</h1><p>Här finns regionens riktlinjer för medarbetare.</p></main>
{script}
</body></html>"""


@pytest.fixture(scope="module")
def intranet() -> Iterator[Intranet]:
    site = Intranet()
    yield site
    site.close()


@pytest.fixture(scope="module")
def stranger() -> Iterator[Intranet]:
    """A site the assistant was not told about."""
    site = Intranet()
    yield site
    site.close()


@pytest.fixture(scope="module")
def embedded(
    tmp_path_factory: pytest.TempPathFactory, corpus_data: Path, intranet: Intranet
) -> Iterator[LiveServer]:
    root = tmp_path_factory.mktemp("widget")
    live = start_server(
        copy_data(corpus_data, root / "data"),
        {
            "POLICY_ASSISTANT_EMBED_ORIGINS": intranet.origin,
            # The test's browser stands in for the intranet's reverse proxy, on loopback.
            "POLICY_ASSISTANT_TRUSTED_USER_HEADER": "X-Remote-User",
            "POLICY_ASSISTANT_TRUSTED_PROXIES": "127.0.0.1",
        },
        api_key="reader-key",
        admin_key="admin-key",
    )
    yield live
    live.stop()


def new_token(server: LiveServer, **body: object) -> str:
    response = httpx.post(f"{server.url}/v1/widget/tokens", json=body, headers=server.headers())
    assert response.status_code == 200, response.text
    return response.json()["token"]


def script_tag(server: LiveServer, token: str | None = None, lang: str | None = None) -> str:
    data = (f' data-token="{token}"' if token else "") + (f' data-lang="{lang}"' if lang else "")
    return f'<script src="{server.url}/widget.js"{data}></script>'


# ---- the token, over HTTP: the intranet's server asks, the browser exchanges it once ----


def test_a_token_signs_in_once_as_the_keys_user(embedded: LiveServer) -> None:
    response = httpx.post(f"{embedded.url}/v1/widget/tokens", json={}, headers=embedded.headers())
    assert response.status_code == 200 and response.json()["expires_in"] == 60
    token = response.json()["token"]
    exchanged = httpx.get(f"{embedded.url}/signin/token", params={"token": token, "lang": "en"})
    assert exchanged.status_code == 303 and exchanged.headers["location"] == "/chat/?lang=en"
    cookie = exchanged.headers["set-cookie"]
    for attribute in ("HttpOnly", "SameSite=none", "Secure", "Partitioned", "Path=/"):
        assert attribute.lower() in cookie.lower(), cookie
    session = {"policy_assistant_session": exchanged.cookies["policy_assistant_session"]}
    assert httpx.get(f"{embedded.url}/chat/config", cookies=session).status_code == 200

    again = httpx.get(f"{embedded.url}/signin/token", params={"token": token})
    assert again.status_code == 401 and BAD_TOKEN in again.text
    assert "set-cookie" not in again.headers

    audit = httpx.get(f"{embedded.url}/v1/audit", headers=embedded.headers("admin-key")).json()
    actions = [(r["action"], r["result"]) for r in audit["audit"][:2]]
    assert actions[0][0] == "key refused" and "failure" in actions[0][1]  # the reuse
    assert actions[1][0] == "sign in" and actions[1][1].startswith("with a widget token")
    assert token not in str(audit)


def test_expired_forged_and_missing_tokens_sign_no_one_in(embedded: LiveServer) -> None:
    expired = new_token(embedded, expires_in=1)
    time.sleep(1.5)
    attempts = [
        {"token": expired},
        {"token": "forged-" + "x" * 40},
        {"token": new_token(embedded)[:-1]},  # one character short of a real one
        {},
    ]
    for params in attempts:
        refused = httpx.get(f"{embedded.url}/signin/token", params=params)
        assert refused.status_code == 401 and BAD_TOKEN in refused.text, params
        assert "set-cookie" not in refused.headers, params
    too_long = httpx.get(f"{embedded.url}/signin/token", params={"token": "x" * 500})
    assert too_long.status_code == 422


def test_only_a_valid_key_gets_a_token(embedded: LiveServer) -> None:
    url = f"{embedded.url}/v1/widget/tokens"
    assert httpx.post(url, json={}).status_code == 401
    assert httpx.post(url, json={}, headers=embedded.headers("wrong-key")).status_code == 401
    for body in ({"expires_in": 0}, {"expires_in": 601}, {"expires_in": "60"}, [1]):
        refused = httpx.post(url, json=body, headers=embedded.headers())
        assert refused.status_code == 422, body
    assert httpx.post(url, headers=embedded.headers()).status_code == 200  # no body: defaults


def test_only_the_configured_intranet_may_frame_the_chat(embedded: LiveServer, intranet) -> None:
    policy = httpx.get(f"{embedded.url}/chat/").headers["content-security-policy"]
    assert policy == f"frame-ancestors 'self' {intranet.origin}"
    script = httpx.get(f"{embedded.url}/widget.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith(
        "text/javascript"
    )
    assert "http" not in script.text.replace("https://assistant.example", "")  # no other server


# ---- in a real browser ----------------------------------------------------------------------


def open_page(browser, url: str, allowed: tuple[str, ...], **context_options):
    """A fresh browser context on `url`, recording every request that goes anywhere else."""
    context = browser.new_context(**{"viewport": {"width": 1200, "height": 900}, **context_options})
    page = context.new_page()
    page.outside = []  # type: ignore[attr-defined]
    page.console = []  # type: ignore[attr-defined]
    allowed = (*allowed, "data:", "blob:")
    page.on("request", lambda r: r.url.startswith(allowed) or page.outside.append(r.url))
    page.on("console", lambda m: page.console.append(m.text))
    page.goto(url)
    return page


def launcher_of(page):
    return page.get_by_role("button", name=LAUNCHER)


def focused_in_widget(page) -> str:
    return page.evaluate(
        "() => { const host = document.activeElement;"
        " return host && host.shadowRoot && host.shadowRoot.activeElement"
        " ? host.shadowRoot.activeElement.textContent : '' }"
    )


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [f"{v['id']}: {v['help']}" for v in violations if v["impact"] in ("serious", "critical")]


def test_browser_widget_signs_in_with_a_token_and_answers(
    browser, embedded: LiveServer, intranet: Intranet, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    url = intranet.page("/handbok", script_tag(embedded, token=new_token(embedded)))
    page = open_page(browser, url, (embedded.url, intranet.origin))
    launcher = launcher_of(page)
    expect(launcher).to_be_visible()
    expect(launcher).to_have_attribute("aria-expanded", "false")
    launcher.focus()
    page.keyboard.press("Enter")
    expect(launcher).to_have_attribute("aria-expanded", "true")
    dialog = page.get_by_role("dialog", name="Policyassistenten")
    expect(dialog).to_be_visible()

    chat = page.frame_locator(FRAME)
    expect(chat.locator("#pa-ask")).to_have_text("Fråga", timeout=30_000)  # signed in: no form
    chat.locator("#pa-question textarea").fill(QUESTION)
    chat.locator("#pa-ask").click()
    expect(chat.locator("#pa-chat")).to_contain_text("Källa [1]", timeout=30_000)
    expect(chat.locator("#pa-chat")).to_contain_text("landstingsfullmäktige")
    assert serious_violations(page) == []
    page.screenshot(path=tmp_path / "intranet-open.png")

    chat.locator("#pa-question textarea").focus()  # Escape from inside the chat
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(launcher).to_have_attribute("aria-expanded", "false")
    assert focused_in_widget(page) == LAUNCHER
    page.keyboard.press("Enter")  # opens again, the conversation kept
    expect(dialog).to_be_visible()
    page.get_by_role("button", name="Stäng").click()
    expect(dialog).to_be_hidden()
    assert focused_in_widget(page) == LAUNCHER
    assert not page.outside, f"requests left the two sites: {page.outside}"
    page.context.close()


def test_browser_widget_on_a_phone_signs_in_with_the_form_in_the_iframe(
    browser, embedded: LiveServer, intranet: Intranet
) -> None:
    """No token: the key typed into the sign-in form inside the iframe, on another site,
    holds (the session cookie is SameSite=None), instead of sending the form back forever."""
    from playwright.sync_api import expect

    url = intranet.page("/telefon", script_tag(embedded, lang="en"))
    phone = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
    page = open_page(browser, url, (embedded.url, intranet.origin), **phone)
    launcher = page.get_by_role("button", name="Ask the Policy Assistant")
    launcher.click()
    dialog = page.get_by_role("dialog", name="Policy Assistant")
    expect(dialog).to_be_visible()
    box = dialog.bounding_box()
    assert box is not None and (box["x"], box["y"], box["width"], box["height"]) == (0, 0, 390, 844)

    chat = page.frame_locator("iframe[title='Policy Assistant chat']")
    chat.locator("#key").fill("reader-key")
    chat.locator("#signin").click()
    expect(chat.locator("#pa-question textarea")).to_be_visible(timeout=30_000)
    chat.locator("#pa-question textarea").fill(QUESTION)
    chat.locator("#pa-ask").click()
    expect(chat.locator("#pa-chat")).to_contain_text("[1]", timeout=30_000)
    assert serious_violations(page) == []
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert not page.outside, f"requests left the two sites: {page.outside}"
    page.context.close()


def test_browser_widget_with_the_proxys_sign_on(
    browser, embedded: LiveServer, intranet: Intranet
) -> None:
    """Single sign-on at the reverse proxy: each request names the user, the iframe's too."""
    from playwright.sync_api import expect

    url = intranet.page("/sso", script_tag(embedded))
    sso = {"extra_http_headers": {"X-Remote-User": "anna.andersson"}}
    page = open_page(browser, url, (embedded.url, intranet.origin), **sso)
    launcher_of(page).click()
    chat = page.frame_locator(FRAME)
    expect(chat.locator("#pa-ask")).to_have_text("Fråga", timeout=30_000)
    assert chat.locator("#key").count() == 0
    page.context.close()


def test_browser_a_site_not_listed_cannot_frame_the_chat(
    browser, embedded: LiveServer, stranger: Intranet
) -> None:
    """A page elsewhere with a valid token: the browser refuses to show the chat in it."""
    from playwright.sync_api import expect

    url = stranger.page("/fremmande", script_tag(embedded, token=new_token(embedded)))
    page = open_page(browser, url, (embedded.url, stranger.origin))
    launcher_of(page).click()
    expect(page.get_by_role("dialog", name="Policyassistenten")).to_be_visible()
    page.wait_for_timeout(3000)
    chats = [f for f in page.frames if f.url.startswith(embedded.url)]
    assert not any(f.locator("#pa-chat").count() for f in chats)
    assert any("frame-ancestors" in message for message in page.console), page.console
    page.context.close()
