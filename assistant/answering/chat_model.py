"""A site's language model, spoken to over the OpenAI wire format (vLLM, Ollama, llama.cpp's
server, Azure OpenAI): messages in, the reply's text out as it streams.

Every way the model server can fail (a time-out, a refused connection, an error status, a broken
or empty stream) is one `ModelError`, so the answerer has one thing to fall back on.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Protocol

import openai

MAX_TOKENS = 600  # an answer of a few paragraphs; a model that rambles is cut off


class ModelError(RuntimeError):
    """The model server did not give a usable reply."""


class ChatModel(Protocol):
    def stream(self, messages: list[dict[str, str]]) -> Iterator[str]:
        """The reply's text in pieces as the model writes it; `ModelError` on any failure."""
        ...


class OpenAIChatModel:
    def __init__(self, url: str, model: str, api_key: str | None, timeout: float) -> None:
        # No retries: a question waits for one attempt, then gets the quoted answer.
        self.client = openai.OpenAI(
            base_url=url, api_key=api_key or "none", timeout=timeout, max_retries=0
        )
        self.model = model
        self.timeout = timeout

    def stream(self, messages: list[dict[str, str]]) -> Iterator[str]:
        # The client's time-out bounds each wait for a piece; this bounds the whole reply, so a
        # slow model that keeps writing cannot hold a question longer than the setting says.
        deadline = time.monotonic() + self.timeout
        try:
            chunks = self.client.chat.completions.create(
                model=self.model,
                messages=messages,  # type: ignore[arg-type]
                stream=True,
                temperature=0,
                max_tokens=MAX_TOKENS,
            )
            for chunk in chunks:
                if time.monotonic() > deadline:
                    chunks.close()
                    raise ModelError(f"no complete reply within {self.timeout:g} s")
                if chunk.choices and chunk.choices[0].delta.content:
                    yield chunk.choices[0].delta.content
        except (openai.OpenAIError, ValueError, KeyError, AttributeError) as error:
            raise ModelError(f"{type(error).__name__}: {error}") from error
