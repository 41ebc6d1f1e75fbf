"""Where a citation's paragraph is shown in its document (the source view, routes/source.py)."""

from __future__ import annotations

from urllib.parse import quote

from assistant.types import Citation

SOURCE_ROUTE = "/chat/source/{doc_id}/{number}"


def source_link(citation: Citation, lang: str = "sv") -> str:
    """The paragraph in its document version, relative to the chat page (`/chat/`), so that it
    holds under any path prefix: `source/{document}/{version}#p{position}`."""
    query = "?lang=en" if lang == "en" else ""
    document = quote(citation.document, safe="")
    return f"source/{document}/{citation.version_number}{query}#p{citation.position}"
