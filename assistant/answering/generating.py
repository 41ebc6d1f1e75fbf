"""The generating answerer: a site's own language model writes the answer in the asker's words
and language, and nothing it writes is shown before the guard has found it in what it cites.

Declining stays the extractive answerer's: it decides first whether the passages answer at all,
and a decline or a "closest passage" answer is given as it is. Otherwise the model gets the
passages, numbered, with the conversation and the question. Its text is cut into sentences (a
list item is one) as it streams; a sentence that passes the guard is shown at once, its [n]
renumbered to the answer's citations; one that does not is dropped, counted and logged. The
quoted answer is given instead when nothing passes, when what passed no longer holds the kind
of fact the question asks for, when the model says the documents do not answer, and when the
model server fails in any way. Failing is never an error for staff.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from assistant.answering.chat_model import ChatModel, ModelError
from assistant.answering.extractive import ExtractiveAnswerer
from assistant.answering.prompt import prompt_messages
from assistant.answering.protocol import Draft, Question, stream_lines
from assistant.language.evidence import lacks_asked_fact
from assistant.types import Generation, Message, Passage

log = logging.getLogger(__name__)

GIVEN = 5  # passages the model is given: the quoted answer's first, then the next best
MARKER = re.compile(r"\[(\d+)\]")
# A sentence ends at . ! or ? (and the [n] after it) where the next one starts with a capital
# or a digit: "t.ex. när" goes on.
SENTENCE_END = re.compile(r"[.!?](?:\s*\[\d+\])*(?=\s+[A-ZÅÄÖ0-9\"”“(])")
LETTER = re.compile(r"[^\W\d_]")
SAYS_NOTHING = re.compile(
    r"framgår inte|säger inget|documents? (?:do(?:es)? not|don't) (?:say|answer)", re.I
)


class Verdict(Protocol):
    shown: bool
    reason: str | None


class SentenceGuard(Protocol):
    def check(self, sentence: str, passages: list[Passage]) -> Verdict:
        """Whether `sentence` may be shown: its [n] refer to `passages[n - 1]`."""
        ...


@dataclass
class GenerationStats:
    """Counts since start, for /healthz."""

    answers: int = 0
    sentences_shown: int = 0
    sentences_removed: int = 0
    fallbacks: int = 0
    model_errors: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, generation: Generation, model_error: bool) -> None:
        with self._lock:
            self.answers += 1
            self.sentences_shown += len(generation.shown)
            self.sentences_removed += generation.removed
            self.fallbacks += generation.fell_back
            self.model_errors += model_error

    def as_dict(self) -> dict[str, int]:
        with self._lock:
            return {k: v for k, v in vars(self).items() if not k.startswith("_")}


class GeneratingAnswerer:
    follows_instructions = True  # the caller's instruction goes to the model, under the rules

    def __init__(
        self, extractive: ExtractiveAnswerer, model: ChatModel, guard: SentenceGuard
    ) -> None:
        self.extractive = extractive
        self.model = model
        self.guard = guard
        self.stats = GenerationStats()

    def answer(
        self, question: Question, history: list[Message], passages: list[Passage]
    ) -> Iterator[str | Draft]:
        quoted = self.extractive.draft(question, passages)
        if not quoted.answered or quoted.closest:
            yield from stream_lines(quoted)
            return
        given = _given(quoted.citations, passages)
        written = _Written(given)
        messages = prompt_messages(question, history, given)
        error = None
        try:
            for sentence, new_line in _sentences(self.model.stream(messages)):
                piece = self._checked(sentence, new_line, given, written)
                if piece:
                    yield piece
        except ModelError as failed:
            error = str(failed)
            log.warning("the model server failed; the quoted answer is given: %s", error)
        reason = (error and f"model server: {error}") or _fallback_reason(question, quoted, written)
        generation = Generation(written.shown, written.removed, reason is not None, reason)
        self.stats.add(generation, error is not None)
        if reason is None:
            yield written.draft(quoted, generation)
            return
        if written.shown:  # shown already, and true: the quoted answer follows it
            yield "\n\n"
        *pieces, draft = stream_lines(quoted)
        yield from pieces
        assert isinstance(draft, Draft)
        yield written.with_quoted(draft, generation)

    def _checked(
        self, sentence: str, new_line: bool, given: list[Passage], written: _Written
    ) -> str | None:
        """The sentence as shown (renumbered), or None when the guard holds it back."""
        verdict = self.guard.check(sentence, given)
        if not verdict.shown:
            written.removed += 1
            log.info("a generated sentence was held back (%s): %r", verdict.reason, sentence)
            return None
        return written.add(sentence, new_line)


@dataclass
class _Written:
    """The generated answer as shown so far: its sentences and the passages they cite."""

    given: list[Passage]
    shown: list[str] = field(default_factory=list)
    cited: list[Passage] = field(default_factory=list)
    text: str = ""
    removed: int = 0

    def add(self, sentence: str, new_line: bool) -> str:
        def renumber(found: re.Match) -> str:
            passage = self.given[int(found.group(1)) - 1]
            if passage not in self.cited:
                self.cited.append(passage)
            return f"[{self.cited.index(passage) + 1}]"

        shown = MARKER.sub(renumber, sentence)
        self.shown.append(shown)
        piece = shown if not self.text else ("\n" if new_line else " ") + shown
        self.text += piece
        return piece

    def draft(self, quoted: Draft, generation: Generation) -> Draft:
        return Draft(
            self.text, True, self.cited, quoted.language, quoted.coverage, quoted.dense,
            generation=generation,
        )  # fmt: skip

    def with_quoted(self, quoted: Draft, generation: Generation) -> Draft:
        """What was shown, then the quoted answer, its [n] after the shown ones' citations."""
        if not self.text:
            quoted.generation = generation
            return quoted
        cited = list(self.cited)
        for passage in quoted.citations:
            if passage not in cited:
                cited.append(passage)

        def renumber(found: re.Match) -> str:
            return f"[{cited.index(quoted.citations[int(found.group(1)) - 1]) + 1}]"

        text = f"{self.text}\n\n{MARKER.sub(renumber, quoted.text)}"
        return Draft(
            text, True, cited, quoted.language, quoted.coverage, quoted.dense,
            generation=generation,
        )  # fmt: skip


