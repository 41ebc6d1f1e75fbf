"""Where the views an answer leads to are: a citation's paragraph in its document (the source
view, routes/source.py) and every change between two versions (the changes view,
routes/changes.py); links relative to the chat page (`/chat/`), so that they hold under any
path prefix."""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

from assistant.types import Citation, ComparedVersions

SOURCE_ROUTE = "/chat/source/{doc_id}/{number}"
CHANGES_ROUTE = "/chat/changes/{doc_id}/{old}/{new}"


def source_link(citation: Citation, lang: str = "sv") -> str:
    """The paragraph in its document version: `source/{document}/{version}#p{position}`."""
    return paragraph_link(citation.document, citation.version_number, citation.position, lang)


def paragraph_link(document: str, version: int, position: int | None, lang: str = "sv") -> str:
    """A version of a document at one of its paragraphs (at its top without one)."""
    query = "?lang=en" if lang == "en" else ""
    anchor = f"#p{position}" if position is not None else ""
    return f"source/{quote(document, safe='')}/{version}{query}{anchor}"


def changes_link(compared: ComparedVersions, lang: str = "sv") -> str:
    """Every change between the two versions an answer compared:
    `changes/{document}/{old}/{new}`."""
    query = "?lang=en" if lang == "en" else ""
    return f"changes/{quote(compared.document, safe='')}/{compared.old}/{compared.new}{query}"


def changes_api_link(compared: ComparedVersions) -> str:
    """The same changes from the JSON API, for its clients (the versions by their dates)."""
    query = urlencode({"from": compared.old_date, "to": compared.new_date})
    return f"/v1/documents/{quote(compared.document, safe='')}/changes?{query}"


DASHES = re.compile(r"\s*[-‐‑‒–—―]\s*")


def heading_trail(section: str, title: str) -> list[str]:
    """A paragraph's headings below the document's title: the trail often begins with the
    title, spelt with other dashes or spacing ("Policy - mål", "Policy – mål")."""
    trail = [part.strip() for part in section.split("›") if part.strip()]
    if trail and _plain(trail[0]) == _plain(title):
        trail = trail[1:]
    return trail


def _plain(heading: str) -> str:
    return DASHES.sub("-", " ".join(heading.split())).casefold()
