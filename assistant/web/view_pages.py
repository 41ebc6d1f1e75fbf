"""The pages staff open from an answer (the source view, the changes view): one frame, one look
and the same words in Swedish and English, the reader's access labels, and escaping. Document
text is always escaped: shown as typed, never rendered."""

from __future__ import annotations

import html

from fastapi import Request
from fastapi.responses import HTMLResponse

from assistant.types import Labels
from assistant.web.runtime import Runtime
from assistant.web.security import USER_SCOPE_KEY, proxy_groups

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
.changes{{list-style:none;padding:0;margin:0}}
.change{{margin:.8em 0;padding:.4em .6em;border:1px solid #d1d5db;border-radius:4px}}
.kind{{font-weight:600;margin:0}}
.wording{{margin:.3em 0}}
.label{{display:block;font-weight:600;font-size:.9rem;color:#374151}}
del,ins{{white-space:pre-wrap;display:block;padding:.2em .4em}}
del{{background:#fee2e2;color:#7f1d1d}}
ins{{background:#dcfce7;color:#14532d;text-decoration:none}}
</style></head>
<body><main>
<p><a href="{back}">{back_text}</a></p>
{body}
</main></body></html>"""


def reader_labels(runtime: Runtime, request: Request) -> Labels:
    """The access labels of the page's user (the gate has named them); an open page reads only
    documents without labels."""
    name = request.scope.get(USER_SCOPE_KEY)
    if not runtime.settings.api_keys or not name:
        return frozenset()
    groups = proxy_groups(runtime.settings, request)
    return runtime.access.caller(name, groups).labels


def language(lang: str) -> str:
    """`?lang=en` is English; anything else, Swedish."""
    return "en" if lang == "en" else "sv"


def escaped(value: str) -> str:
    return html.escape(value, quote=True)


def view_page(lang: str, title: str, body: str, back: str, status: int) -> HTMLResponse:
    """The page around `body` (already escaped HTML), with a link back to the chat (`back`,
    relative to the page, so that it holds under any path prefix)."""
    page = PAGE.format(
        lang=lang, title=escaped(title), back=back, back_text=WORDS[lang]["back"], body=body
    )
    return HTMLResponse(page, status_code=status)


def notice_page(lang: str, key: str, back: str, status: int) -> HTMLResponse:
    """The page for a version that is not there for this reader (404), or a server still
    loading (503): the same words whatever the reason, so a 404 tells nothing."""
    words = WORDS[lang][key]
    return view_page(lang, words, f"<h1>{words}</h1>", back, status)
