"""Staff's recent conversations on the chat page, in a real Chromium against a real server:
kept across a reload and a restart, listed and reopened, deleted by their owner, and never
shown to anyone else, whatever the browser sends."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

from assistant.storage.conversations import ConversationStore
from tests.browser_page import ask_on_page, new_conversation, settled
from tests.live_server import LiveServer

QUESTION = "Vem antar den internationella policyn i Dalarna?"
OTHER_QUESTION = "Vilka nätverk är Landstinget Dalarna medlem i?"


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory, corpus_data: Path):
    """A server of this module's own, which the tests restart."""
    from tests.conftest import copy_data
    from tests.live_server import start_server

    root = tmp_path_factory.mktemp("conversations")
    live = start_server(copy_data(corpus_data, root / "data"), {}, api_key="reader-key")
    yield live
    live.stop()


def sign_in(context, server: LiveServer, key: str):
    from playwright.sync_api import expect

    page = context.new_page()
    page.goto(f"{server.url}/signin")
    page.locator("#key").fill(key)
    page.locator("#signin").click()
    expect(page.locator("#pa-ask")).to_have_text("Fråga", timeout=30_000)
    settled(page)
    return page


def listed(page) -> list[str]:
    page.locator("#pa-recent input").click()
    names = page.locator("#pa-recent [role=option]").all_inner_texts()
    page.locator("h1").click()  # away: the list closes
    names = [n.replace("✓", "").strip() for n in names]  # ✓ marks the one chosen
    return [n for n in names if n != "Välj ett samtal"]


def test_a_conversation_survives_a_reload_and_a_restart(browser, own_server: LiveServer) -> None:
    from playwright.sync_api import expect

    from tests.live_server import start_server

    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = sign_in(context, own_server, "reader-key")
    ask_on_page(page, QUESTION)
    ask_on_page(page, OTHER_QUESTION, expected="Källa [2]")
    settled(page)
    page.reload()
    chat = page.locator("#pa-chat")
    expect(chat).to_contain_text("landstingsfullmäktige som antar", timeout=30_000)
    expect(chat).to_contain_text("nätverk")
    own_server.stop()
    port = urlparse(own_server.url).port
    restarted = start_server(own_server.data_dir, {}, api_key="reader-key", port=port)
    own_server.process = restarted.process  # the module's fixture stops the new process
    page.reload()
    expect(chat).to_contain_text("landstingsfullmäktige som antar", timeout=30_000)
    # A follow-up continues the same conversation: one conversation is listed, not two.
    ask_on_page(page, "Och vem ansvarar för den strategiska inriktningen?", expected="Källa [3]")
    settled(page)
    assert len(listed(page)) == 1
    context.close()


def test_recent_conversations_are_listed_reopened_and_deleted(browser, own_server) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = sign_in(context, own_server, "reader-key")  # in the conversation the user was in
    new_conversation(page)
    ask_on_page(page, "Vilka är de strategiska målen för det internationella arbetet i Jönköping?")
    settled(page)
    before = listed(page)
    assert any("strategiska målen" in name for name in before)
    page.locator("#pa-clear").click()
    expect(page.locator("#pa-chat")).not_to_contain_text("[1]")
    settled(page)
    page.locator("#pa-recent input").click()
    page.get_by_role("option", name="strategiska målen").first.click()
    expect(page.locator("#pa-chat")).to_contain_text("Källa [2]", timeout=10_000)
    page.locator("#pa-forget").click()
    expect(page.locator("#pa-notice")).to_contain_text("borttaget")
    expect(page.locator("#pa-chat")).not_to_contain_text("Källa [1]")
    settled(page)
    assert len(listed(page)) == len(before) - 1
    page.reload()
    settled(page)
    expect(page.locator("#pa-chat")).not_to_contain_text("Källa [1]")
    context.close()


