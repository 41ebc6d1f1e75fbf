"""What an ingest did: documents added, updated, unchanged, deleted and failed, and its cost."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    chunks: int = 0  # chunks written for added and updated documents
    embedded: int = 0  # of which newly embedded (the rest came from the embedding cache)
    seconds: float = 0.0

    def summary(self) -> str:
        """One line for the audit log."""
        counts = (
            f"added {len(self.added)}, updated {len(self.updated)}, unchanged "
            f"{len(self.unchanged)}, deleted {len(self.deleted)}, failed {len(self.failed)}"
        )
        failures = "; ".join(f"{Path(file).name}: {reason}" for file, reason in self.failed)
        return f"{counts} ({failures})" if failures else counts

    @property
    def chunks_per_second(self) -> float:
        return self.chunks / self.seconds if self.seconds else 0.0
