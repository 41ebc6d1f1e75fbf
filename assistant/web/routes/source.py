"""The source view: a document version as staff read it, the cited paragraph marked.

A citation's link, `/chat/source/{document}/{version}#p{position}`, opens that version at the
paragraph, highlighted, with the paragraphs around it. It sits behind the chat page's door (the
gate signs a browser in first) and shows only versions the reader's labels allow. Every text is
escaped: a document is shown as typed, never rendered.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse

from assistant.web.dependencies import RuntimeDep
from assistant.web.runtime import NotReadyError
from assistant.web.source_links import SOURCE_ROUTE, heading_trail
from assistant.web.view_pages import (
    WORDS,
    escaped,
    language,
    notice_page,
    reader_labels,
    view_page,
)

router = APIRouter(include_in_schema=False)

CITED = {"sv": "Citerat stycke", "en": "Cited paragraph"}


@router.get(SOURCE_ROUTE, response_class=HTMLResponse)
def source(
    doc_id: Annotated[str, Path(max_length=200)],
    number: Annotated[int, Path(ge=1, le=1_000_000)],
    request: Request,
    runtime: RuntimeDep,
    lang: str = "sv",
) -> HTMLResponse:
    lang = language(lang)
    words = WORDS[lang]
    back = "../../?lang=en" if lang == "en" else "../../"  # the chat page, under any prefix
    try:
        assistant = runtime.assistant
    except NotReadyError:
        return notice_page(lang, "loading", back, 503)
    record = assistant.history.record(doc_id, reader_labels(runtime, request))
    version = record.version(number) if record is not None else None
    if record is None or version is None or version.withdrawn:
        return notice_page(lang, "missing", back, 404)
    status = words["status"][record.status(version)]
    meta = " · ".join(
        filter(None, [version.organisation, f"{words['version']} v{version.version}, "
                      f"{version.effective_date} ({status})"])
    )  # fmt: skip
    parts = [f"<h1>{escaped(version.title)}</h1>", f'<p class="meta">{escaped(meta)}</p>']
    section = None
    for text, chunk in assistant.catalog.chunks(doc_id, number):
        if chunk.get("section") != section:
            section = chunk.get("section")
            trail = " › ".join(heading_trail(section or "", version.title)) or version.title
            parts.append(f"<h2>{escaped(trail)}</h2>")
        parts.append(
            f'<p class="paragraph" id="p{int(chunk["position"])}" '
            f'data-cited="{escaped(CITED[lang])}">{escaped(chunk.get("text", text))}</p>'
        )
    return view_page(lang, f"{version.title} – v{version.version}", "\n".join(parts), back, 200)
