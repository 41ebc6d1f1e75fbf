"""The chat's history (Gradio's message dicts) ↔ the service's terms.

An answer is followed in the history by one collapsed panel per citation; the panels are shown
to staff but are not turns of the conversation the service sees. An answer about what changed
ends with a link to every change (the changes view); one a site's language model took part in
ends with a note saying so (the page's own words, not the answer's).
"""

from __future__ import annotations

import html
import re
from typing import Any

from assistant.types import Answer, Citation, Language, Message
from assistant.web.source_links import changes_link, heading_trail, source_link

# What Markdown would act on; escaped, each shows as the character itself.
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$])")
ESCAPED = re.compile(r"\\(.)")
LIST_MARKER = re.compile(r"^(\n?- )?")
# The note under a generated answer. An answer's own text never holds a "<" (`as_typed`).
NOTE = re.compile(r'\n\n<p class="pa-generated[^"]*">([^<]*)</p>$')


def as_typed(text: str) -> str:
    """Source text for the page's Markdown, so that it shows exactly as typed: no markup,
    no HTML element, no image fetched from wherever a document points."""
    escaped = MARKDOWN_SPECIAL.sub(r"\\\1", text)
    escaped = escaped.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace("://", "&#58;//")  # no autolink: a URL stays text, as typed


def answer_piece(piece: str) -> str:
    """A piece of the answer as the page shows it: the answer's own list marker kept, the
    quoted source text shown as typed."""
    marker = LIST_MARKER.match(piece).group(0)  # type: ignore[union-attr]
    return marker + as_typed(piece[len(marker) :])


def generation_note(answer: Answer, lang: Language) -> str:
    """What follows the answer when a site's language model took part: a line in the page's
    language saying whose words these are, styled apart from the quoted paragraphs (layout's
    CSS: a rule above, italics and a mark, not colour alone)."""
    note = answer.generation_note(lang)
    if answer.generation is None or note is None:
        return ""
    outcome = answer.generation.outcome.replace("_", "-")
    return f'\n\n<p class="pa-generated pa-{outcome}">{html.escape(note)}</p>'


def split_note(content: str) -> tuple[str, str | None]:
    """An answer as the page shows it → its text, and the note under it (None without one)."""
    found = NOTE.search(content)
    if found is None:
        return content, None
    return content[: found.start()], html.unescape(found.group(1))


def plain(shown: str) -> str:
    """What the page shows, back as the text it came from (for feedback records)."""
    return html.unescape(ESCAPED.sub(r"\1", shown))


def changes_line(answer: Answer, t: dict[str, Any]) -> str:
    """Under an answer about what changed, the link to all the changes between its two
    versions (the answer quotes the first few); nothing under any other answer."""
    compared = answer.compared
    if compared is None or not compared.changes:
        return ""
    words = t["one_change"] if compared.changes == 1 else t["all_changes"]
    text = words.format(n=compared.changes, old=compared.old, new=compared.new)
    return f"\n\n[{text}]({changes_link(compared, t['lang'])})"


def citation_panels(answer: Answer, t: dict[str, Any]) -> list[dict]:
    """One collapsed panel per citation: its title names it (and its version's status, unless
    in force), opening it shows the paragraph and a link to it in its document."""
    kind = t["source"] if answer.answered else t["see_also"]
    return [
        {
            "role": "assistant",
            "content": _citation_body(citation, t),
            "metadata": {"title": _panel_title(kind, n, citation, t), "status": "done"},
        }
        for n, citation in enumerate(answer.citations, start=1)
    ]


def _panel_title(kind: str, n: int, citation: Citation, t: dict[str, Any]) -> str:
    title = f"{kind} [{n}] · {_origin(citation)}"
    if citation.status != "in_force":
        title += f" · {t['status'][citation.status]}"
    return title


def conversation(history: list[dict]) -> list[Message]:
    """The turns the service sees: questions and answers, not the citation panels."""
    return [
        Message(m["role"], text_of(m["content"]))
        for m in history
        if m["role"] in ("user", "assistant") and not is_panel(m)
    ]


def last_answer_index(history: list[dict]) -> int | None:
    for index in range(len(history) - 1, -1, -1):
        if history[index]["role"] == "assistant" and not is_panel(history[index]):
            return index
    return None


def judged_turn(history: list[dict], index: int) -> tuple[str, str, list[str]]:
    """The question, answer and citation titles a thumb at `index` judges (a thumb on a
    citation panel judges its answer)."""
    answer_index = index
    while answer_index > 0 and is_panel(history[answer_index]):
        answer_index -= 1
    question = next(
        (text_of(m["content"]) for m in reversed(history[:answer_index]) if m["role"] == "user"),
        "",
    )
    citations = []
    for message in history[answer_index + 1 :]:
        if not is_panel(message):
            break
        citations.append(message["metadata"]["title"])
    return plain(question), plain(text_of(history[answer_index]["content"])), citations


def is_panel(message: dict) -> bool:
    return bool((message.get("metadata") or {}).get("title"))


def text_of(content: Any) -> str:
    """A message's text, without the page's note under a generated answer."""
    if isinstance(content, str):
        return split_note(content)[0]
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


def _origin(citation: Citation) -> str:
    """ "Landstinget Dalarna · Internationell policy › Mål": the heading trail already begins
    with the title in most documents, so it is not repeated."""
    trail = heading_trail(citation.section, citation.title)
    return " · ".join(filter(None, [citation.organisation, " › ".join([citation.title, *trail])]))


def _citation_body(citation: Citation, t: dict[str, Any]) -> str:
    lines = citation.text.splitlines()
    quote = "\n".join(f"> {as_typed(line)}" if line.strip() else ">" for line in lines)
    return (
        f"{quote}\n\n"
        f"**{t['document_label']}:** {as_typed(citation.source)}  \n"
        f"**{t['section_label']}:** {as_typed(citation.section)}  \n"
        f"**{t['version_label']}:** {as_typed(citation.version)} ({t['status'][citation.status]})"
        f"  \n[{t['open_source']}]({source_link(citation, t['lang'])})"
    )
