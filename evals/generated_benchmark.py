"""`python -m evals generated`: a question set end to end through a language model server.

    python -m evals generated --url http://127.0.0.1:8080/v1 [--set dev|test] [--limit N]
    python -m evals generated --smollm2 [--set test]      # starts llama.cpp's server itself

For every question the extractive answerer would answer, the generating answerer asks the
model and the guard checks each sentence. Printed: answers, sentences generated, held back and
shown; shown sentences that a second, independent look finds unsupported (a number or a
capitalised name in the shown sentence that its cited passages lack; the aim is 0); fallbacks
to the quoted answer and why; key facts in the final answers; time to the first shown piece.
Only aggregates are printed; no item of the test set is shown.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

from assistant.answering.chat_model import OpenAIChatModel
from assistant.answering.extractive import ExtractiveAnswerer
from assistant.answering.generating import GeneratingAnswerer
from assistant.answering.guard import load_guard
from assistant.settings import Settings
from assistant.types import Answer, Message
from evals.gold import GOLD, TEST, has_fact, load_gold
from evals.run import build_assistant

CHECKED = re.compile(r"\b\d[\d\s,.:-]*\d\b|\b\d\b|\b[A-ZÅÄÖ][a-zåäö]+(?:\s[A-ZÅÄÖ][a-zåäö]+)*")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m evals generated")
    parser.add_argument("--url", help="an OpenAI-compatible base URL, e.g. http://host:8080/v1")
    parser.add_argument("--model", default="default")
    parser.add_argument("--smollm2", action="store_true", help="start llama.cpp with SmolLM2")
    parser.add_argument("--set", choices=["dev", "test"], default="dev")
    parser.add_argument("--limit", type=int, default=0, help="the first N questions only")
    parser.add_argument("--distractors", type=int, default=0)
    args = parser.parse_args(argv)
    server = None
    if args.smollm2:
        from evals.servers import start_model_server

        server = start_model_server(Path(tempfile.mkdtemp()) / "llama.log")
        args.url = server.url
    if not args.url:
        parser.error("give --url or --smollm2")
    try:
        print_figures(measure(args))
    finally:
        if server is not None:
            server.stop()


def measure(args: argparse.Namespace) -> dict[str, float | int | str]:
    assistant, _ = build_assistant(Settings(), args.distractors)
    extractive = ExtractiveAnswerer(assistant.analyzer)
    guard = load_guard(assistant.settings, assistant.store.embedder, assistant.analyzer)
    model = OpenAIChatModel(args.url, args.model, None, 300)
    items = [i for i in load_gold(GOLD if args.set == "dev" else TEST) if i.decline is not True]
    items = items[: args.limit] if args.limit else items
    # The baseline in the same run: the quoted answers to the same questions.
    quoted = [_streamed(assistant, item) for item in items]
    baseline = [
        _holds_key_facts(answer, item) for (answer, _), item in zip(quoted, items, strict=True)
    ]
    assistant.answerer = GeneratingAnswerer(extractive, model, guard)
    counts: Counter[str] = Counter()
    firsts, facts = [], []
    for item in items:
        answer, first = _streamed(assistant, item)
        if first is not None:
            firsts.append(first)
        generation = answer.generation
        counts["questions"] += 1
        facts.append(_holds_key_facts(answer, item))
        if generation is None:  # declined by the quoted answerer: no model asked
            continue
        counts["answers generated for"] += 1
        counts["sentences shown"] += len(generation.shown)
        counts["sentences held back"] += generation.removed
        if generation.fell_back:
            counts["fallbacks"] += 1
            counts[f"fallback: {(generation.reason or '')[:40]}"] += 1
        counts["unsupported shown"] += sum(_unsupported(s, answer) for s in generation.shown)
    figures: dict[str, float | int | str] = dict(counts)
    figures["sentences generated"] = counts["sentences shown"] + counts["sentences held back"]
    figures["key facts in final answers"] = round(sum(facts) / len(facts), 2) if facts else "–"
    figures["key facts, quoted answers (baseline)"] = round(sum(baseline) / len(baseline), 2)
    if firsts:
        figures["time to first piece, p50 / p95 (s)"] = _p50_p95(firsts)
    figures["time to first piece, quoted answers, p50 / p95 (s)"] = _p50_p95(
        [first for _, first in quoted if first is not None]
    )
    return figures


def _streamed(assistant, item) -> tuple[Answer, float | None]:
    """The answer to `item` and the seconds until its first shown piece."""
    started, first, answer = time.monotonic(), None, None
    for piece in assistant.stream(_messages(item)):
        if isinstance(piece, Answer):
            answer = piece
        elif first is None and piece.strip():
            first = time.monotonic() - started
    assert answer is not None
    return answer, first


def _p50_p95(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered):.2f} / {p95:.2f}"


def _messages(item) -> list[Message]:
    return [Message("user" if n % 2 == 0 else "assistant", t) for n, t in enumerate(item.turns)]


def _holds_key_facts(answer: Answer, item) -> bool:
    return all(has_fact(answer.text, f) for f in item.key_facts) if item.key_facts else True


def _unsupported(sentence: str, answer: Answer) -> bool:
    """A second look, apart from the guard: a number or capitalised name in the shown sentence
    that none of the answer's cited paragraphs (with their titles and headings) holds."""
    cited = " ".join(
        f"{c.title} {c.organisation or ''} {c.section} {c.text}" for c in answer.citations
    )
    words = [w for w in CHECKED.findall(re.sub(r"\[\d+\]", "", sentence)) if w.strip()]
    first_word = sentence.split()[0] if sentence.split() else ""
    return any(w.strip() not in cited for w in words if w.strip() != first_word)


def print_figures(figures: dict[str, float | int | str]) -> None:
    width = max(len(k) for k in figures)
    for key in sorted(figures):
        print(f"{key:<{width}}  {figures[key]}")
