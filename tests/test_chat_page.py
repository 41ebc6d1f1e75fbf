"""The staff chat page: through `gradio_client`, and in a real headless Chromium."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from gradio_client import Client

from tests.live_server import LiveServer

CHROMIUM = "/usr/bin/chromium"
QUESTION = "Vem antar den internationella policyn i Dalarna?"


def message_text(message: dict) -> str:
    content = message["content"]
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content)
    return content


def test_gradio_client_asks_through_the_page(server: LiveServer) -> None:
    page = Client(f"{server.url}/chat/", verbose=False)
    history, question, _notice = page.predict(QUESTION, [], "", "", api_name="/ask")
    assert question == ""
    answer, *panels = history[1:]
    assert "landstingsfullmäktige" in message_text(answer).lower()
    assert panels and panels[0]["metadata"]["title"].startswith("Källa [1]")
    assert "Det är landstingsfullmäktige som antar" in message_text(panels[0])
    assert "Version:" in message_text(panels[0])

    follow, _, _ = page.predict(
        "Och vem ansvarar för den strategiska inriktningen?", history, "", "", api_name="/ask"
    )
    new_panels = [m for m in follow[len(history) :] if m.get("metadata")]
    assert new_panels and all("Internationell policy" in m["metadata"]["title"] for m in new_panels)

    declined, _, notice = page.predict(
        "Hur många semesterdagar har en sjuksköterska?", [], "", "", api_name="/ask"
    )
    assert "framgår inte" in message_text(declined[1])
    assert declined[2]["metadata"]["title"].startswith("Se även [1]")
    assert "Dokumenten säger inget" in str(notice)

    filtered, _, _ = page.predict(
        "Vilka är de strategiska målen?", [], "Landstinget i Jönköpings län", "", api_name="/ask"
    )
    titles = [m["metadata"]["title"] for m in filtered if m.get("metadata")]
    assert titles and all("Landstinget i Jönköpings län" in t for t in titles)


def test_browser_asks_opens_a_citation_and_gives_feedback(
    server: LiveServer, tmp_path: Path
) -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page(viewport={"width": 1200, "height": 1000})
        outside: list[str] = []
        page.on(
            "request",
            lambda r: (
                outside.append(r.url)
                if not r.url.startswith((server.url, "data:", "blob:"))
                else None
            ),
        )
        page.goto(f"{server.url}/")
        expect(page.get_by_text("Policyassistenten").first).to_be_visible(timeout=30_000)
        expect(page.locator("#pa-ask")).to_have_text("Fråga")

        page.locator("#pa-question textarea").fill(QUESTION)
        page.locator("#pa-ask").click()
        chat = page.locator("#pa-chat")
        expect(chat).to_contain_text("landstingsfullmäktige som antar", timeout=20_000)
        source = chat.get_by_text("Källa [1]")
        expect(source).to_be_visible()
        expect(chat).not_to_contain_text("Avsnitt:")  # the paragraph opens on a click
        page.wait_for_timeout(500)  # the stream's last update re-renders the chat
        source.click()
        page.wait_for_timeout(800)  # the panel's opening animation
        expect(chat.get_by_text("Avsnitt:")).to_be_visible()
        expect(chat).to_contain_text("Version: v1")
        page.screenshot(path=tmp_path / "citation.png")

        page.locator("#pa-chat button[aria-label='Dislike']").first.click()
        page.locator("#pa-comment textarea").fill("Svaret saknar datum för beslutet.")
        page.locator("#pa-send-comment").click()
        expect(page.locator("#pa-notice")).to_contain_text("Tack")

        page.locator("#pa-question textarea").fill("Vad kostar en parkeringsplats vid sjukhuset?")
        page.locator("#pa-ask").click()
        expect(page.locator("#pa-notice")).to_contain_text("Dokumenten säger inget", timeout=20_000)

        page.locator("#pa-clear").click()
        expect(chat).not_to_contain_text("parkeringsplats")
        page.get_by_text("Vilka nätverk är Landstinget Dalarna medlem i?").click()  # an example
        expect(chat).to_contain_text("Källa [1]", timeout=20_000)

        page.locator("#pa-organisation input").click()
        page.get_by_role("option", name="Landstinget i Jönköpings län").click()
        page.locator("#pa-question textarea").fill("Vilka är de strategiska målen?")
        page.locator("#pa-ask").click()
        expect(chat).to_contain_text("Källa [1] · Landstinget i Jönköpings län", timeout=20_000)

        page.get_by_text("English", exact=True).click()
        expect(page.locator("#pa-ask")).to_have_text("Ask")
        page.screenshot(path=tmp_path / "english.png", full_page=True)
        browser.close()
    assert (tmp_path / "citation.png").stat().st_size > 10_000
    assert not outside, f"the page fetched from outside the server: {outside}"

    feedback = httpx.get(f"{server.url}/v1/feedback", headers=server.headers("admin-key"))
    latest = feedback.json()["feedback"][0]
    assert latest["source"] == "chat" and latest["rating"] == "down"
    assert latest["comment"] == "Svaret saknar datum för beslutet."
    assert latest["question"] == QUESTION and "landstingsfullmäktige" in latest["answer"].lower()
