"""Which answerer a site's settings ask for: the quoting one, or a language model's behind it."""

from __future__ import annotations

from langchain_core.embeddings import Embeddings

from assistant.answering.extractive import ExtractiveAnswerer
from assistant.answering.protocol import Answerer
from assistant.language.analysis import Analyzer
from assistant.settings import Settings


def make_answerer(settings: Settings, analyzer: Analyzer, embedder: Embeddings) -> Answerer:
    extractive = ExtractiveAnswerer(analyzer)
    if not settings.generator_url:
        return extractive
    from assistant.answering.chat_model import OpenAIChatModel
    from assistant.answering.generating import GeneratingAnswerer
    from assistant.answering.guard import load_guard

    key = settings.generator_api_key.get_secret_value() if settings.generator_api_key else None
    model = OpenAIChatModel(
        settings.generator_url, settings.generator_model, key, settings.generator_timeout
    )
    return GeneratingAnswerer(extractive, model, load_guard(settings, embedder, analyzer))
