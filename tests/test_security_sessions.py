"""Attacks on the chat page's sign-in: a session that never ends, a cross-site sign-in form,
a sign-out by a link, and guessing keys as fast as the server answers.

Every test signs in as a browser does (a form post from the page's own origin) against a real
server with short session lifetimes, each from a loopback address of its own so that one
test's failed keys do not slow another down.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import copy_data
from tests.live_server import LiveServer, start_server

COOKIE = "policy_assistant_session"
IDLE_SECONDS, ABSOLUTE_SECONDS = 3.0, 9.0
SETTINGS = {
    "POLICY_ASSISTANT_SESSION_IDLE_MINUTES": str(IDLE_SECONDS / 60),
    "POLICY_ASSISTANT_SESSION_HOURS": str(ABSOLUTE_SECONDS / 3600),
    "POLICY_ASSISTANT_FAILED_KEYS_ALLOWED": "3",
    # What the probe had: one signing secret across restarts (a stateless cookie's weakness).
    "POLICY_ASSISTANT_SESSION_SECRET": "the-same-secret-every-start",
}


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory, corpus_data: Path) -> Path:
    return copy_data(corpus_data, tmp_path_factory.mktemp("sessions") / "data")


@pytest.fixture(scope="module")
def server(data: Path) -> Iterator[LiveServer]:
    live = start_server(data, SETTINGS, api_key="reader-key", admin_key="admin-key")
    yield live
    live.stop()


def browser(server: LiveServer, address: str) -> httpx.Client:
    """A client that behaves as the page's browser: same-origin form posts, from `address`."""
    return httpx.Client(
        base_url=server.url,
        transport=httpx.HTTPTransport(local_address=address),
        headers={"Origin": server.url},
        timeout=30,
    )


def signed_in(server: LiveServer, address: str, key: str = "reader-key") -> str:
    with browser(server, address) as client:
        response = client.post("/signin", data={"key": key})
        assert response.status_code == 303, response.text
        return client.cookies[COOKIE]


def page_status(server: LiveServer, cookie: str) -> int:
    """What a browser holding `cookie` gets from the page's config route."""
    with httpx.Client(base_url=server.url, cookies={COOKIE: cookie}, timeout=30) as client:
        return client.get("/chat/config").status_code


def test_signing_out_ends_the_session_for_good(server: LiveServer) -> None:
    cookie = signed_in(server, "127.0.0.11")
    assert page_status(server, cookie) == 200
    with browser(server, "127.0.0.11") as client:
        client.cookies.set(COOKIE, cookie)
        assert client.get("/signout").status_code == 405  # no sign-out by a link or an image
        assert page_status(server, cookie) == 200
        assert client.post("/signout").status_code == 303
    assert page_status(server, cookie) == 401  # the old cookie, replayed


def test_gradios_own_logout_ends_the_session(server: LiveServer) -> None:
    cookie = signed_in(server, "127.0.0.12")
    with browser(server, "127.0.0.12") as client:
        client.cookies.set(COOKIE, cookie)
        cross_site = client.get("/chat/logout", headers={"Origin": "https://evil.example"})
        assert cross_site.status_code == 403 and page_status(server, cookie) == 200
        assert client.get("/chat/logout").status_code == 303
    assert page_status(server, cookie) == 401


def test_an_unused_session_ends_and_a_used_one_ends_at_its_age(server: LiveServer) -> None:
    idle = signed_in(server, "127.0.0.13")
    busy = signed_in(server, "127.0.0.13")
    time.sleep(IDLE_SECONDS / 2)
    assert page_status(server, busy) == 200
    time.sleep(IDLE_SECONDS / 2 + 1)
    assert page_status(server, idle) == 401
    statuses = []
    deadline = time.monotonic() + ABSOLUTE_SECONDS + 2
    while time.monotonic() < deadline:
        statuses.append(page_status(server, busy))
        time.sleep(0.5)
    assert statuses[0] == 200 and statuses[-1] == 401, statuses
    assert statuses == sorted(statuses), "a session came back after it ended"


def test_a_cross_site_form_cannot_sign_a_browser_in(server: LiveServer) -> None:
    with httpx.Client(
        base_url=server.url, transport=httpx.HTTPTransport(local_address="127.0.0.14")
    ) as client:
        for headers in ({"Origin": "https://evil.example"}, {"Origin": "null"}, {}):
            response = client.post("/signin", data={"key": "reader-key"}, headers=headers)
            assert response.status_code == 403 and COOKIE not in response.cookies


def test_guessing_keys_backs_off_and_is_audited(server: LiveServer) -> None:
    with browser(server, "127.0.0.15") as client:
        guesses = [client.post("/signin", data={"key": f"guess-{n}"}) for n in range(5)]
        assert [g.status_code for g in guesses] == [401, 401, 401, 401, 429]
        assert int(guesses[-1].headers["Retry-After"]) >= 1
        # Blocked, the right key is not even tried, nor is an API key from the same address.
        assert client.post("/signin", data={"key": "reader-key"}).status_code == 429
        api = client.get("/v1/info", headers={"Authorization": "Bearer reader-key"})
        assert api.status_code == 429
    with browser(server, "127.0.0.16") as elsewhere:  # another address is not blocked
        assert elsewhere.post("/signin", data={"key": "reader-key"}).status_code == 303
    audit = httpx.get(f"{server.url}/v1/audit", headers=server.headers("admin-key")).json()
    refused = [r for r in audit["audit"] if r["action"] == "key refused"]
    assert len([r for r in refused if r["actor"] == "127.0.0.15"]) == 4
    assert not any("guess-" in str(r) for r in audit["audit"])  # keys never reach the log


def test_removing_a_key_ends_its_sessions(data: Path, tmp_path: Path) -> None:
    first = start_server(copy_data(data, tmp_path / "data"), SETTINGS, api_key="leaving-key")
    try:
        cookie = signed_in(first, "127.0.0.17", key="leaving-key")
        assert page_status(first, cookie) == 200
    finally:
        first.stop()
    again = start_server(tmp_path / "data", SETTINGS, api_key="reader-key")  # key removed
    try:
        assert page_status(again, cookie) == 401
    finally:
        again.stop()


def test_the_cookie_is_http_only_and_secure_when_configured(data: Path, tmp_path: Path) -> None:
    secure = start_server(
        copy_data(data, tmp_path / "data"),
        {**SETTINGS, "POLICY_ASSISTANT_SECURE_COOKIES": "true"},
        api_key="reader-key",
    )
    try:
        with browser(secure, "127.0.0.18") as client:
            cookie = client.post("/signin", data={"key": "reader-key"}).headers["set-cookie"]
    finally:
        secure.stop()
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "secure", "samesite"} <= attributes