def test_a_keyboard_user_reopens_a_conversation_and_starts_over(browser, own_server) -> None:
    """The list by keys alone: arrow to a conversation, Enter opens it; tabbing on past the
    list to "new conversation" and pressing Enter leaves an empty chat, and it stays empty
    (the list's own blur must not bring the conversation back)."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = sign_in(context, own_server, "reader-key")
    new_conversation(page)
    ask_on_page(page, "Vem ansvarar för uppföljningen av den internationella policyn?")
    new_conversation(page)
    chat, listing = page.locator("#pa-chat"), page.locator("#pa-recent input")
    reopen_by_keys(page)
    for _ in range(3):
        listing.focus()
        page.keyboard.press("Shift+Tab")  # past the list, backwards: to "new conversation"
        expect(page.locator("#pa-clear")).to_be_focused()
        page.keyboard.press("Enter")
        expect(chat).not_to_contain_text("uppföljningen")
        page.wait_for_timeout(1_000)
        settled(page)
        expect(chat).not_to_contain_text("uppföljningen", timeout=1)
        reopen_by_keys(page)
    context.close()


def reopen_by_keys(page) -> None:
    from playwright.sync_api import expect

    page.locator("#pa-recent input").focus()  # the list opens on "no conversation"
    page.keyboard.press("ArrowDown")  # the most recent conversation
    page.keyboard.press("Enter")
    expect(page.locator("#pa-chat")).to_contain_text("uppföljningen")
    settled(page)


def reopen_event(server: LiveServer, headers: dict, conversation_id: str) -> str:
    """The page's own "reopen" event, sent straight to Gradio's queue with a chosen id."""
    from tests.test_security_page_files import run_event

    with httpx.Client(base_url=server.url, headers=headers, timeout=60) as client:
        config = client.get("/chat/config").json()
        recent = next(
            c["id"] for c in config["components"] if c["props"].get("elem_id") == "pa-recent"
        )
        index = next(
            n
            for n, d in enumerate(config["dependencies"])
            if d["inputs"][:1] == [recent] and any(t[1] == "change" for t in d["targets"])
        )
        assert len(config["dependencies"][index]["inputs"]) == 3  # choice, record, language
        return run_event(client, index, [conversation_id, {"id": None, "cited": []}, "sv"])


def test_nobody_sees_anothers_conversations(browser, own_server: LiveServer) -> None:
    """Another user, holding the first user's conversation id, finds nothing: not in the chat,
    not in the list, not through the page's own events, not in an export."""
    from playwright.sync_api import expect

    first = browser.new_context(viewport={"width": 1366, "height": 900})
    page = sign_in(first, own_server, "reader-key")
    ask_on_page(page, "Vem ansvarar för uppföljningen av den internationella policyn?")
    settled(page)
    link = page.locator("#pa-export").get_attribute("href") or ""
    conversation_id = link.split("export/")[1].split("?")[0]
    first.close()

    theirs = reopen_event(own_server, {"Authorization": "Bearer another-key"}, conversation_id)
    assert "uppföljningen" not in theirs
    exported = httpx.get(
        f"{own_server.url}/chat/export/{conversation_id}",
        headers={"Authorization": "Bearer another-key"},
    )
    assert exported.status_code == 404 and "uppföljningen" not in exported.text
    second = browser.new_context(viewport={"width": 1366, "height": 900})
    other = sign_in(second, own_server, "another-key")
    expect(other.locator("#pa-chat")).not_to_contain_text("uppföljningen")
    assert listed(other) == []
    second.close()


def test_on_an_open_page_each_browser_keeps_its_own(browser, open_server: LiveServer) -> None:
    """Without keys, a browser's conversations are its own, by the random id of its cookie."""
    from playwright.sync_api import expect

    first = browser.new_context(viewport={"width": 1366, "height": 900})
    page = first.new_page()
    page.goto(f"{open_server.url}/chat/")
    expect(page.locator("#pa-ask")).to_have_text("Fråga", timeout=30_000)
    settled(page)
    ask_on_page(page, QUESTION)
    settled(page)
    page.reload()
    expect(page.locator("#pa-chat")).to_contain_text("landstingsfullmäktige som antar")
    cookie = next(c for c in first.cookies() if c["name"] == "policy_assistant_browser")
    assert cookie["httpOnly"] and len(cookie["value"]) >= 20
    second = browser.new_context(viewport={"width": 1366, "height": 900})
    other = second.new_page()
    other.goto(f"{open_server.url}/chat/")
    expect(other.locator("#pa-ask")).to_have_text("Fråga", timeout=30_000)
    settled(other)
    expect(other.locator("#pa-chat")).not_to_contain_text("landstingsfullmäktige som antar")
    assert listed(other) == []
    first.close()
    second.close()


def test_conversations_unused_longer_than_kept_are_gone(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'conversations.sqlite'}"
    store = ConversationStore(url, keep_days=0.5 / 86400)  # half a second
    messages = [{"role": "user", "content": "Vem antar policyn?"}]
    kept = store.save("user:anna", None, messages, [("policy", "v1")])
    assert store.get("user:anna", kept) is not None
    assert store.get("user:bo", kept) is None
    assert store.save("user:bo", kept, messages, []) != kept  # never someone else's
    time.sleep(0.6)
    assert store.get("user:anna", kept) is None
    assert store.recent("user:anna") == []
    store.save("user:anna", None, messages, [])  # a save clears what is past its time
    with store.db.transaction() as db:
        assert db.exec_driver_sql("SELECT count(*) FROM conversations").scalar() == 1


def test_a_conversation_is_exported_with_its_citations(browser, own_server: LiveServer) -> None:
    """Its owner downloads it as Markdown: questions, answers, each citation with its verbatim
    paragraph and a link to it; the same link gives anyone else nothing."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    page = sign_in(context, own_server, "reader-key")
    ask_on_page(page, QUESTION)
    settled(page)
    with page.expect_download() as downloading:
        page.locator("#pa-export").click()
    download = downloading.value
    text = Path(download.path()).read_text(encoding="utf-8")
    assert download.suggested_filename.endswith(".md")
    assert f"## Fråga\n\n{QUESTION}" in text
    assert "Det är landstingsfullmäktige som antar" in text
    assert "### Källa [1] · Landstinget Dalarna" in text
    assert f"]({own_server.url}/chat/source/dalarna-internationell-policy/1" in text
    path = urlparse(download.url).path
    other = httpx.get(f"{own_server.url}{path}", headers={"Authorization": "Bearer another-key"})
    assert other.status_code == 404 and "Landstinget" not in other.text
    assert httpx.get(f"{own_server.url}{path}").status_code == 303  # signed out: sign in first
    context.close()
