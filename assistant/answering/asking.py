"""What may be asked: a conversation whose last user message is a question within the length
limit, and, apart from its turns, the caller's instruction (its system messages) for an
answerer that writes with a language model.

Cheap and model-free, so an edge can refuse before loading anything.
"""

from __future__ import annotations

from assistant.types import Message


class InvalidQuestionError(ValueError):
    """The request cannot be answered as asked (no question, or one that is too long)."""


def check_question(questions: list[str], max_chars: int) -> None:
    """Refuse a conversation with no question, or a question over the length limit."""
    if not questions or not questions[-1].strip():
        raise InvalidQuestionError("The conversation has no question from the user.")
    if len(questions[-1]) > max_chars:
        raise InvalidQuestionError(
            f"The question is {len(questions[-1])} characters long; the limit is {max_chars}."
        )


def split_instruction(messages: list[Message], max_chars: int) -> tuple[str, list[Message]]:
    """The caller's instruction (its system messages' text, which may be as long as a question)
    and the conversation's turns without it."""
    instruction = "\n\n".join(m.content.strip() for m in messages if m.role == "system")
    if len(instruction) > max_chars:
        raise InvalidQuestionError(
            f"The instruction is {len(instruction)} characters long; the limit is {max_chars}."
        )
    return instruction.strip(), [m for m in messages if m.role != "system"]
