"""The chat page's recent conversations: saved after each answer, listed, reopened, deleted.

A conversation belongs to the signed-in user, or on an open page (no keys) to the browser,
known by a random id kept in its local storage. The browser also remembers which conversation
it was in, so a reload or a restart opens it again. Nothing is found without its owner, and a
conversation is reopened only while its owner may still read every version its answers cited.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import gradio as gr

from assistant.storage.conversations import Conversation
from assistant.web.conversations import may_open, owner_of
from assistant.web.page.texts import TEXTS
from assistant.web.runtime import Runtime

NEW = {"id": None, "cited": []}  # the page's record of a conversation not yet saved


class RecentConversations:
    def __init__(self, runtime: Runtime, labels_of) -> None:
        self.runtime = runtime
        self.labels_of = labels_of  # (request) → the user's access labels

    def restore(self, browser: dict | None, lang: str, request: gr.Request) -> tuple:
        """On load: (chat, conversation, record, browser, list) with the conversation this
        browser was in, if its owner may still open it."""
        browser = dict(browser or {})
        browser.setdefault("id", secrets.token_urlsafe(16))
        owner = self.owner(request, browser)
        opened = self._openable(owner, browser.get("conversation"), request)
        if opened is None:
            browser["conversation"] = None
            listing = self.listing(owner, None, lang)
            return [], [], dict(NEW), browser, listing, export_link(None, browser, lang)
        record = {"id": opened.id, "cited": opened.cited}
        return (
            opened.messages, opened.messages, record, browser,
            self.listing(owner, opened.id, lang), export_link(opened.id, browser, lang),
        )  # fmt: skip

    def remember(
        self,
        messages: list[dict],
        record: dict,
        browser: dict | None,
        lang: str,
        request: gr.Request,
    ) -> tuple:
        """After an answer: (record, browser, list) with the conversation saved."""
        browser = dict(browser or {})
        if not messages:
            return record, browser, gr.update(), gr.update()
        browser.setdefault("id", secrets.token_urlsafe(16))
        owner = self.owner(request, browser)
        saved = self.runtime.conversations.save(
            owner, record.get("id"), messages, [tuple(c) for c in record.get("cited", [])]
        )
        browser["conversation"] = saved
        listing = self.listing(owner, saved, lang)
        return {**record, "id": saved}, browser, listing, export_link(saved, browser, lang)

    def reopen(self, chosen: str, browser: dict | None, lang: str, request: gr.Request) -> tuple:
        """(chat, conversation, record, feedback ids, browser, notice) for the chosen one."""
        browser = dict(browser or {})
        owner = self.owner(request, browser)
        opened = self._openable(owner, chosen, request) if chosen else None
        if opened is None:
            notice = gr.update(value=TEXTS[lang]["cannot_reopen"], visible=bool(chosen))
            browser["conversation"] = None
            return [], [], dict(NEW), {}, browser, notice, export_link(None, browser, lang)
        record = {"id": opened.id, "cited": opened.cited}
        browser["conversation"] = opened.id
        hidden, link = gr.update(visible=False), export_link(opened.id, browser, lang)
        return opened.messages, opened.messages, record, {}, browser, hidden, link

    def forget(
        self, chosen: str, record: dict, browser: dict | None, lang: str, request: gr.Request
    ) -> tuple:
        """Delete the chosen conversation: (list, chat, conversation, record, feedback ids,
        browser, notice); the chat empties when it was the one shown."""
        browser = dict(browser or {})
        owner = self.owner(request, browser)
        removed = bool(chosen) and self.runtime.conversations.delete(owner, chosen)
        notice = gr.update(value=TEXTS[lang]["deleted"], visible=removed)
        if removed and record.get("id") == chosen:
            browser["conversation"] = None
            listing = self.listing(owner, None, lang)
            link = export_link(None, browser, lang)
            return listing, [], [], dict(NEW), {}, browser, notice, link
        listing = self.listing(owner, record.get("id"), lang)
        unchanged = gr.update()
        return listing, unchanged, unchanged, record, unchanged, browser, notice, unchanged

    def start_over(self, browser: dict | None, lang: str, request: gr.Request) -> tuple:
        """A new conversation: (chat, conversation, feedback ids, notice, question, record,
        browser, list)."""
        browser = {**(browser or {}), "conversation": None}
        listing = self.listing(self.owner(request, browser), None, lang) if "id" in browser else []
        hidden = gr.update(visible=False)
        return [], [], {}, hidden, "", dict(NEW), browser, listing, hidden

    def listing(self, owner: str, current: str | None, lang: str) -> Any:
        choices = [(_label(c), c.id) for c in self.runtime.conversations.recent(owner)]
        return gr.update(
            choices=[(TEXTS[lang]["no_conversation"], ""), *choices], value=current or ""
        )

    def owner(self, request: gr.Request, browser: dict) -> str:
        name = request.username if request is not None else None
        return owner_of(self.runtime, name, browser.get("id"))

    def _openable(
        self, owner: str, conversation_id: str | None, request: gr.Request
    ) -> Conversation | None:
        if not conversation_id:
            return None
        found = self.runtime.conversations.get(owner, conversation_id)
        if found is None or not may_open(self.runtime, found, self.labels_of(request)):
            return None
        return found


def export_link(conversation_id: str | None, browser: dict, lang: str) -> Any:
    """The export button's link (relative to the chat page), shown once there is something."""
    if not conversation_id:
        return gr.update(visible=False)
    query = urlencode({"browser": browser.get("id", ""), "lang": lang})
    return gr.update(link=f"export/{conversation_id}?{query}", visible=True)


def _label(conversation: Conversation) -> str:
    when = datetime.fromtimestamp(conversation.updated_at).strftime("%Y-%m-%d %H:%M")
    return f"{when} · {conversation.title}"
