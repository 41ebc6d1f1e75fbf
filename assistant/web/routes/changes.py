"""The changes view: every paragraph changed, added and removed between two versions of a
document, the earlier wording and the new one, each linked to its paragraph in the source view.

A "what changed" answer quotes the first few changes and leads here for all of them:
`/chat/changes/{document}/{old}/{new}`. Like the source view it sits behind the chat page's door,
shows only versions the reader's labels allow (anything else is the same 404 as a missing one),
and escapes every text.
"""

from __future__ import annotations

from collections import Counter
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse

from assistant.history.places import PlacedChange, placed
from assistant.history.timeline import Changes
from assistant.storage.versions import VersionRecord
from assistant.web.dependencies import RuntimeDep
from assistant.web.runtime import NotReadyError
from assistant.web.source_links import CHANGES_ROUTE, heading_trail, paragraph_link
from assistant.web.view_pages import (
    WORDS,
    escaped,
    language,
    notice_page,
    reader_labels,
    view_page,
)

router = APIRouter(include_in_schema=False)

CHANGE_WORDS = {
    "sv": {
        "title": "Ändringar i {title}",
        "between": "från {old} till {new}",
        "counts": "{changed} stycken ändrade, {added} nya, {removed} borttagna.",
        "none": "Inga stycken skiljer sig åt mellan versionerna.",
        "kind": {"changed": "Ändrat stycke", "added": "Nytt stycke", "removed": "Borttaget stycke"},
        "old": "Tidigare lydelse (v{n}), borttagen:",
        "new": "Ny lydelse (v{n}), tillagd:",
        "open": "Visa stycket i v{n}",
    },
    "en": {
        "title": "Changes in {title}",
        "between": "from {old} to {new}",
        "counts": "{changed} paragraphs changed, {added} added, {removed} removed.",
        "none": "No paragraph differs between the versions.",
        "kind": {"changed": "Paragraph changed", "added": "Paragraph added",
                 "removed": "Paragraph removed"},
        "old": "Earlier wording (v{n}), removed:",
        "new": "New wording (v{n}), added:",
        "open": "Show the paragraph in v{n}",
    },
}  # fmt: skip
TO_CHAT = "../../../"  # from /chat/changes/{document}/{old}/{new}, under any prefix


@router.get(CHANGES_ROUTE, response_class=HTMLResponse)
def changes(
    doc_id: Annotated[str, Path(max_length=200)],
    old: Annotated[int, Path(ge=1, le=1_000_000)],
    new: Annotated[int, Path(ge=1, le=1_000_000)],
    request: Request,
    runtime: RuntimeDep,
    lang: str = "sv",
) -> HTMLResponse:
    lang = language(lang)
    back = f"{TO_CHAT}?lang=en" if lang == "en" else TO_CHAT
    try:
        assistant = runtime.assistant
    except NotReadyError:
        return notice_page(lang, "loading", back, 503)
    found = assistant.history.between(doc_id, old, new, reader_labels(runtime, request))
    if found is None:
        return notice_page(lang, "missing", back, 404)
    changed = placed(
        found.paragraphs,
        assistant.catalog.chunks(doc_id, old),
        assistant.catalog.chunks(doc_id, new),
    )
    words = CHANGE_WORDS[lang]
    title = words["title"].format(title=found.new.title)
    return view_page(lang, title, _body(found, changed, lang), back, 200)


def _body(found: Changes, changed: list[PlacedChange], lang: str) -> str:
    words = CHANGE_WORDS[lang]
    assert found.old is not None
    between = words["between"].format(
        old=_version(found, found.old, lang), new=_version(found, found.new, lang)
    )
    meta = " · ".join(filter(None, [found.new.organisation, between]))
    counts = Counter(c.kind for c in found.paragraphs)
    parts = [
        f"<h1>{escaped(words['title'].format(title=found.new.title))}</h1>",
        f'<p class="meta">{escaped(meta)}</p>',
        f"<p>{escaped(words['counts'].format(**{k: counts[k] for k in words['kind']}))}</p>"
        if changed
        else f"<p>{escaped(words['none'])}</p>",
    ]
    section = None
    for n, item in enumerate(changed, start=1):
        if item.change.section != section:
            if section is not None:
                parts.append("</ul>")
            section = item.change.section
            trail = " › ".join(heading_trail(section, found.new.title)) or found.new.title
            parts += [f"<h2>{escaped(trail)}</h2>", '<ul class="changes">']
        parts.append(_change(found, item, n, lang))
    if section is not None:
        parts.append("</ul>")
    return "\n".join(parts)


def _change(found: Changes, item: PlacedChange, n: int, lang: str) -> str:
    words, change = CHANGE_WORDS[lang], item.change
    assert found.old is not None
    doc, old, new = found.record.doc_id, found.old.version, found.new.version
    lines = [f'<li class="change" id="c{n}">', f'<p class="kind">{words["kind"][change.kind]}</p>']
    links = []
    if change.old is not None:
        lines.append(
            f'<p class="wording"><span class="label">{words["old"].format(n=old)}</span>'
            f"<del>{escaped(change.old)}</del></p>"
        )
        links.append(_open(doc, old, item.old_position, lang))
    if change.new is not None:
        lines.append(
            f'<p class="wording"><span class="label">{words["new"].format(n=new)}</span>'
            f"<ins>{escaped(change.new)}</ins></p>"
        )
        links.append(_open(doc, new, item.new_position, lang))
    lines += [f"<p>{' · '.join(links)}</p>", "</li>"]
    return "\n".join(lines)


def _open(doc: str, version: int, position: int | None, lang: str) -> str:
    href = TO_CHAT + paragraph_link(doc, version, position, lang)
    text = CHANGE_WORDS[lang]["open"].format(n=version)
    return f'<a href="{escaped(href)}">{text}</a>'


def _version(found: Changes, version: VersionRecord, lang: str) -> str:
    status = WORDS[lang]["status"][found.record.status(version)]
    return f"v{version.version}, {version.effective_date} ({status})"
