"""The staff chat page: through `gradio_client`, and in a real headless Chromium."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from gradio_client import Client

from tests.browser_page import ask_on_page, new_conversation, open_filters, wait_until_answered
from tests.live_server import LiveServer

QUESTION = "Vem antar den internationella policyn i Dalarna?"


def message_text(message: dict) -> str:
    content = message["content"]
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content)
    return content


def test_gradio_client_asks_through_the_page(server: LiveServer) -> None:
    """The page keeps each conversation on the server: a client asks, follows up in the same
    session, and a new client starts a new conversation."""
    page = Client(f"{server.url}/chat/", verbose=False, headers=server.headers())
    history, question, _notice = page.predict(QUESTION, "", "", "", api_name="/ask")
    assert question == ""
    answer, *panels = history[1:]
    assert "landstingsfullmäktige" in message_text(answer).lower()
    assert panels and panels[0]["metadata"]["title"].startswith("Källa [1]")
    assert "Det är landstingsfullmäktige som antar" in message_text(panels[0])
    assert "Version:" in message_text(panels[0])

    follow, _, _ = page.predict(
        "Och vem ansvarar för den strategiska inriktningen?", "", "", "", api_name="/ask"
    )
    assert follow[: len(history)] == history
    new_panels = [m for m in follow[len(history) :] if m.get("metadata")]
    assert new_panels and all("Internationell policy" in m["metadata"]["title"] for m in new_panels)

    other = Client(f"{server.url}/chat/", verbose=False, headers=server.headers())
    declined, _, notice = other.predict(
        "Hur många semesterdagar har en sjuksköterska?", "", "", "", api_name="/ask"
    )
    assert len(declined) > 1 and message_text(declined[0]).startswith("Hur många")
    assert "framgår inte" in message_text(declined[1])
    assert declined[2]["metadata"]["title"].startswith("Se även [1]")
    assert "Dokumenten säger inget" in str(notice)

    filtered, _, _ = Client(f"{server.url}/chat/", verbose=False, headers=server.headers()).predict(
        "Vilka är de strategiska målen?", "Landstinget i Jönköpings län", "", "", api_name="/ask"
    )
    titles = [m["metadata"]["title"] for m in filtered if m.get("metadata")]
    assert titles and all("Landstinget i Jönköpings län" in t for t in titles)


# ---- the page is behind the same door as the API ----------------------------------------


def test_nothing_on_the_page_answers_without_credentials(server: LiveServer) -> None:
    with pytest.raises(ValueError, match="credentials were not provided"):
        Client(f"{server.url}/chat/", verbose=False).predict(QUESTION, "", "", "", api_name="/ask")
    chat = f"{server.url}/chat"
    join = {"data": [QUESTION, [], "", "", "", "sv"], "fn_index": 0, "session_hash": "x"}
    refused = [
        httpx.post(f"{chat}/gradio_api/queue/join", json=join),
        httpx.get(f"{chat}/gradio_api/queue/data", params={"session_hash": "x"}),
        httpx.get(f"{chat}/config"),
        httpx.get(f"{chat}/gradio_api/info"),
        httpx.get(f"{chat}/config", headers=server.headers("wrong-key")),
        httpx.get(f"{chat}/config", headers={"X-Remote-User": ""}),
    ]
    assert [r.status_code for r in refused] == [401] * len(refused)
    closed = [  # routes that serve or take files answer no one
        httpx.post(f"{chat}/gradio_api/upload", files={"files": ("a.txt", b"x")}),
        httpx.get(f"{chat}/gradio_api/file=/etc/hostname"),
        httpx.get(f"{chat}/gradio_api/file=/etc/hostname", headers=server.headers()),
    ]
    assert [r.status_code for r in closed] == [404] * len(closed)
    page = httpx.get(f"{chat}/")
    assert page.status_code == 303 and page.headers["location"] == "/signin"


def test_the_page_opens_with_a_key_or_the_proxys_user_header(server: LiveServer) -> None:
    chat = f"{server.url}/chat"
    assert httpx.get(f"{chat}/config", headers=server.headers()).status_code == 200
    assert httpx.get(f"{chat}/config", headers={"X-Remote-User": "anna.a"}).status_code == 200
    same_site = {"Origin": server.url}
    signin = httpx.post(f"{server.url}/signin", data={"key": "wrong-key"}, headers=same_site)
    assert signin.status_code == 401 and "inte" in signin.text
    with httpx.Client(base_url=server.url, headers=same_site) as browser:
        signed_in = browser.post("/signin", data={"key": "reader-key"})
        assert signed_in.status_code == 303 and signed_in.headers["location"] == "/chat/"
        assert browser.get("/chat/config").status_code == 200
        browser.post("/signout")
        assert browser.get("/chat/config").status_code == 401


# ---- in a real browser (fixtures in tests/browser_page.py) ----------------------------


def test_browser_opens_a_citation_on_the_verbatim_paragraph(page) -> None:
    from playwright.sync_api import expect

    ask_on_page(page, QUESTION)
    chat = page.locator("#pa-chat")
    expect(chat).to_contain_text("landstingsfullmäktige som antar")
    expect(chat).not_to_contain_text("Avsnitt:")  # the paragraph opens on a click
    chat.get_by_text("Källa [1]").click()
    expect(chat.get_by_text("Avsnitt:")).to_be_visible()
    expect(chat).to_contain_text("Version: v1")
    expect(chat).to_contain_text("Det är landstingsfullmäktige som antar Landstinget Dalarnas")
    assert not page.outside, f"the page fetched from outside the server: {page.outside}"


def test_browser_feedback_reaches_the_maintainers(page, server: LiveServer) -> None:
    from playwright.sync_api import expect

    ask_on_page(page, QUESTION)
    page.locator("#pa-chat button[aria-label='Dåligt svar']").first.click()
    expect(page.locator("#pa-notice")).to_contain_text("Tack")
    page.locator("#pa-comment textarea").fill("Svaret saknar datum för beslutet.")
    page.locator("#pa-send-comment").click()
    expect(page.locator("#pa-comment textarea")).to_have_value("")

    feedback = httpx.get(f"{server.url}/v1/feedback", headers=server.headers("admin-key"))
    latest = feedback.json()["feedback"][0]
    assert latest["source"] == "chat" and latest["rating"] == "down"
    assert latest["comment"] == "Svaret saknar datum för beslutet."
    assert latest["question"] == QUESTION and "landstingsfullmäktige" in latest["answer"].lower()


def test_browser_decline_notice_and_new_conversation(page) -> None:
    from playwright.sync_api import expect

    ask_on_page(page, "Vad kostar en parkeringsplats vid sjukhuset?", expected="Se även [1]")
    expect(page.locator("#pa-notice")).to_contain_text("Dokumenten säger inget")
    new_conversation(page)
    expect(page.locator("#pa-chat")).not_to_contain_text("parkeringsplats")
    expect(page.locator("#pa-notice")).to_be_hidden()


def test_browser_example_question_is_asked(page) -> None:
    from playwright.sync_api import expect

    page.get_by_text("Vilka nätverk är Landstinget Dalarna medlem i?").click()
    wait_until_answered(page, "Källa [1]")
    expect(page.locator("#pa-chat")).to_contain_text("Vilka nätverk är Landstinget Dalarna")


def test_browser_organisation_filter(page) -> None:
    open_filters(page)
    page.locator("#pa-organisation input").click()
    page.get_by_role("option", name="Landstinget i Jönköpings län").click()
    ask_on_page(
        page, "Vilka är de strategiska målen?", expected="Källa [1] · Landstinget i Jönköpings län"
    )


def test_browser_signs_out_for_good(page, server: LiveServer) -> None:
    """The page's own sign-out ends the server's session: the page, reloaded, asks for a key."""
    from playwright.sync_api import expect

    page.locator("#pa-sign-out").click()
    expect(page.locator("#key")).to_be_visible(timeout=10_000)
    page.goto(f"{server.url}/chat/")
    expect(page.locator("#key")).to_be_visible()


def test_browser_switches_to_english(page) -> None:
    from playwright.sync_api import expect

    open_filters(page)
    page.get_by_text("English", exact=True).click()
    expect(page.locator("#pa-ask")).to_have_text("Ask")
    expect(page.locator("#pa-clear")).to_have_text("New conversation")
    ask_on_page(page, "Who adopts the international policy in Dalarna?", expected="Source [1]")


# ---- document text is shown as typed: never rendered, run or fetched ----------------------

HOSTILE_POLICY = """---
id: riktlinje-testning
title: Riktlinje för testning
organisation: Testregionen
---
Riktlinje för testning

