"""The app under a path prefix: `serve --root-path /assistent` behind a real nginx that serves
it at /assistent/ (and strips the prefix), signed in and asked in a real Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from evals.servers import free_port
from tests.browser_page import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import copy_data
from tests.live_server import LiveServer, start_server
from tests.test_chat_page import QUESTION

PREFIX = "/assistent"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

NGINX_CONF = """{user}
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 256; }}
http {{
  access_log {tmp}/access.log;
  client_body_temp_path {tmp}/body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  server {{
    listen 127.0.0.1:{port};
    location {prefix}/ {{
      proxy_pass {upstream}/;
      proxy_http_version 1.1;
      proxy_set_header Host $http_host;
      proxy_buffering off;
      proxy_read_timeout 120s;
    }}
  }}
}}
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, corpus_data: Path) -> Iterator[LiveServer]:
    root = tmp_path_factory.mktemp("root-path")
    live = start_server(
        copy_data(corpus_data, root / "data"),
        {},
        api_key="reader-key",
        admin_key="admin-key",
        args=("--root-path", PREFIX),
    )
    yield live
    live.stop()


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory, served: LiveServer) -> Iterator[str]:
    """nginx on a free loopback port, passing /assistent/… on to the server as /…"""
    if not Path(NGINX).exists():
        pytest.fail("nginx is missing: apt-get install nginx-light")
    tmp = tmp_path_factory.mktemp("nginx")
    port = free_port()
    user = "user root;" if os.geteuid() == 0 else ""  # its workers may write to tmp
    conf = tmp / "nginx.conf"
    conf.write_text(
        NGINX_CONF.format(user=user, tmp=tmp, port=port, prefix=PREFIX, upstream=served.url)
    )
    command = [NGINX, "-p", str(tmp), "-c", str(conf), "-e", str(tmp / "error.log")]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"nginx did not start:\n{(tmp / 'error.log').read_text()}")
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


def test_redirects_and_links_keep_the_prefix(proxy: str) -> None:
    base = f"{proxy}{PREFIX}"
    assert httpx.get(f"{base}/").headers["location"] == f"{PREFIX}/chat/"
    page = httpx.get(f"{base}/chat/")
    assert page.status_code == 303 and page.headers["location"] == f"{PREFIX}/signin"
    form = httpx.get(f"{base}/signin")
    assert form.status_code == 200 and f'action="{PREFIX}/signin"' in form.text
    assert httpx.get(f"{base}/widget.js").status_code == 200
    with httpx.Client(base_url=base, headers={"Origin": proxy}) as browser:
        signed_in = browser.post("/signin", data={"key": "reader-key"})
        assert signed_in.status_code == 303 and signed_in.headers["location"] == f"{PREFIX}/chat/"
        assert f"Path={PREFIX}/" in signed_in.headers["set-cookie"]
        assert browser.get("/chat/config").status_code == 200
        out = browser.get("/chat/logout")
        assert out.status_code == 303 and out.headers["location"] == f"{PREFIX}/signin"
        assert browser.get("/chat/config").status_code == 401


def test_the_page_routes_closed_stay_closed_under_the_prefix(proxy: str, served) -> None:
    """Attack: reach a Gradio file route through the prefix, where the gate once compared the
    path with "/chat/…" as uvicorn had not yet put the root path in front of it."""
    for url in (
        f"{proxy}{PREFIX}/chat/gradio_api/file=/etc/hostname",
        f"{served.url}{PREFIX}/chat/gradio_api/file=/etc/hostname",
        f"{served.url}/chat/gradio_api/file=/etc/hostname",
    ):
        response = httpx.get(url, headers=served.headers())
        assert response.status_code == 404, url


def test_browser_signs_in_and_asks_through_the_proxy(proxy: str, tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 1000})
        elsewhere: list[str] = []
        allowed = (f"{proxy}{PREFIX}/", "data:", "blob:")
        page.on("request", lambda r: r.url.startswith(allowed) or elsewhere.append(r.url))
        page.goto(f"{proxy}{PREFIX}/")
        page.locator("#key").fill("reader-key")
        page.locator("#signin").click()
        expect(page.locator("#pa-ask")).to_have_text("Fråga", timeout=30_000)
        page.locator("#pa-question textarea").fill(QUESTION)
        page.locator("#pa-ask").click()
        expect(page.locator("#pa-chat")).to_contain_text("Källa [1]", timeout=30_000)
        expect(page.locator("#pa-chat")).to_contain_text("landstingsfullmäktige")
        page.screenshot(path=tmp_path / "through-the-proxy.png")
        browser.close()
    assert not elsewhere, f"requests outside {PREFIX}/ on the proxy: {elsewhere}"
