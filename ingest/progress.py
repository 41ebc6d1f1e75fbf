"""Where a long ingest is: files and chunks done, the rate, and the time left.

The indexer tells an `IngestProgress` as it goes; `ProgressDisplay` shows it. On a terminal
it is a bar; under nohup, cron or a CI log it is one plain line every half
minute, because a bar redrawn into a file is unreadable. The time left is estimated from the
bytes of the files still to read, since statutes range from one paragraph to thousands.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Protocol

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

log = logging.getLogger(__name__)

LOG_EVERY = 30.0  # seconds between two plain lines when not on a terminal
SAVE_EVERY = 600.0  # seconds of a run between two saves of what it has published


class IngestProgress(Protocol):
    """Told as work is done, so a long run (the statute book: hours) can show where it is."""

    def chunks_done(self, count: int) -> None: ...

    def file_done(self, path: Path) -> None: ...


class Quiet:
    """For runs nobody watches: the API's ingest route, tests."""

    def chunks_done(self, count: int) -> None:
        pass

    def file_done(self, path: Path) -> None:
        pass


class Checkpoints:
    """Passes progress on, and after a file calls `save` once `every` seconds have passed since
    the last: a run of hours saves the snapshot servers load as it goes, so a server started
    after an interruption loads what was published instead of building it."""

    def __init__(
        self, progress: IngestProgress, save: Callable[[], object], every: float = SAVE_EVERY
    ) -> None:
        self.progress = progress
        self.save = save
        self.every = every
        self._saved = time.monotonic()

    def chunks_done(self, count: int) -> None:
        self.progress.chunks_done(count)

    def file_done(self, path: Path) -> None:
        self.progress.file_done(path)
        if time.monotonic() - self._saved >= self.every:
            try:
                self.save()
            except Exception:  # a snapshot is a convenience; the ingest is the work
                log.warning("saving the snapshot failed; the ingest goes on", exc_info=True)
            self._saved = time.monotonic()


class ProgressDisplay:
    def __init__(self, files: list[Path], console: Console, log_every: float = LOG_EVERY) -> None:
        self.console = console
        self.total_files = len(files)
        self.total_bytes = sum(_size(path) for path in files) or 1
        self.files = 0
        self.chunks = 0
        self.bytes = 0
        self.log_every = log_every
        self._started = time.monotonic()
        self._logged = self._started
        self._bar = Progress(
            TextColumn("[bold]ingest"),
            BarColumn(),
            TextColumn("{task.fields[files]}/{task.fields[total_files]} files"),
            TextColumn("{task.fields[chunks]:,} chunks, {task.fields[rate]:.1f}/s"),
            TimeRemainingColumn(),
            TextColumn("{task.description}"),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        )
        self._task = self._bar.add_task(
            "", total=self.total_bytes, files=0, total_files=self.total_files, chunks=0, rate=0.0
        )

    def __enter__(self) -> ProgressDisplay:
        self._bar.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._bar.stop()
        if not self.console.is_terminal:
            self._log_line()

    @property
    def rate(self) -> float:
        """Chunks per second since the start."""
        elapsed = time.monotonic() - self._started
        return self.chunks / elapsed if elapsed > 0 else 0.0

    def chunks_done(self, count: int) -> None:
        self.chunks += count
        self._update()

    def file_done(self, path: Path) -> None:
        self.files += 1
        self.bytes += _size(path)
        self._update(description=path.name)

    def seconds_left(self) -> float | None:
        """From the byte rate so far; None until something has been read."""
        elapsed = time.monotonic() - self._started
        if self.bytes == 0 or elapsed <= 0:
            return None
        return (self.total_bytes - self.bytes) / (self.bytes / elapsed)

    def _update(self, description: str | None = None) -> None:
        self._bar.update(
            self._task,
            completed=self.bytes,
            files=self.files,
            chunks=self.chunks,
            rate=self.rate,
            description=description,
        )
        now = time.monotonic()
        if not self.console.is_terminal and now - self._logged >= self.log_every:
            self._logged = now
            self._log_line()

    def _log_line(self) -> None:
        left = self.seconds_left()
        remaining = "?" if left is None else _clock(left)
        self.console.print(
            f"ingest: {self.files:,}/{self.total_files:,} files, {self.chunks:,} chunks, "
            f"{self.rate:.1f} chunks/s, {_clock(time.monotonic() - self._started)} spent, "
            f"{remaining} left",
            highlight=False,
        )


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"
