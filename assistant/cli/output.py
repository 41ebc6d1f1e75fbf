"""How the command line writes: the consoles, one line per problem on stderr, JSON, and a
reader that goes away (`… | head`)."""

from __future__ import annotations

import json
import os
import re
import signal
import sys
from typing import Any, TextIO

from rich.console import Console

UNCUT = 10_000  # columns of output that is not a terminal: no table header or line is cut
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def width_for(stream: TextIO) -> int | None:
    """A terminal's own width (or COLUMNS); for cron, a pipe or a file, wide enough that
    nothing is cut, since whole lines are read there."""
    if os.environ.get("COLUMNS") or stream.isatty():
        return None
    return UNCUT


class Output(Console):
    """A console that leaves a closed pipe to `main`, so every command ends alike when the
    reader goes away (rich's own way exits with 1, this CLI's code for a failed file)."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


console = Output(width=width_for(sys.stdout))
errors = Output(stderr=True, width=width_for(sys.stderr))


def reader_went_away() -> int:
    """Stop quietly, as `cat` does when `head` has read enough (128 + SIGPIPE)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # what is still buffered goes nowhere, silently
    return 128 + signal.SIGPIPE


def report_problem(message: str) -> None:
    """One line on stderr, in red, exactly as written: a file's reason may hold `[…]` (YAML's
    own messages do), which is text, never markup, and its line breaks are joined."""
    line = printable(" ".join(message.split()))
    errors.print(line, style="red", markup=False, highlight=False, soft_wrap=True)


def print_json(body: Any) -> None:
    print(json.dumps(body, ensure_ascii=False, indent=2))


def printable(text: str) -> str:
    """Document text for a terminal: control characters (escape sequences among them) that a
    file may hold are dropped, so a citation cannot move the cursor or recolour the screen."""
    return CONTROL.sub("", text)
