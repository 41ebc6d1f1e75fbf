"""A saved conversation as its owner may see it: whether it may still be opened, and as a
Markdown file with its citations (the page's export)."""

from __future__ import annotations

import re
from datetime import datetime

from assistant.storage.conversations import Conversation
from assistant.types import Labels
from assistant.web.page.history import split_note
from assistant.web.runtime import NotReadyError, Runtime

BROWSER_ID = re.compile(r"[A-Za-z0-9_-]{20,64}")
# The page's links to its views (a citation's paragraph, an answer's changes), relative to it.
VIEW_LINK = re.compile(r"\]\(((?:source|changes)/[^)\s]+)\)")


def may_open(runtime: Runtime, conversation: Conversation, labels: Labels) -> bool:
    """Whether a reader holding `labels` may still read every version the conversation cited."""
    if not conversation.cited:
        return True
    try:
        assistant = runtime.assistant
    except NotReadyError:
        return False
    readable = {
        (record.doc_id, f"v{version.version}")
        for record in assistant.documents(include_withdrawn=True, labels=labels)
        for version in record.versions
    }
    return all((doc, version) in readable for doc, version in conversation.cited)


def as_markdown(conversation: Conversation, page_url: str, words: dict[str, str]) -> str:
    """The questions, the answers and each answer's citations, as the page showed them (its
    Markdown), with the links to the source and changes views made absolute (`page_url` is the
    chat's)."""
    when = datetime.fromtimestamp(conversation.updated_at).strftime("%Y-%m-%d %H:%M")
    parts = [f"# {words['title']}", f"{when} · {conversation.title}"]
    for message in conversation.messages:
        content = str(message.get("content") or "")
        title = (message.get("metadata") or {}).get("title")
        if message.get("role") == "assistant":  # the page escaped the text, not its links
            content = VIEW_LINK.sub(lambda m: f"]({page_url}{m.group(1)})", content)
        if title:
            parts.append(f"### {title}\n\n{content}")
        elif message.get("role") == "user":
            parts.append(f"## {words['question']}\n\n{content}")
        else:
            text, note = split_note(content)
            parts.append(f"**{words['answer']}:**\n\n{text}" + (f"\n\n*{note}*" if note else ""))
    return "\n\n".join(parts) + "\n"


def owner_of(runtime: Runtime, user: str | None, browser: str | None) -> str | None:
    """Whose conversations: the signed-in user's; on an open page (no keys), the browser's,
    by the random id of its cookie (None without one: nothing is kept)."""
    if runtime.settings.api_keys:
        return f"user:{user}" if user else None
    return f"browser:{browser}" if browser and BROWSER_ID.fullmatch(browser) else None
