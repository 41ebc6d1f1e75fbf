"""Real Swedish statutes as distractors: a fixed sample of those that have text."""

from __future__ import annotations

import random
from pathlib import Path

from ingest.documents import LoadError
from ingest.loaders import load_file

DEFAULT_SFS = Path(__file__).resolve().parents[1].parent / "shared" / "sfs"


def pick_statutes(count: int, sfs: Path = DEFAULT_SFS, seed: int = 0) -> list[Path]:
    """The same `count` statutes for the same seed; many in the snapshot are empty stubs."""
    if count <= 0:
        return []
    if not sfs.is_dir():
        raise FileNotFoundError(f"No statutes at {sfs}: distractors need ../shared/sfs.")
    files = sorted(sfs.rglob("sfs-*.md"))
    random.Random(seed).shuffle(files)
    picked = []
    for path in files:
        try:
            load_file(path)
        except LoadError:
            continue
        picked.append(path)
        if len(picked) == count:
            break
    return picked