Ansvarig för riktlinjen är kvalitetsstrategen <b>Fet</b> <script>window.pwned=1</script> enligt beslut.

Kartan ![karta](http://127.0.0.1:9/karta.png) visar området <img src=x onerror="window.pwned=2"> där riktlinjen gäller.
"""  # noqa: E501
SCRIPT_SENTENCE = (
    "Ansvarig för riktlinjen är kvalitetsstrategen <b>Fet</b> "
    "<script>window.pwned=1</script> enligt beslut."
)
IMAGE_SENTENCE = (
    "Kartan ![karta](http://127.0.0.1:9/karta.png) visar området "
    '<img src=x onerror="window.pwned=2"> där riktlinjen gäller.'
)


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory, corpus_data: Path):
    from tests.conftest import copy_data
    from tests.live_server import start_server

    root = tmp_path_factory.mktemp("hostile")
    live = start_server(copy_data(corpus_data, root / "data"), {}, admin_key="admin-key")
    files = {"files": ("riktlinje.txt", HOSTILE_POLICY.encode(), "text/plain")}
    ingested = httpx.post(
        f"{live.url}/v1/ingest", files=files, headers=live.headers("admin-key"), timeout=60
    )
    assert ingested.status_code == 200, ingested.text
    yield live
    live.stop()


def test_browser_shows_document_text_as_typed(browser, hostile_server: LiveServer) -> None:
    from playwright.sync_api import expect

    page = browser.new_page()
    outside: list[str] = []
    page.on(
        "request", lambda r: None if r.url.startswith(hostile_server.url) else outside.append(r.url)
    )
    page.goto(f"{hostile_server.url}/chat/")
    expect(page.locator("#pa-ask")).to_have_text("Fråga", timeout=30_000)
    chat = page.locator("#pa-chat")
    for question, sentence in [
        ("Vem är ansvarig för riktlinjen för testning?", SCRIPT_SENTENCE),
        ("Vad visar kartan i riktlinjen för testning?", IMAGE_SENTENCE),
    ]:
        ask_on_page(page, question)
        expect(chat).to_contain_text(sentence)  # in the answer, as typed
        new_conversation(page)
    ask_on_page(page, "Vem är ansvarig för riktlinjen för testning?")
    chat.get_by_text("Källa [1]").click()
    expect(chat.locator("blockquote")).to_contain_text(SCRIPT_SENTENCE)  # in the citation
    assert page.evaluate("() => window.pwned") is None
    assert not chat.locator("img, script, b").count()
    assert not outside, f"the page fetched from outside the server: {outside}"
    page.close()


PARKING = """---
id: testregion-parkering
title: Riktlinje för parkering
organisation: Region Testland
effective_date: {date}
---
# Riktlinje för parkering

## Avgift

Parkeringsavgiften för anställda i Region Testland är {fee} kronor per månad.
"""


def test_browser_date_field_answers_from_the_version_then_in_force(
    page, server: LiveServer
) -> None:
    from playwright.sync_api import expect

    admin = server.headers("admin-key")
    for day, fee in (("2024-01-01", 300), ("2025-01-01", 400)):
        body = PARKING.format(date=day, fee=fee).encode()
        files = {"files": (f"parkering-{day}.md", body)}
        uploaded = httpx.post(f"{server.url}/v1/ingest", files=files, headers=admin, timeout=60)
        assert uploaded.status_code == 200, uploaded.text
    try:
        question = "Vad kostar parkering för anställda i Region Testland?"
        open_filters(page)
        page.locator("#pa-as-of input").fill("2024-06-30")
        ask_on_page(page, question)
        chat = page.locator("#pa-chat")
        expect(chat).to_contain_text("300 kronor per månad. [1]")
        # The later wording is named in one line, with its own citation.
        expect(chat).to_contain_text("Sedan 2025-01-01 gäller en ny lydelse:")
        chat.get_by_text("Källa [1]").first.click()
        expect(chat).to_contain_text("v1, 2024-01-01 (ersatt)")

        new_conversation(page)
        page.locator("#pa-as-of input").fill("")
        ask_on_page(page, question)
        expect(chat).to_contain_text("400 kronor")
    finally:
        httpx.delete(f"{server.url}/v1/documents/testregion-parkering", headers=admin)


def test_browser_declines_in_the_pages_language_when_the_question_does_not_tell(page) -> None:
    """A question too short to tell its language ("Parking fees?") is declined in the language
    of the page it was asked on."""
    from playwright.sync_api import expect

    ask_on_page(page, "Parking fees?", expected="Se även [1]")
    expect(page.locator("#pa-chat")).to_contain_text("Det framgår inte av dokumenten")
    new_conversation(page)
    open_filters(page)
    page.get_by_text("English", exact=True).click()
    expect(page.locator("#pa-ask")).to_have_text("Ask")
    ask_on_page(page, "Parking fees?", expected="See also [1]")
    expect(page.locator("#pa-chat")).to_contain_text("The documents don't say")
    # A question that tells its language is answered in it, whatever the page's.
    new_conversation(page)
    ask_on_page(page, "Vad kostar parkeringen vid sjukhuset?", expected="See also [1]")
    expect(page.locator("#pa-chat")).to_contain_text("Det framgår inte av dokumenten")
