"""Where a citation's paragraph is shown in its document (the source view, routes/source.py)."""

from __future__ import annotations

import re
from urllib.parse import quote

from assistant.types import Citation

SOURCE_ROUTE = "/chat/source/{doc_id}/{number}"


def source_link(citation: Citation, lang: str = "sv") -> str:
    """The paragraph in its document version, relative to the chat page (`/chat/`), so that it
    holds under any path prefix: `source/{document}/{version}#p{position}`."""
    query = "?lang=en" if lang == "en" else ""
    document = quote(citation.document, safe="")
    return f"source/{document}/{citation.version_number}{query}#p{citation.position}"


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
