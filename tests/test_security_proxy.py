"""Attack: forge the reverse proxy's headers from the server's own host.

Uvicorn believes X-Forwarded-For from any loopback connection by default, so a local process
that sent `X-Forwarded-For: <the trusted proxy>` and `X-Remote-User: <anyone>` was that user.
Here the proxy is 127.0.0.2 (nginx's `proxy_bind`), and the forger connects from 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import copy_data
from tests.live_server import LiveServer, start_server

PROXY, FORGER, OTHER = "127.0.0.2", "127.0.0.1", "127.0.0.5"


@pytest.fixture(scope="module")
def behind_proxy(
    tmp_path_factory: pytest.TempPathFactory, corpus_data: Path
) -> Iterator[LiveServer]:
    root = tmp_path_factory.mktemp("proxy")
    live = start_server(
        copy_data(corpus_data, root / "data"),
        {
            "POLICY_ASSISTANT_TRUSTED_PROXIES": PROXY,
            "POLICY_ASSISTANT_TRUSTED_USER_HEADER": "X-Remote-User",
            "POLICY_ASSISTANT_FAILED_KEYS_ALLOWED": "2",
        },
        api_key="reader-key",
        admin_key="admin-key",
    )
    yield live
    live.stop()


def connecting_from(server: LiveServer, address: str) -> httpx.Client:
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=server.url, transport=transport, timeout=30)


def test_forged_forwarding_headers_from_loopback_are_ignored(behind_proxy: LiveServer) -> None:
    forged = {"X-Forwarded-For": PROXY, "X-Remote-User": "anna.andersson"}
    with connecting_from(behind_proxy, FORGER) as local:
        assert local.get("/chat/config", headers=forged).status_code == 401
        assert local.get("/chat/", headers=forged).status_code == 303  # to the sign-in form
    with connecting_from(behind_proxy, PROXY) as proxy:
        assert proxy.get("/chat/config", headers={"X-Remote-User": "anna"}).status_code == 200


def test_the_back_off_counts_the_connection_not_a_forged_address(behind_proxy: LiveServer) -> None:
    """Failed keys from one host count against it whatever X-Forwarded-For it invents."""
    with connecting_from(behind_proxy, FORGER) as local:
        codes = [
            local.get(
                "/v1/info",
                headers={"Authorization": "Bearer guess", "X-Forwarded-For": f"10.0.0.{n}"},
            ).status_code
            for n in range(5)
        ]
    assert codes == [401, 401, 401, 429, 429]


def test_behind_the_proxy_each_forwarded_client_backs_off_alone(behind_proxy: LiveServer) -> None:
    with connecting_from(behind_proxy, PROXY) as proxy:

        def guess(client: str) -> int:
            headers = {"Authorization": "Bearer guess", "X-Forwarded-For": client}
            return proxy.get("/v1/info", headers=headers).status_code

        assert [guess("10.1.1.1") for _ in range(4)] == [401, 401, 401, 429]
        assert guess("10.1.1.2") == 401  # another member of staff is not blocked
        good = {"Authorization": "Bearer reader-key", "X-Forwarded-For": "10.1.1.3"}
        assert proxy.get("/v1/info", headers=good).status_code == 200
    with connecting_from(behind_proxy, OTHER) as other:
        assert (
            other.get("/v1/info", headers={"Authorization": "Bearer reader-key"}).status_code == 200
        )
