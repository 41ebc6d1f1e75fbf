"""The staff page under the accessibility law (lag 2018:1937, WCAG 2.1 AA): axe-core finds no
serious or critical violation in any state of the page, everything works from the keyboard with
a visible focus, a phone shows the question on its first screen, and the words are Swedish."""

from __future__ import annotations

import httpx
import pytest

from tests.browser_page import (
    ask_on_page,
    new_conversation,
    open_filters,
    serious_violations,
    settled,
    tab_to,
    wait_until_answered,
)
from tests.live_server import LiveServer

QUESTION = "Vem antar den internationella policyn i Dalarna?"
UNANSWERABLE = "Vad kostar en parkeringsplats vid sjukhuset?"


def test_axe_finds_nothing_serious_in_any_state_of_the_page(page) -> None:
    from playwright.sync_api import expect

    found = {"empty": serious_violations(page)}
    open_filters(page)
    found["filters open"] = serious_violations(page)
    ask_on_page(page, QUESTION)
    found["answered"] = serious_violations(page)
    page.locator("#pa-chat").get_by_text("Källa [1]").click()
    expect(page.locator("#pa-chat")).to_contain_text("Avsnitt:")
    found["citation open"] = serious_violations(page)
    new_conversation(page)
    ask_on_page(page, UNANSWERABLE, expected="Se även [1]")
    found["declined"] = serious_violations(page)
    page.get_by_text("English", exact=True).click()
    expect(page.locator("#pa-ask")).to_have_text("Ask")
    new_conversation(page)
    ask_on_page(page, "Who adopts the international policy in Dalarna?", expected="Source [1]")
    found["English"] = serious_violations(page)
    assert found == {state: [] for state in found}


def test_axe_on_a_phone_and_on_the_sign_in_page(browser, phone_page, server: LiveServer) -> None:
    found = {"phone": serious_violations(phone_page)}
    ask_on_page(phone_page, QUESTION)
    found["phone, answered"] = serious_violations(phone_page)
    signin = browser.new_page(viewport={"width": 390, "height": 844})
    signin.goto(f"{server.url}/signin")
    found["sign-in"] = serious_violations(signin)
    signin.locator("#key").fill("wrong-key")
    signin.locator("#signin").click()
    signin.locator("#error").wait_for()
    found["sign-in, wrong key"] = serious_violations(signin)
    signin.close()
    assert found == {state: [] for state in found}


def test_the_page_has_a_heading_labelled_controls_and_swedish_words(page) -> None:
    assert page.locator("h1").first.inner_text().strip() == "Policyassistenten"
    assert page.evaluate("document.documentElement.lang") == "sv"
    question = page.get_by_role("textbox", name="Din fråga")
    assert question.count() == 1
    ask_on_page(page, QUESTION)
    words = page.evaluate(
        """() => [...document.querySelectorAll('#pa-chat button, #pa-chat [role=button]')]
            .map(e => (e.getAttribute('aria-label') || '') + ' ' + (e.getAttribute('title') || ''))
            .join(' | ')"""
    )
    for english in ("Copy message", "Like", "Dislike", "Clear", "Select example"):
        assert english not in words
    assert "Dåligt svar" in words and "Kopiera med källor" in words
    header = page.locator("#pa-chat .title[role=button]").first
    assert header.get_attribute("aria-expanded") == "false"
    header.click()
    page.wait_for_function(
        "() => document.querySelector('#pa-chat .title[role=button]')"
        ".getAttribute('aria-expanded') === 'true'"
    )


def test_keyboard_only(page, server: LiveServer) -> None:
    """Reach the question, ask, open a citation, give feedback and start over, by keyboard."""
    from playwright.sync_api import expect

    page.locator("body").click(position={"x": 5, "y": 5})  # start from the top of the page
    tab_to(page, "#pa-question textarea")
    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")
    wait_until_answered(page, "Källa [1]")
    tab_to(page, "#pa-chat .title[role=button]")
    page.keyboard.press("Enter")
    expect(page.locator("#pa-chat")).to_contain_text("Avsnitt:")
    tab_to(page, "#pa-chat button[data-pa=dislike]")
    page.keyboard.press("Enter")
    expect(page.locator("#pa-notice")).to_contain_text("Tack")
    tab_to(page, "#pa-clear")
    page.keyboard.press("Enter")
    expect(page.locator("#pa-chat")).not_to_contain_text("[1]")
    settled(page)
    feedback = httpx.get(f"{server.url}/v1/feedback", headers=server.headers("admin-key"))
    latest = feedback.json()["feedback"][0]
    assert latest["rating"] == "down" and latest["question"] == QUESTION


def test_tabbing_through_the_filters_leaves_no_menu_open(page) -> None:
    from playwright.sync_api import expect

    open_filters(page)
    page.locator("#pa-language input").first.focus()
    tab_to(page, "#pa-organisation input")
    tab_to(page, "#pa-document input")
    tab_to(page, "#pa-as-of input")
    expect(page.locator("[role=listbox]:visible")).to_have_count(0)


