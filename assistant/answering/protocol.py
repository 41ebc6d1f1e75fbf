"""What an answerer is: passages in, text pieces out, then the finished draft with its citations.

Any answerer (today's extractive one, a generating one later) is one class with this method;
the service streams its pieces to the edges as they come.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from assistant.types import (
    Answer,
    Citation,
    ComparedVersions,
    Generation,
    Language,
    Message,
    Passage,
)


class Vocabulary(Protocol):
    """How telling a word is in this corpus (IDF), and whether the corpus uses it at all."""

    def term_weight(self, word: str) -> float: ...

    def known_word(self, word: str) -> bool: ...


@dataclass
class Question:
    """What the answerer knows about the question beyond its text."""

    text: str  # standalone: the conversation's ellipsis already resolved
    vocabulary: Vocabulary
    language: Language = "sv"  # the asker's language, where the text does not tell
    # The caller's own instruction (an OpenAI client's system message), for an answerer that
    # writes with a language model: given to it below the product's rules, never instead.
    instruction: str = ""


@dataclass
class Draft:
    """An answer with citation numbers: [n] in `text` refers to `citations[n - 1]`."""

    text: str
    answered: bool
    citations: list[Passage] = field(default_factory=list)
    language: Language = "sv"
    coverage: float | None = None  # the evidence the decision rested on, for calibration
    dense: float | None = None
    closest: bool = False  # no quote answers outright: the nearest passage, framed as such
    generation: Generation | None = None  # what a language model wrote, when one did
    compared: ComparedVersions | None = None  # what changed: the two versions compared

    def answer_with(self, citations: list[Citation]) -> Answer:
        """The finished answer, its passages cited as the edges show them."""
        return Answer(
            self.text,
            self.answered,
            citations,
            self.language,
            self.closest,
            self.generation,
            self.compared,
        )


def stream_lines(draft: Draft) -> Iterator[str | Draft]:
    """A composed answer as an answerer streams it: its lines as pieces, then the draft."""
    lines = draft.text.split("\n")
    yield lines[0]
    for line in lines[1:]:
        yield f"\n{line}"
    yield draft


class Answerer(Protocol):
    follows_instructions: bool  # whether `Question.instruction` shapes what it writes

    def answer(
        self, question: Question, history: list[Message], passages: list[Passage]
    ) -> Iterator[str | Draft]:
        """Text pieces as they are written, then the `Draft` (its text is the pieces joined).

        Compose the answer from `passages` only; decline when they do not support one.
        """
        ...
