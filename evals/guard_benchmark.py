"""How well the guard keeps supported sentences and removes corrupted ones.

    python -m evals guard [--fit]

Sentences are made from the development and test sets' gold sources (`guard_sentences`,
`guard_corruptions`); no language model is involved. Without `--fit` nothing is written: the
thresholds saved for the embedder are used. With `--fit`, they are fitted on the development
set's sentences alone and saved beside the guard (`assistant/answering/calibration/`): the
similarity floor and content-word minimum that remove the most corrupted sentences while
keeping at least `KEEP` of the supported ones that hold every checkable fact.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from collections import Counter
from dataclasses import dataclass

import numpy as np

from assistant.answering.guard import Guard, Verdict, calibration_path, load_guard
from assistant.language.analysis import Analyzer, language_of
from assistant.settings import Settings
from assistant.storage.embedders import make_embedder
from evals.gold import GOLD, TEST, load_gold
from evals.guard_sentences import Claim, claims, corpus_passages

KEEP = 0.95  # the share of fact-complete supported dev sentences the fitted thresholds keep
GRID = 60  # candidate thresholds per feature: quantiles of the supported sentences' values


@dataclass
class Scored:
    claim: Claim
    verdict: Verdict


def main(argv: list[str]) -> None:
    from rich.console import Console

    parser = argparse.ArgumentParser(prog="python -m evals guard", description=__doc__)
    parser.add_argument("--fit", action="store_true", help="fit the thresholds on dev, save")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    settings = Settings()
    embedder = make_embedder(settings.embedder)
    embedder.passage_threads = 1  # the machine's other core stays with whatever else runs
    started = time.perf_counter()
    passages = corpus_passages()
    sets = {
        name: claims(load_gold(path), passages) for name, path in (("dev", GOLD), ("test", TEST))
    }
    analyzer = Analyzer()
    if args.fit:
        fitted = fit(Guard(analyzer, embedder, floor=-1.0), sets["dev"])
        fitted["embedder"] = settings.embedder
        path = calibration_path(settings.embedder)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(fitted, indent=2) + "\n", encoding="utf-8")
        print(f"saved {path}: {fitted}")
    guard = load_guard(settings, embedder, analyzer)
    results = {name: score(guard, found) for name, found in sets.items()}
    console = Console()
    print_report(results, guard, console)
    console.print(f"{time.perf_counter() - started:.0f} s")


def score(guard: Guard, found: list[Claim]) -> list[Scored]:
    verdicts = guard.check_many([(c.sentence, [c.passage]) for c in found])
    return [Scored(c, v) for c, v in zip(found, verdicts, strict=True)]


def fit(unfitted: Guard, dev: list[Claim]) -> dict[str, object]:
    """The thresholds, from dev sentences that hold every checkable fact (the thresholds
    decide only those): for Swedish sentences the floor and content-word minimum, for English
    ones a floor of their own (their cosine to Swedish text runs lower)."""
    scored = [s for s in score(unfitted, dev) if s.verdict.shown]
    english = [s for s in scored if language_of(s.claim.sentence) == "en"]
    swedish = [s for s in scored if language_of(s.claim.sentence) != "en"]
    floor, minimum = _fit_pair(swedish, with_coverage=True)
    english_floor, _ = _fit_pair(english, with_coverage=False)
    return {
        "floor": round(floor, 4),
        "min_coverage": round(minimum, 4),
        "english_floor": round(english_floor, 4),
        "fitted_on": "evals/gold.yaml",
        "rule": f"fewest corrupted shown, keeping >= {KEEP} of the fact-complete supported",
        "dev_sentences": {
            "supported": sum(s.claim.supported for s in scored),
            "corrupted": sum(not s.claim.supported for s in scored),
        },
    }


def _fit_pair(scored: list[Scored], with_coverage: bool) -> tuple[float, float]:
    """Among the (floor, minimum) pairs keeping `KEEP` of the supported sentences, the one
    showing fewest corrupted ones, then keeping most."""
    supported = np.array([s.claim.supported for s in scored])
    similarity = np.array([s.verdict.similarity for s in scored])
    coverage = np.array(
        [s.verdict.coverage if with_coverage and s.verdict.coverage is not None else 1.0
         for s in scored]
    )  # fmt: skip
    quantiles = np.linspace(0.0, 1.0 - KEEP, GRID)
    best: tuple[int, float, float, float] | None = None
    for floor in np.quantile(similarity[supported], quantiles):
        for minimum in np.quantile(coverage[supported], quantiles) if with_coverage else [0.0]:
            shown = (similarity >= floor) & (coverage >= minimum)
            kept = shown[supported].mean()
            if kept >= KEEP:
                candidate = (int(shown[~supported].sum()), -kept, float(floor), float(minimum))
                best = min(best, candidate) if best else candidate
    assert best is not None
    return best[2], best[3]


def shares(results: list[Scored], supported: bool) -> dict[str, tuple[int, int]]:
    """(shown, total) by kind and overall ("all"), for the supported or corrupted sentences."""
    shown: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for result in (r for r in results if r.claim.supported == supported):
        for kind in (result.claim.kind, "all"):
            total[kind] += 1
            shown[kind] += result.verdict.shown
    return {kind: (shown[kind], total[kind]) for kind in sorted(total, key=lambda k: k == "all")}


def print_report(results: dict[str, list[Scored]], guard: Guard, console: object) -> None:
    from rich.table import Table

    table = Table(
        title=f"The guard: floor {guard.floor} (English {guard.english_floor}), "
        f"content words ≥ {guard.min_coverage}"
    )
    table.add_column("sentences")
    table.add_column("kind")
    for name in results:
        table.add_column(f"{name}: shown", justify="right")
    for supported, label in ((True, "supported: kept"), (False, "corrupted: shown")):
        by_set = {name: shares(r, supported) for name, r in results.items()}
        kinds = list(dict.fromkeys(k for figures in by_set.values() for k in figures))
        for kind in kinds:
            cells = [_share(by_set[name].get(kind)) for name in results]
            table.add_row(label if kind == kinds[0] else "", kind, *cells)
        table.add_section()
    console.print(table)  # type: ignore[attr-defined]


def _share(figures: tuple[int, int] | None) -> str:
    if not figures or not figures[1]:
        return "–"
    shown, total = figures
    return f"{shown / total:.1%} ({shown}/{total})"