def test_a_phone_shows_the_question_and_the_last_answer_on_its_first_screen(phone_page) -> None:
    height = phone_page.viewport_size["height"]
    box = phone_page.locator("#pa-question textarea").bounding_box()
    assert box and box["y"] + box["height"] <= height
    label = phone_page.locator("#pa-chat [data-testid=block-label]").bounding_box()
    empty = phone_page.locator("#pa-chat .placeholder p").first.bounding_box()
    assert label and empty and label["y"] + label["height"] <= empty["y"]  # not over the text
    ask_on_page(phone_page, QUESTION)
    answer = phone_page.locator("#pa-chat [data-testid=bot]").first.bounding_box()
    box = phone_page.locator("#pa-question textarea").bounding_box()
    assert answer and 0 <= answer["y"] < height
    assert box and box["y"] + box["height"] <= height + phone_page.evaluate("window.scrollY")
    # No scrolling box inside the scrolling page: an opened citation is read whole.
    phone_page.locator("#pa-chat").get_by_text("Källa [1]").click()
    inner = phone_page.evaluate(
        """() => [...document.querySelectorAll('#pa-chat *')].some(e => {
            const s = getComputedStyle(e);
            return /(auto|scroll)/.test(s.overflowY) && e.scrollHeight > e.clientHeight + 2;
        })"""
    )
    assert not inner
    open_filters(phone_page)  # the day is picked from a calendar
    assert phone_page.locator("#pa-as-of input").get_attribute("type") == "date"


def test_copy_gives_the_answer_as_shown_with_its_sources(page) -> None:
    ask_on_page(page, QUESTION)
    page.locator("#pa-chat button[data-pa=copy]").last.click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert (
        "Det är landstingsfullmäktige som antar Landstinget Dalarnas internationella policy. [1]"
        in copied
    )
    assert "\\" not in copied and "**" not in copied
    assert "Källor:" in copied and "Källa [1] · Landstinget Dalarna" in copied


@pytest.mark.parametrize("clear", ["#pa-clear", "#pa-chat button[data-pa=clear]"])
def test_feedback_after_a_new_conversation_is_a_new_record(page, server: LiveServer, clear) -> None:
    """A thumb on an answer of a new conversation never overwrites one of the conversation
    before it, however the conversation was cleared."""
    from playwright.sync_api import expect

    admin = server.headers("admin-key")
    before = len(httpx.get(f"{server.url}/v1/feedback", headers=admin).json()["feedback"])
    ask_on_page(page, QUESTION)
    page.locator("#pa-chat button[data-pa=dislike]").first.click()
    expect(page.locator("#pa-notice")).to_contain_text("Tack")
    page.locator(clear).first.click()
    expect(page.locator("#pa-chat")).not_to_contain_text("[1]")
    settled(page)
    ask_on_page(page, "Vilka nätverk är Landstinget Dalarna medlem i?")
    page.locator("#pa-chat button[data-pa=like]").first.click()
    expect(page.locator("#pa-notice")).to_contain_text("Tack")
    settled(page)
    records = httpx.get(f"{server.url}/v1/feedback", headers=admin).json()["feedback"]
    assert len(records) == before + 2
    newest, earlier = records[0], records[1]
    assert (earlier["rating"], earlier["question"]) == ("down", QUESTION)
    assert newest["rating"] == "up" and "nätverk" in newest["question"]


def test_a_reference_opens_its_citation_and_the_citation_its_paragraph(page) -> None:
    """[2] in the answer opens the second citation and moves the focus there; the citation's
    link opens its document version at the paragraph, highlighted, with its neighbours."""
    from playwright.sync_api import expect

    ask_on_page(page, "Vilka är de strategiska målen för det internationella arbetet i Jönköping?")
    page.locator("#pa-chat button.pa-ref[data-n='2']").first.click()
    second = page.locator("#pa-chat .title[role=button]").nth(1)
    expect(second).to_have_attribute("aria-expanded", "true")
    assert page.evaluate("() => document.activeElement.matches('#pa-chat .title[role=button]')")
    quote = page.locator("#pa-chat .thought blockquote").first.inner_text().strip()
    sizes = page.locator("#pa-chat .thought blockquote p").evaluate_all(
        "quotes => quotes.map(q => parseFloat(getComputedStyle(q).fontSize))"
    )
    assert sizes and min(sizes) >= 16, sizes  # the quote as readable as the answer
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Visa stycket i dokumentet").first.click()
    source = opened.value
    source.wait_for_load_state()
    assert "/chat/source/jonkoping-internationellt-arbete/1" in source.url
    cited = source.locator(".paragraph:target")
    expect(cited).to_have_count(1)
    assert quote.splitlines()[0][:50] in cited.inner_text()
    assert source.locator(".paragraph").count() > 3  # the paragraphs around it too
    assert source.locator("h1").inner_text().startswith("Internationellt arbete")
    assert serious_violations(source) == []
    assert not page.outside, page.outside  # type: ignore[attr-defined]
