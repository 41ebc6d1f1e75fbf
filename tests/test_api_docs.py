"""The interactive API documentation, in a real headless Chromium: Swagger UI at /docs and
ReDoc at /redoc render every operation from this server's own files, with keys configured
and under the browser safety headers, and not one request leaves the server."""

from __future__ import annotations

import httpx
import pytest

from tests.live_server import LiveServer


@pytest.fixture
def page(browser, server: LiveServer):
    """A fresh page that records, and refuses, every request to anywhere but the server."""
    context = browser.new_context(viewport={"width": 1200, "height": 1000})
    page = context.new_page()
    page.outside = []  # type: ignore[attr-defined]
    page.errors = []  # type: ignore[attr-defined]

    def route(request_route) -> None:
        url = request_route.request.url
        if url.startswith((server.url, "data:", "blob:")):
            request_route.continue_()
        else:
            page.outside.append(url)
            request_route.abort()

    context.route("**/*", route)
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def test_swagger_ui_renders_every_operation_offline(page, server: LiveServer) -> None:
    from playwright.sync_api import expect

    response = page.goto(f"{server.url}/docs")
    assert response is not None and response.status == 200
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'self'" in policy and "default-src 'self'" in policy
    expect(page.locator(".opblock").first).to_be_visible(timeout=30_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    for path in ("/v1/chat", "/v1/chat/completions", "/v1/ingest", "/healthz"):
        assert any(p.replace("\u200b", "") == path for p in paths), (path, paths)
    expect(page.locator(".btn.authorize")).to_be_visible()  # where a developer enters a key
    assert not page.outside, f"/docs fetched from outside the server: {page.outside}"
    assert not page.errors, page.errors


def test_redoc_renders_every_operation_offline(page, server: LiveServer) -> None:
    from playwright.sync_api import expect

    response = page.goto(f"{server.url}/redoc")
    assert response is not None and response.status == 200
    content = page.locator(".api-content")
    expect(content).to_contain_text("Chat Completions", timeout=30_000)
    expect(content).to_contain_text("/v1/chat/completions")
    expect(content).to_contain_text("Ingest")
    assert not page.outside, f"/redoc fetched from outside the server: {page.outside}"
    assert not page.errors, page.errors


def test_the_docs_need_no_key_and_name_no_cdn(server: LiveServer) -> None:
    """The schema and its pages describe the API and hold no data: open, as before."""
    for path in ("/docs", "/redoc", "/openapi.json", "/docs-assets/swagger-ui-bundle.js"):
        assert httpx.get(f"{server.url}{path}").status_code == 200, path
    for path in ("/docs", "/redoc"):
        html = httpx.get(f"{server.url}{path}").text
        assert "http://" not in html and "https://" not in html, html
