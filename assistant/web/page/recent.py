"""The chat page's recent conversations: saved after each answer, listed, reopened, deleted.

A conversation belongs to the signed-in user, or on an open page (no keys) to the browser,
known by a random id in a cookie the gate sets. The server remembers which conversation each of
the owner's browsers is in, so a reload or a restart opens it again there (another browser
starts afresh, with the list). Nothing the browser sends names a conversation but the list's
choice, which is looked up under its owner; and a conversation is reopened only while its
owner may still read every version its answers cited.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import gradio as gr

from assistant.storage.conversations import Conversation
from assistant.web.conversations import BROWSER_ID, may_open, owner_of
from assistant.web.page.texts import TEXTS
from assistant.web.runtime import Runtime
from assistant.web.security import BROWSER_COOKIE

NEW = {"id": None, "cited": []}  # the page's record of a conversation not yet saved


class RecentConversations:
    def __init__(self, runtime: Runtime, labels_of) -> None:
        self.runtime = runtime
        self.labels_of = labels_of  # (request) → the user's access labels
        self.store = runtime.conversations

    def restore(self, lang: str, request: gr.Request) -> tuple:
        """On load: (chat, conversation, record, list, export) with the conversation its owner
        was in, if they may still open it."""
        owner = self.owner(request)
        opened = self._openable(owner, self.store.current(self.place(request)), request)
        if opened is None:
            return [], [], dict(NEW), self.listing(owner, None, lang), export_link(None, lang)
        record = {"id": opened.id, "cited": opened.cited}
        return (
            opened.messages, opened.messages, record, self.listing(owner, opened.id, lang),
            export_link(opened.id, lang),
        )  # fmt: skip

    def remember(self, messages: list[dict], record: dict, lang: str, request: gr.Request) -> tuple:
        """After an answer: (record, list, export) with the conversation saved."""
        if not messages:
            return record, gr.update(), gr.update()
        owner = self.owner(request)
        cited = [tuple(c) for c in record.get("cited", [])]
        saved = self.store.save(owner, record.get("id"), messages, cited)
        self.store.set_current(self.place(request), saved)
        listing = self.listing(owner, saved, lang)
        return {**record, "id": saved}, listing, export_link(saved, lang)

    def reopen(self, chosen: str, record: dict, lang: str, request: gr.Request) -> tuple:
        """(chat, conversation, record, feedback ids, notice, export) for the chosen one;
        nothing when it is the one shown (the list changes with every answer saved, every
        new conversation and every reload, not only when a user chooses)."""
        if chosen == (record.get("id") or ""):
            return (gr.update(),) * 6
        owner = self.owner(request)
        opened = self._openable(owner, chosen, request) if chosen else None
        self.store.set_current(self.place(request), opened.id if opened else None)
        if opened is None:
            notice = gr.update(value=TEXTS[lang]["cannot_reopen"], visible=bool(chosen))
            return [], [], dict(NEW), {}, notice, export_link(None, lang)
        record = {"id": opened.id, "cited": opened.cited}
        hidden, link = gr.update(visible=False), export_link(opened.id, lang)
        return opened.messages, opened.messages, record, {}, hidden, link

    def forget(self, chosen: str, record: dict, lang: str, request: gr.Request) -> tuple:
        """Delete the chosen conversation: (list, chat, conversation, record, feedback ids,
        notice, export); the chat empties when it was the one shown."""
        owner = self.owner(request)
        removed = bool(chosen) and self.store.delete(owner, chosen)
        notice = gr.update(value=TEXTS[lang]["deleted"], visible=removed)
        if removed and record.get("id") == chosen:
            listing, link = self.listing(owner, None, lang), export_link(None, lang)
            return listing, [], [], dict(NEW), {}, notice, link
        listing = self.listing(owner, record.get("id"), lang)
        unchanged = gr.update()
        return listing, unchanged, unchanged, record, unchanged, notice, unchanged

    def start_over(self, lang: str, request: gr.Request) -> tuple:
        """A new conversation: (chat, conversation, feedback ids, notice, question, record,
        list, export)."""
        owner = self.owner(request)
        self.store.set_current(self.place(request), None)
        hidden = gr.update(visible=False)
        return [], [], {}, hidden, "", dict(NEW), self.listing(owner, None, lang), hidden

    def listing(self, owner: str | None, current: str | None, lang: str) -> Any:
        choices = [(_label(c), c.id) for c in self.store.recent(owner)]
        return gr.update(
            choices=[(TEXTS[lang]["no_conversation"], ""), *choices], value=current or ""
        )

    def owner(self, request: gr.Request) -> str | None:
        name = request.username if request is not None else None
        return owner_of(self.runtime, name, _browser(request))

    def place(self, request: gr.Request) -> str | None:
        """The owner in this browser: where "the conversation it was in" is kept."""
        owner, browser = self.owner(request), _browser(request)
        return f"{owner} {browser}" if owner and browser else None

    def _openable(
        self, owner: str | None, conversation_id: str | None, request: gr.Request
    ) -> Conversation | None:
        if not conversation_id:
            return None
        found = self.store.get(owner, conversation_id)
        if found is None or not may_open(self.runtime, found, self.labels_of(request)):
            return None
        return found


def _browser(request: gr.Request) -> str | None:
    cookies = getattr(request, "cookies", None) or {}
    browser = cookies.get(BROWSER_COOKIE)
    return browser if browser and BROWSER_ID.fullmatch(browser) else None


def export_link(conversation_id: str | None, lang: str) -> Any:
    """The export button's link (relative to the chat page), shown once there is something."""
    if not conversation_id:
        return gr.update(visible=False)
    query = "?lang=en" if lang == "en" else ""
    return gr.update(link=f"export/{conversation_id}{query}", visible=True)


def _label(conversation: Conversation) -> str:
    when = datetime.fromtimestamp(conversation.updated_at).strftime("%Y-%m-%d %H:%M")
    return f"{when} · {conversation.title}"
