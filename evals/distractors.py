"""Real Swedish statutes as distractors: a fixed sample of those that have text."""

from __future__ import annotations

import random
from pathlib import Path

from ingest.documents import LoadError
from ingest.loaders import load_file

DEFAULT_SFS = Path(__file__).resolve().parents[1].parent / "shared" / "sfs"
# The laws the test set asks about: in every evaluation index that holds statutes.
STAFF_STATUTES = ("2017/sfs-2017-725.md", "2017/sfs-2017-900.md", "2010/sfs-2010-659.md")


def statutes_for_evaluation(count: int, sfs: Path = DEFAULT_SFS) -> list[Path]:
    """The laws staff consult, then `count` sampled statutes as distractors (none if 0)."""
    if count <= 0:
        return []
    staff = [sfs / name for name in STAFF_STATUTES]
    return staff + [p for p in pick_statutes(count, sfs) if p not in staff]


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
