"""One function per file format: file → `LoadedDocument` (text, structure, metadata).

Each loader raises `LoadError` with a reason a maintainer can act on; the ingest run reports it
by file name and goes on with the other files.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import frontmatter
import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from ingest.documents import Block, LoadedDocument, LoadError

DATE_STEM = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A bold-only line such as "**Landstingsfullmäktige**" is a heading in PDF-converted policies.
MAX_PSEUDO_HEADING = 90


def load_file(path: Path) -> LoadedDocument:
    """Read any supported file; raise `LoadError` for anything that cannot be ingested."""
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        raise LoadError(path, f"unsupported file type {path.suffix or '(no extension)'!r}")
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise LoadError(path, f"cannot be read ({error.strerror or error})") from error
    if not raw.strip():
        raise LoadError(path, "empty file")
    return loader(path, raw)


# ---- identity and metadata shared by all formats -------------------------------------------


def _document(
    path: Path, raw: bytes, blocks: list[Block], meta: dict[str, Any], fallback_title: str = ""
) -> LoadedDocument:
    if not any(block.kind != "heading" and block.text.strip() for block in blocks):
        raise LoadError(path, "no text found" + (" (headings only)" if blocks else ""))
    metadata = {str(k): _as_text(v) for k, v in meta.items() if v not in (None, "")}
    first_heading = next((b.text for b in blocks if b.kind == "heading"), "")
    title = metadata.get("title") or metadata.get("rubrik") or fallback_title or first_heading
    return LoadedDocument(
        doc_id=_doc_id(path, metadata),
        title=title or path.stem,
        source_path=path,
        content_hash=hashlib.sha256(raw).hexdigest(),
        blocks=blocks,
        organisation=metadata.get("organisation"),
        document_type=metadata.get("document_type"),
        effective_date=_effective_date(path, metadata),
        metadata=metadata,
    )


def _doc_id(path: Path, metadata: dict[str, str]) -> str:
    """Front matter `id`; else the file name; else, for `<doc>/<date>.md`, the folder's name.

    Successive versions of one document therefore share an id wherever their files live.
    """
    if metadata.get("id"):
        return metadata["id"]
    stem = path.parent.name if DATE_STEM.match(path.stem) else path.stem
    return re.sub(r"[^\w.-]+", "-", stem).strip("-").lower() or "document"


def _effective_date(path: Path, metadata: dict[str, str]) -> str | None:
    if metadata.get("effective_date"):
        return metadata["effective_date"]
    if DATE_STEM.match(path.stem):
        return path.stem
    return metadata.get("ikraft_datum")


def _as_text(value: Any) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(_as_text(v) for v in value)
    return str(value)


def _decode(path: Path, raw: bytes) -> str:
    if b"\x00" in raw:
        raise LoadError(path, "not a text file (binary content)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise LoadError(path, f"not UTF-8 text (byte {error.start})") from error


def _split_front_matter(path: Path, text: str) -> tuple[dict[str, Any], str]:
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as error:
        raise LoadError(path, f"front matter is not valid YAML ({error})") from error
    return dict(post.metadata), post.content


# ---- Markdown and plain text ----------------------------------------------------------------


def load_markdown(path: Path, raw: bytes) -> LoadedDocument:
    meta, body = _split_front_matter(path, _decode(path, raw))
    return _document(path, raw, markdown_blocks(body), meta)


def load_text(path: Path, raw: bytes) -> LoadedDocument:
    meta, body = _split_front_matter(path, _decode(path, raw))
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", body)]
    return _document(path, raw, [Block("paragraph", p) for p in paragraphs if p], meta)


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

BULLET = re.compile(r"^([-•–*▪◦]|\d{1,2}[.)]|[a-z][.)])\s+")
PAGE_NUMBER = re.compile(r"^(\d{1,4}|sida \d+( av \d+)?|page \d+( of \d+)?)$", re.IGNORECASE)


def load_pdf(path: Path, raw: bytes) -> LoadedDocument:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not reader.decrypt(""):
            raise LoadError(path, "encrypted PDF: it needs a password; save an unprotected copy")
        # Layout mode keeps vertical gaps as blank lines: the only paragraph signal in a PDF.
        pages = [page.extract_text(extraction_mode="layout") for page in reader.pages]
        title = reader.metadata.title if reader.metadata else None
    except LoadError:
        raise
    except Exception as error:  # pypdf signals damage with many exception types
        raise LoadError(path, f"not a readable PDF ({type(error).__name__}: {error})") from error
    blocks = [block for number, text in enumerate(pages, 1) for block in _pdf_blocks(text, number)]
    if not blocks:
        raise LoadError(path, "no text layer (a scanned image?); run OCR on it first")
    return _document(path, raw, blocks, {"title": title} if title else {})


def _pdf_blocks(page_text: str, page: int) -> list[Block]:
    blocks: list[Block] = []
    for group in re.split(r"\n\s*\n", page_text):
        lines = [" ".join(line.split()) for line in group.splitlines()]
        lines = [line for line in lines if line and not PAGE_NUMBER.match(line)]
        if lines and _looks_like_heading(lines[0]):
            blocks.append(Block("heading", lines.pop(0), level=2, page=page))
        current: Block | None = None
        for line in lines:
            if BULLET.match(line):
                current = Block("list_item", line, page=page)
                blocks.append(current)
            elif current is None:
                current = Block("paragraph", line, page=page)
                blocks.append(current)
            else:
                current.text += " " + line
    return blocks


def _looks_like_heading(line: str) -> bool:
    return (
        len(line) <= 80
        and len(line.split()) <= 10
        and line[0].isupper()
        and line[-1] not in ".,;:!?"
        and not BULLET.match(line)
    )


# ---- DOCX ----------------------------------------------------------------------------------

DOCX_HEADING = re.compile(r"^(heading|rubrik)\s*(\d)$", re.IGNORECASE)


def load_docx(path: Path, raw: bytes) -> LoadedDocument:
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(raw))
    except Exception as error:  # python-docx raises zip, XML and package errors
        raise LoadError(path, f"not a readable DOCX ({type(error).__name__}: {error})") from error
    blocks: list[Block] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            for row in item.rows:
                cells = list(dict.fromkeys(c.text.strip() for c in row.cells if c.text.strip()))
                if cells:
                    blocks.append(Block("paragraph", " | ".join(cells)))
            continue
        text = item.text.strip()
        if not text:
            continue
        style = item.style.name if item.style is not None else ""
        heading = DOCX_HEADING.match(style)
        numbered = item._p.pPr is not None and item._p.pPr.numPr is not None
        if style == "Title":
            blocks.append(Block("heading", text, level=1))
        elif heading:
            blocks.append(Block("heading", text, level=int(heading.group(2))))
        elif "List" in style or numbered:
            blocks.append(Block("list_item", text))
        else:
            blocks.append(Block("paragraph", text))
    title = document.core_properties.title
    return _document(path, raw, blocks, {"title": title} if title else {})


# ---- HTML ----------------------------------------------------------------------------------

HTML_BLOCKS = ["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "pre", "blockquote", "dt", "dd", "tr"]
HTML_CHROME = ["script", "style", "nav", "header", "footer", "aside", "noscript", "form"]


def load_html(path: Path, raw: bytes) -> LoadedDocument:
    from bs4 import BeautifulSoup

    if b"\x00" in raw:
        raise LoadError(path, "not a text file (binary content)")
    soup = BeautifulSoup(raw, "html.parser")
    title = soup.title.get_text(strip=True) if soup.title else ""
    for chrome in soup(HTML_CHROME):
        chrome.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    blocks: list[Block] = []
    for element in root.find_all(HTML_BLOCKS):
        if element.name != "tr" and element.find(HTML_BLOCKS):
            continue  # its inner blocks speak for it
        if element.name == "tr":
            cells = [" ".join(c.get_text(" ").split()) for c in element.find_all(["td", "th"])]
            text = " | ".join(c for c in cells if c)
        else:
            text = " ".join(element.get_text(" ").split())
        if not text:
            continue
        if element.name[0] == "h" and element.name[1:].isdigit():
            blocks.append(Block("heading", text, level=int(element.name[1:])))
        elif element.name == "li" or element.find_parent("li"):
            blocks.append(Block("list_item", text))
        else:
            blocks.append(Block("paragraph", text))
    return _document(path, raw, blocks, {}, fallback_title=title)


LOADERS: dict[str, Callable[[Path, bytes], LoadedDocument]] = {
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".txt": load_text,
    ".pdf": load_pdf,
    ".docx": load_docx,
    ".html": load_html,
    ".htm": load_html,
}
