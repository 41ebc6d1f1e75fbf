"""Questions as nobody here wrote them: each question as written, with one machine-made typo,
typed without å, ä and ö, and framed by a greeting, thanks or a signature.

    python -m evals variants [--distractors N] [--set dev|test]

The question sets hold the typos their writers thought of, and the speller was tuned on the
development set's. Here every single-turn answerable question gets one slip a hurried writer
makes in one of its words of seven letters or more (a letter dropped, two swapped, a
neighbouring key hit instead or as well; the first letter kept), twice with different seeds,
is asked once more as a foreign keyboard types it (å and ä as a, ö as o), and in each of four
frames staff write around a question; the answers are compared with those to the question as
written, on the same index.
"""

from __future__ import annotations

import argparse
import random
import re
from dataclasses import replace

from rich.console import Console
from rich.table import Table

from assistant.settings import Settings
from evals.gold import GoldItem, load_gold
from evals.run import SETS, ItemResult, build_assistant, figures, run_item

SEEDS = (1, 2)
LONG_WORD = re.compile(r"[a-zåäö]{7,}")
# A Swedish keyboard's rows: a neighbouring key is the one left or right of the meant one.
ROWS = ("qwertyuiopå", "asdfghjklöä", "zxcvbnm")
UNDOTTED = str.maketrans("åäöÅÄÖ", "aaoAAO")
FRAMES = (
    "Hejsan! {question}",
    "God morgon, jag har en fråga. {question}",
    "{question} Mvh Karin",
    "Hallå, en fråga: {lowered} Tack så mycket!",
)
NEIGHBOURS = {
    key: row[max(i - 1, 0) : i] + row[i + 1 : i + 2] for row in ROWS for i, key in enumerate(row)
}


def with_typo(question: str, rng: random.Random) -> str | None:
    """The question with one slip in one of its long lower-case words, or None if it has none."""
    words = list(LONG_WORD.finditer(question))
    if not words:
        return None
    match = rng.choice(words)
    word, i = match.group(0), rng.randrange(1, len(match.group(0)) - 1)
    slip = rng.choice(("drop", "swap", "replace", "add"))
    key = rng.choice(NEIGHBOURS[word[i]])
    typed = {
        "drop": word[:i] + word[i + 1 :],
        "swap": word[:i] + word[i + 1] + word[i] + word[i + 2 :],
        "replace": word[:i] + key + word[i + 1 :],
        "add": word[:i] + key + word[i:],
    }[slip]
    if typed == word:
        return None
    return question[: match.start()] + typed + question[match.end() :]


def askable(item: GoldItem, statutes: bool) -> bool:
    return (
        len(item.turns) == 1
        and item.decline is False
        and bool(item.key_facts)
        and not any(kind in item.category for kind in ("english", "comparison", "typo"))
        and (statutes or not item.category.startswith("statute"))
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m evals variants", description=__doc__)
    parser.add_argument("--distractors", type=int, default=0)
    parser.add_argument("--set", choices=sorted(SETS), default="dev")
    args = parser.parse_args(argv)
    assistant, _ = build_assistant(Settings(), args.distractors)
    assistant.warm_up()
    asked: dict[str, list[ItemResult]] = {
        "as written": [],
        "one typo": [],
        "no å, ä, ö": [],
        "framed": [],
    }
    for item in load_gold(SETS[args.set]):
        if not askable(item, statutes=args.distractors > 0):
            continue
        question = item.turns[0]
        asked["as written"].append(run_item(assistant, item))
        for seed in SEEDS:
            typed = with_typo(question, random.Random(f"{item.id}-{seed}"))
            if typed:
                asked["one typo"].append(run_item(assistant, replace(item, turns=[typed])))
        undotted = replace(item, turns=[question.translate(UNDOTTED)])
        asked["no å, ä, ö"].append(run_item(assistant, undotted))
        lowered = question[0].lower() + question[1:]
        for frame in FRAMES:
            framed = replace(item, turns=[frame.format(question=question, lowered=lowered)])
            asked["framed"].append(run_item(assistant, framed))
    table = Table(title=f"{args.set} set, {assistant.store.count()} chunks")
    for column in ("questions", "asked", "n", "R@5", "key facts", "false declines"):
        table.add_column(column)
    for kind, statute in (("policies", False), ("statutes", True)):
        for way, results in asked.items():
            chosen = [r for r in results if r.item.category.startswith("statute") == statute]
            if chosen:
                f = figures(chosen, False)
                shown = (f.recall_at_5, f.key_facts, f.false_declines)
                cells = ["-" if x is None else f"{x:.2f}" for x in shown]
                table.add_row(kind, way, str(f.n), *cells)
    Console().print(table)
