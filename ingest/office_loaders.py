"""PDF, DOCX and HTML: formats whose text and structure a library reads for us.

PDF through pypdf's layout mode (page numbers kept; headings and list items from the layout),
DOCX through python-docx (heading and list styles, tables), HTML through BeautifulSoup (the main
text; navigation, headers, footers and scripts dropped).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from ingest.documents import Block, LoadedDocument, LoadError, LoadLimits
from ingest.identity import loaded_document

BULLET = re.compile(r"^([-•–*▪◦]|\d{1,2}[.)]|[a-z][.)])\s+")
PAGE_NUMBER = re.compile(r"^(\d{1,4}|sida \d+( av \d+)?|page \d+( of \d+)?)$", re.IGNORECASE)


def load_pdf(path: Path, raw: bytes, limits: LoadLimits) -> LoadedDocument:
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
    return loaded_document(path, raw, blocks, {"title": title} if title else {})


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


def load_docx(path: Path, raw: bytes, limits: LoadLimits) -> LoadedDocument:
    import docx
    from docx.table import Table

    _check_docx_size(path, raw, limits)
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
    return loaded_document(path, raw, blocks, {"title": title} if title else {})


def _check_docx_size(path: Path, raw: bytes, limits: LoadLimits) -> None:
    """Count the body's XML elements before python-docx builds them all in memory."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as package:
            info = package.getinfo("word/document.xml")
            if info.file_size > limits.max_elements * 200:
                raise LoadError(path, f"its text part unpacks to {info.file_size} bytes")
            elements = package.read(info).count(b"<")
    except (zipfile.BadZipFile, KeyError) as error:
        raise LoadError(path, f"not a readable DOCX ({type(error).__name__}: {error})") from error
    if elements > limits.max_elements:
        raise LoadError(path, f"{elements} XML elements; the limit is {limits.max_elements}")


# ---- HTML ----------------------------------------------------------------------------------

HTML_BLOCKS = ["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "pre", "blockquote", "dt", "dd", "tr"]
HTML_CHROME = ["script", "style", "nav", "header", "footer", "aside", "noscript", "form"]


def load_html(path: Path, raw: bytes, limits: LoadLimits) -> LoadedDocument:
    from bs4 import BeautifulSoup

    if b"\x00" in raw:
        raise LoadError(path, "not a text file (binary content)")
    if raw.count(b"<") > limits.max_elements:
        raise LoadError(path, f"more than {limits.max_elements} HTML tags")
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
    return loaded_document(path, raw, blocks, {}, fallback_title=title)
