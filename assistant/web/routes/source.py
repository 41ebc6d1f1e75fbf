"""The source view: a document version as staff read it, the cited paragraph marked.

A citation's link, `/chat/source/{document}/{version}#p{position}`, opens that version at the
paragraph, highlighted, with the paragraphs around it. It sits behind the chat page's door (the
gate signs a browser in first) and shows only versions the reader's labels allow. Every text is
escaped: a document is shown as typed, never rendered.
"""

from __future__ import annotations

import html
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse

from assistant.types import Labels
from assistant.web.dependencies import RuntimeDep
from assistant.web.runtime import NotReadyError, Runtime
from assistant.web.security import USER_SCOPE_KEY, proxy_groups
from assistant.web.source_links import SOURCE_ROUTE, heading_trail

router = APIRouter(include_in_schema=False)

WORDS = {
    "sv": {
        "back": "Tillbaka till samtalet",
        "version": "Version",
        "status": {
            "in_force": "gäller",
            "superseded": "ersatt",
            "upcoming": "kommande",
            "withdrawn": "upphävd",
        },
        "missing": "Det finns ingen sådan version som du får läsa.",
        "loading": "Assistenten startar, försök igen om en stund.",
        "cited": "Citerat stycke",
    },
    "en": {
        "back": "Back to the conversation",
        "version": "Version",
        "status": {
            "in_force": "in force",
            "superseded": "superseded",
            "upcoming": "upcoming",
            "withdrawn": "withdrawn",
        },
        "missing": "There is no such version that you may read.",
        "loading": "The assistant is starting; try again in a moment.",
        "cited": "Cited paragraph",
    },
}
PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body{{font-family:system-ui,sans-serif;font-size:1rem;line-height:1.6;color:#1f2937;
max-width:46em;margin:0 auto;padding:1em}}
a{{color:#1e40af}}
:focus-visible{{outline:3px solid #1d4ed8;outline-offset:2px}}
h1{{font-size:1.5rem;margin:.6em 0 .2em}}
h2{{font-size:1.1rem;margin:1.4em 0 .4em;color:#312e81}}
.meta{{color:#374151;margin:0 0 1em}}
.paragraph{{white-space:pre-wrap;margin:.5em 0;padding:.3em .6em;border-left:4px solid transparent;
scroll-margin-top:30vh}}
.paragraph:target{{background:#fef3c7;border-left-color:#b45309}}
.paragraph:target::before{{content:attr(data-cited);display:block;font-weight:600;
color:#78350f;font-size:.9rem}}
</style></head>
<body><main>
<p><a href="{back}">{back_text}</a></p>
{body}
</main></body></html>"""


@router.get(SOURCE_ROUTE, response_class=HTMLResponse)
def source(
    doc_id: Annotated[str, Path(max_length=200)],
    number: Annotated[int, Path(ge=1, le=1_000_000)],
    request: Request,
    runtime: RuntimeDep,
    lang: str = "sv",
) -> HTMLResponse:
    lang = "en" if lang == "en" else "sv"
    words = WORDS[lang]
    back = "../../?lang=en" if lang == "en" else "../../"  # the chat page, under any prefix
    try:
        assistant = runtime.assistant
    except NotReadyError:
        return _page(lang, words["loading"], f"<p>{words['loading']}</p>", back, 503)
    record = assistant.history.record(doc_id, reader_labels(runtime, request))
    version = record.version(number) if record is not None else None
    if record is None or version is None or version.withdrawn:
        return _page(lang, words["missing"], f"<h1>{words['missing']}</h1>", back, 404)
    status = words["status"][record.status(version)]
    meta = " · ".join(
        filter(None, [version.organisation, f"{words['version']} v{version.version}, "
                      f"{version.effective_date} ({status})"])
    )  # fmt: skip
    parts = [f"<h1>{_text(version.title)}</h1>", f'<p class="meta">{_text(meta)}</p>']
    section = None
    for text, chunk in assistant.catalog.chunks(doc_id, number):
        if chunk.get("section") != section:
            section = chunk.get("section")
            trail = " › ".join(heading_trail(section or "", version.title)) or version.title
            parts.append(f"<h2>{_text(trail)}</h2>")
        parts.append(
            f'<p class="paragraph" id="p{int(chunk["position"])}" '
            f'data-cited="{_text(words["cited"])}">{_text(chunk.get("text", text))}</p>'
        )
    return _page(lang, f"{version.title} – v{version.version}", "\n".join(parts), back, 200)


def reader_labels(runtime: Runtime, request: Request) -> Labels:
    """The access labels of the page's user (the gate has named them); an open page reads only
    documents without labels."""
    name = request.scope.get(USER_SCOPE_KEY)
    if not runtime.settings.api_keys or not name:
        return frozenset()
    groups = proxy_groups(runtime.settings, request)
    return runtime.access.caller(name, groups).labels


def _text(value: str) -> str:
    return html.escape(value, quote=True)


def _page(lang: str, title: str, body: str, back: str, status: int) -> HTMLResponse:
    words = WORDS[lang]
    page = PAGE.format(lang=lang, title=_text(title), back=back, back_text=words["back"], body=body)
    return HTMLResponse(page, status_code=status)
