"""The chat page in a real headless Chromium: fixtures and the steps tests take on it.

A pytest plugin (see `pytest_plugins` in conftest): one Chromium per module, a fresh signed-in
page per test, and axe-core (Deque's engine, bundled in axe-playwright-python) to audit it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.live_server import LiveServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    from playwright.sync_api import expect, sync_playwright

    # The page's answers come from the real model on a shared CI machine: an assertion waits
    # for the page to settle as long as a slow machine needs, not Playwright's 5 s.
    expect.set_options(timeout=20_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server: LiveServer, tmp_path: Path):
    """The chat page at desktop size, signed in, recording any request that leaves the server."""
    yield from signed_in_page(browser, server, tmp_path, DESKTOP)


@pytest.fixture
def phone_page(browser, server: LiveServer, tmp_path: Path):
    yield from signed_in_page(browser, server, tmp_path, PHONE)


def signed_in_page(browser, server: LiveServer, tmp_path: Path, viewport: dict):
    from playwright.sync_api import expect

    context = browser.new_context(
        viewport=viewport, permissions=["clipboard-read", "clipboard-write"]
    )
    page = context.new_page()
    page.outside = []  # type: ignore[attr-defined]
    page.on("request", lambda r: _note_outside(page, server, r.url))
    page.goto(f"{server.url}/")  # → the page → the sign-in form, keys being configured
    page.locator("#key").fill(server.api_key or "")
    page.locator("#signin").click()
    expect(page.get_by_text("Policyassistenten").first).to_be_visible(timeout=30_000)
    expect(page.locator("#pa-ask")).to_have_text("Fråga")
    yield page
    page.screenshot(path=tmp_path / "page.png", full_page=True)  # for a person to look at
    context.close()


def _note_outside(page, server: LiveServer, url: str) -> None:
    if not url.startswith((server.url, "data:", "blob:")):
        page.outside.append(url)


def ask_on_page(page, question: str, expected: str = "Källa [1]") -> None:
    """Ask, and wait until the answer has streamed in whole (no event pending or running)."""

    page.locator("#pa-question textarea").fill(question)
    page.locator("#pa-ask").click()
    wait_until_answered(page, expected)


def new_conversation(page) -> None:
    """Start over, and wait until the page has (the clear empties the question box too)."""
    from playwright.sync_api import expect

    page.locator("#pa-clear").click()
    expect(page.locator("#pa-chat")).not_to_contain_text("[1]")
    settled(page)


def wait_until_answered(page, expected: str) -> None:
    from playwright.sync_api import expect

    expect(page.locator("#pa-chat")).to_contain_text(expected, timeout=20_000)
    settled(page)


def settled(page) -> None:
    """No event of the page pending or running, for 300 ms on end: an event just triggered
    (a click's) marks its outputs a moment later, and must not be taken for a quiet page."""
    page.evaluate("() => { window.paQuietSince = undefined; }")
    page.wait_for_function(
        """() => {
            const now = performance.now();
            if (document.querySelectorAll('.pending, .generating').length > 0) {
                window.paQuietSince = undefined;
                return false;
            }
            window.paQuietSince = window.paQuietSince ?? now;
            return now - window.paQuietSince >= 300;
        }""",
        polling=50,
        timeout=20_000,
    )


def open_filters(page) -> None:
    """The filters and the language switch sit behind one control."""
    from playwright.sync_api import expect

    if not page.locator("#pa-organisation").is_visible():
        page.locator("#pa-filters button").first.click()
    expect(page.locator("#pa-organisation")).to_be_visible()


def serious_violations(page) -> list[str]:
    """axe-core's violations of impact serious or critical, one line per element."""
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_timeout(200)  # the page's own mends run on the next animation frame
    results = Axe().run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {node['target']}"
        for v in results
        if v["impact"] in ("serious", "critical")
        for node in v["nodes"]
    ]


FOCUS_SHOWN = """() => {
    const e = document.activeElement, style = getComputedStyle(e);
    const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
    return outlined || style.boxShadow !== 'none';
}"""


def tab_to(page, selector: str, most: int = 40) -> None:
    """Press Tab until `selector` has the focus, checking that each stop shows where it is."""
    for _ in range(most):
        page.keyboard.press("Tab")
        page.wait_for_timeout(30)
        if page.evaluate(f"() => document.activeElement.matches({selector!r})"):
            assert page.evaluate(FOCUS_SHOWN), f"no visible focus on {selector}"
            return
        focused = page.evaluate("() => document.activeElement.outerHTML.slice(0, 120)")
        if not focused.startswith("<body"):
            assert page.evaluate(FOCUS_SHOWN), f"no visible focus on {focused}"
    raise AssertionError(f"{selector} was not reached with Tab")
