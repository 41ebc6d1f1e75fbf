"""File → `LoadedDocument`: picks the loader for the file's type.

Each loader raises `LoadError` with a reason a maintainer can act on; the ingest run reports it
by file name and goes on with the other files.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ingest.documents import LoadedDocument, LoadError, LoadLimits
from ingest.office_loaders import load_docx, load_html, load_pdf
from ingest.text_loaders import load_markdown, load_text


def load_file(path: Path, limits: LoadLimits | None = None) -> LoadedDocument:
    """Read any supported file; raise `LoadError` for anything that cannot be ingested.

    Whatever goes wrong inside a format's library while reading the file is that file's
    error, never the whole run's.
    """
    limits = limits or LoadLimits()
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        raise LoadError(path, f"unsupported file type {path.suffix or '(no extension)'!r}")
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise LoadError(path, f"{size} bytes; the limit is {limits.max_bytes}")
        raw = path.read_bytes()
    except OSError as error:
        raise LoadError(path, f"cannot be read ({error.strerror or error})") from error
    if not raw.strip():
        raise LoadError(path, "empty file")
    try:
        document = loader(path, raw, limits)
    except LoadError:
        raise
    except (Exception, MemoryError, RecursionError) as error:
        raise LoadError(path, f"could not be read ({type(error).__name__}: {error})") from error
    if len(document.text) > limits.max_chars:
        raise LoadError(
            path, f"{len(document.text)} characters of text; the limit is {limits.max_chars}"
        )
    return document


LOADERS: dict[str, Callable[[Path, bytes, LoadLimits], LoadedDocument]] = {
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".txt": load_text,
    ".pdf": load_pdf,
    ".docx": load_docx,
    ".html": load_html,
    ".htm": load_html,
}