def _given(quoted: list[Passage], passages: list[Passage]) -> list[Passage]:
    """The quoted answer's passages first, then the next best, `GIVEN` at most."""
    given: list[Passage] = []
    for passage in [*quoted, *passages]:
        if passage not in given:
            given.append(passage)
    return given[: max(GIVEN, len(quoted))]


def _sentences(pieces: Iterator[str]) -> Iterator[tuple[str, bool]]:
    """(sentence, starts a new line) as soon as each is complete; a list item is one."""
    buffer, starts_line = "", False
    for piece in pieces:
        buffer += piece
        while (cut := _first_cut(buffer)) is not None:
            end, at_line_end = cut
            sentence, buffer = buffer[:end], buffer[end + at_line_end :]
            if sentence.strip():
                yield sentence.strip(), starts_line
                starts_line = False
            starts_line = starts_line or at_line_end
            buffer = buffer.lstrip(" ")
    if buffer.strip():
        yield buffer.strip(), starts_line


def _first_cut(buffer: str) -> tuple[int, bool] | None:
    """Where the first complete sentence of `buffer` ends, and whether a line ends there."""
    line_end = buffer.find("\n")
    line = buffer if line_end < 0 else buffer[:line_end]
    for end in SENTENCE_END.finditer(line):
        if LETTER.search(line[: end.end()]):  # "1." of a numbered item is no sentence
            return end.end(), False
    return (line_end, True) if line_end >= 0 else None


def _fallback_reason(question: Question, quoted: Draft, written: _Written) -> str | None:
    """Why the quoted answer is given instead of what was generated, if it is."""
    if not written.shown:
        return "no generated sentence passed the check"
    if SAYS_NOTHING.search(written.text):
        return "the model said the documents do not answer; the quoted answer does"
    if lacks_asked_fact(question.text, written.text) and not lacks_asked_fact(
        question.text, quoted.text
    ):
        return "the generated sentences lost the fact the question asks for"
    return None
