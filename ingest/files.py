"""Which files an ingest reads: the files named, and those under the folders named."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ingest.documents import LoadError


def discover(paths: Sequence[Path]) -> list[Path]:
    """Files named, and the files under folders named, in a stable order; hidden ones skipped."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            found.append(path)
    return found


def refuse_links_out(path: Path, folders: Sequence[Path]) -> None:
    """A file found under a folder must be in it: a link inside an ingest root must not make
    a file elsewhere on the server (/etc/passwd, say) searchable."""
    for folder in folders:
        if path.is_relative_to(folder) and not path.resolve().is_relative_to(folder.resolve()):
            raise LoadError(path, f"is a link to a file outside {folder}; not ingested")
