"""Markdown and plain text, with optional YAML front matter: the formats policies are kept in.

Structure comes from Markdown itself (headings, lists); in policies converted from PDF, a line
that is bold and nothing else is a heading too.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import frontmatter
import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from ingest.documents import Block, LoadedDocument, LoadError, LoadLimits
from ingest.identity import loaded_document

# A bold-only line such as "**Landstingsfullmäktige**" is a heading in PDF-converted policies.
MAX_PSEUDO_HEADING = 90


def _decode(path: Path, raw: bytes) -> str:
    if b"\x00" in raw:
        raise LoadError(path, "not a text file (binary content)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise LoadError(path, f"not UTF-8 text (byte {error.start})") from error


class _NoAliases(yaml.SafeLoader):
    """Front matter is a few plain fields; refusing YAML's anchors and aliases refuses the
    "billion laughs" file, whose few hundred bytes expand without limit."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise yaml.YAMLError("anchors and aliases (&, *) are not allowed in front matter")
        return super().compose_node(parent, index)


class _FrontMatter(frontmatter.YAMLHandler):
    def load(self, fm: str, **kwargs: object) -> Any:
        try:
            return yaml.load(fm, Loader=_NoAliases)
        except yaml.scanner.ScannerError:
            folded = _fold_wrapped_values(fm)
            if folded == fm:
                raise
            return yaml.load(folded, Loader=_NoAliases)


FIELD = re.compile(r"^\s*(?:[\w-]+\s*:(?:\s|$)|-\s|#)")


def _fold_wrapped_values(front_matter: str) -> str:
    """A long plain value wrapped over lines (statute titles are written so), joined again:
    a line that is no field, list item or comment continues the value above it."""
    lines: list[str] = []
    for line in front_matter.splitlines():
        if lines and line.strip() and not FIELD.match(line):
            lines[-1] = f"{lines[-1].rstrip()} {line.strip()}"
        else:
            lines.append(line)
    return "\n".join(lines)


def _split_front_matter(path: Path, text: str, limits: LoadLimits) -> tuple[dict[str, Any], str]:
    handler = _FrontMatter()
    if handler.detect(text):
        front_matter = handler.split(text)[0]
        if len(front_matter) > limits.max_front_matter_chars:
            raise LoadError(
                path,
                f"front matter of {len(front_matter)} characters; "
                f"the limit is {limits.max_front_matter_chars}",
            )
    try:
        post = frontmatter.loads(text, handler=handler)
    except (yaml.YAMLError, ValueError) as error:
        raise LoadError(path, f"front matter is not valid YAML ({error})") from error
    if not isinstance(post.metadata, dict):
        raise LoadError(path, "front matter is not a set of fields")
    return dict(post.metadata), post.content


def load_markdown(path: Path, raw: bytes, limits: LoadLimits) -> LoadedDocument:
    meta, body = _split_front_matter(path, _decode(path, raw), limits)
    return loaded_document(path, raw, markdown_blocks(body), meta)


def load_text(path: Path, raw: bytes, limits: LoadLimits) -> LoadedDocument:
    meta, body = _split_front_matter(path, _decode(path, raw), limits)
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", body)]
    return loaded_document(path, raw, [Block("paragraph", p) for p in paragraphs if p], meta)


def markdown_blocks(body: str) -> list[Block]:
    """Headings, paragraphs and list items in reading order, inline markup removed."""
    tokens = MarkdownIt("commonmark").enable("table").parse(body)
    blocks: list[Block] = []
    heading_levels: list[int] = []
    list_depth = 0
    item_marker: str | None = None  # set by a list item until its first paragraph is read
    row: list[str] = []
    for i, token in enumerate(tokens):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif token.type == "heading_open":
            heading_levels.append(int(token.tag[1]))
            blocks.append(Block("heading", _plain(tokens[i + 1]), level=heading_levels[-1]))
        elif token.type == "list_item_open":
            # Ordered lists keep their numbers ("1. "): statutes refer to them.
            item_marker = f"{token.info}{token.markup} " if token.info else ""
        elif token.type == "paragraph_open" and list_depth:
            text = _plain(tokens[i + 1])
            if item_marker is not None:
                blocks.append(Block("list_item", item_marker + text))
                item_marker = None
            elif blocks:
                blocks[-1].text += "\n" + text
        elif token.type == "paragraph_open":
            inline = tokens[i + 1]
            if _is_pseudo_heading(inline):
                top = min(heading_levels, default=1)
                level = max(heading_levels[-1] if heading_levels else 2, top + 1)
                blocks.append(Block("heading", _plain(inline), level=level))
            else:
                blocks.append(Block("paragraph", _plain(inline)))
        elif token.type in ("fence", "code_block"):
            blocks.append(Block("paragraph", token.content.strip("\n")))
        elif token.type == "tr_open":
            row = []
        elif token.type == "inline" and tokens[i - 1].type in ("th_open", "td_open"):
            row.append(_plain(token))
        elif token.type == "tr_close" and any(row):
            blocks.append(Block("paragraph", " | ".join(row)))
    return [b for b in blocks if b.text.strip()]


def _plain(inline: Token) -> str:
    parts: list[str] = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "image":
            parts.append(child.content)
    return re.sub(r"[ \t]*\n[ \t]*", "\n", "".join(parts)).strip()


def _is_pseudo_heading(inline: Token) -> bool:
    children = [
        c for c in inline.children or [] if not (c.type == "text" and not c.content.strip())
    ]
    return (
        len(children) >= 3
        and children[0].type == "strong_open"
        and children[-1].type == "strong_close"
        and sum(c.type == "strong_open" for c in children) == 1
        and len(inline.content) <= MAX_PSEUDO_HEADING
    )


# ---- PDF -----------------------------------------------------------------------------------
