"""Runs the gold set through the assistant and the tutorial baseline; prints one report.

    python -m evals run [--distractors N | --index DATA_DIR]

With N > 0, N statutes from ../shared/sfs are indexed beside corpus/ as distractors. The
evaluation index lives in the data directory under eval/ and is reused while the corpus, the
statutes and the embedder are unchanged (ingest is incremental, so re-runs embed nothing).
With --index, the sets are asked of a data directory as it is (the whole statute book's, say):
nothing is ingested, and every statute in it is a distractor.
"""

from __future__ import annotations

import statistics
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from assistant.service import Assistant, Response
from assistant.settings import Settings
from assistant.types import Message
from evals.baseline import TutorialPipeline
from evals.distractors import statutes_for_evaluation
from evals.gold import FRESH, GOLD, TEST, GoldItem, has_fact, load_gold, supports
from ingest.indexing import Indexer

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
SETS = {"dev": GOLD, "test": TEST, "fresh": FRESH}
RECALL_AT = 5


@dataclass
class ItemResult:
    item: GoldItem
    rank: int | None = None  # of the first passage that is a gold source, 1-based
    baseline_rank: int | None = None
    answered: bool = False
    facts: float | None = None  # share of key facts in the answer
    citation_precision: float | None = None
    decline_correct: bool = True
    not_verbatim: int = 0  # citations whose text is not in their document's live version
    latency_ms: float = 0.0
    answer: str = ""
    coverage: float | None = None
    dense: float | None = None
    both_cited: bool | None = None  # for comparisons: every compared document is cited
    closest: bool = False  # answered with the nearest passage under a caveat


@dataclass
class Figures:
    n: int = 0
    recall_at_1: float | None = None
    recall_at_5: float | None = None
    mrr: float | None = None
    key_facts: float | None = None
    citation_precision: float | None = None
    decline_accuracy: float | None = None
    p50_ms: float | None = None
    p95_ms: float | None = None
    baseline_recall_at_1: float | None = None
    baseline_recall_at_5: float | None = None
    baseline_mrr: float | None = None
    not_verbatim: int = 0
    false_declines: float | None = None  # answerable questions the assistant declined
    both_cited: float | None = None  # comparisons whose answer cites every document compared
    closest: float | None = None  # answers given as the nearest passage, under a caveat


@dataclass
class Report:
    distractors: int
    chunks: int
    overall: Figures
    categories: dict[str, Figures] = field(default_factory=dict)
    results: list[ItemResult] = field(default_factory=list)


def existing_index(settings: Settings, index: Path) -> tuple[Assistant, int]:
    """A data directory's index as it stands, and how many statutes beside corpus/ it holds."""
    assistant = Assistant(settings.model_copy(update={"data_dir": index}))
    live = [Path(r.live.source_path).name for r in assistant.catalog.documents() if r.live]
    corpus = {p.name for p in CORPUS.iterdir() if p.is_file()}
    missing = sorted(corpus - set(live))
    if missing:
        raise SystemExit(f"{index} does not hold corpus/: {', '.join(missing)} missing")
    return assistant, len(live) - len(corpus)


def build_assistant(settings: Settings, distractors: int) -> tuple[Assistant, list[Path]]:
    """The evaluation index: corpus/ plus `distractors` statutes, brought up to date."""
    eval_settings = settings.model_copy(
        update={"data_dir": settings.data_dir / "eval" / f"distractors-{distractors}"}
    )
    assistant = Assistant(eval_settings)
    corpus = sorted(p for p in CORPUS.iterdir() if p.is_file())
    files = corpus + statutes_for_evaluation(distractors)
    report = Indexer(assistant.store, assistant.catalog).ingest(files)
    if report.failed:
        raise RuntimeError(f"evaluation corpus failed to ingest: {report.failed}")
    return assistant, files


def evaluate(settings: Settings, distractors: int = 0, baseline: bool = True) -> Report:
    """The development set (gold.yaml): what retrieval and answering are tuned on."""
    return evaluate_sets(settings, distractors, baseline, ("dev",))["dev"]


def evaluate_sets(
    settings: Settings,
    distractors: int,
    baseline: bool,
    names: tuple[str, ...] = ("dev", "test"),
    index: Path | None = None,
) -> dict[str, Report]:
    """Each named set over one evaluation index. Statute questions need statutes in it.
    `index`: a data directory asked as it is, without the baseline (which would embed it all)."""
    if index is not None:
        assistant, distractors = existing_index(settings, index)
        tutorial = None
        baseline = False
    else:
        assistant, files = build_assistant(settings, distractors)
        tutorial_dir = assistant.settings.data_dir / "tutorial"
        embedder = assistant.store.embedder
        tutorial = TutorialPipeline(tutorial_dir, embedder, files) if baseline else None
    assistant.warm_up()  # build the lexical side and load the model before timing anything
    reports = {}
    for name in names:
        items = [
            i for i in load_gold(SETS[name]) if distractors or not i.category.startswith("statute")
        ]
        results = [run_item(assistant, item) for item in items]
        _baseline_ranks(tutorial, results)
        reports[name] = summarise(results, distractors, assistant.store.count(), baseline)
    return reports


def _baseline_ranks(tutorial: TutorialPipeline | None, results: list[ItemResult]) -> None:
    if tutorial is not None:
        # After our own run, so that the baseline's searches do not share the timed minutes.
        for result in results:
            if result.item.sources:
                hits = tutorial.search(result.item.turns[-1])
                result.baseline_rank = _first_hit(
                    [(d.page_content, d.metadata["doc_id"]) for d in hits], result.item
                )


def run_item(assistant: Assistant, item: GoldItem) -> ItemResult:
    messages: list[Message] = []
    response: Response | None = None
    latency = 0.0
    for turn in item.turns:
        messages.append(Message("user", turn))
        started = time.perf_counter()
        response = assistant.respond(messages)
        latency = (time.perf_counter() - started) * 1000
        messages.append(Message("assistant", response.answer.text))
    assert response is not None
    answer = response.answer
    result = ItemResult(
        item,
        answered=answer.answered,
        closest=answer.closest,
        latency_ms=latency,
        answer=answer.text,
        coverage=response.coverage,
        dense=response.dense,
    )
    if item.sources:
        result.rank = _first_hit([(p.text, p.doc_id) for p in response.passages[:RECALL_AT]], item)
    forbidden = any(has_fact(answer.text, f) for f in item.forbidden)
    if item.decline is True:
        result.decline_correct = not answer.answered and not forbidden
    elif item.decline is False:
        result.decline_correct = answer.answered
    else:
        result.decline_correct = not forbidden and (
            not answer.answered or all(has_fact(answer.text, f) for f in item.key_facts)
        )
    if item.decline is False and item.key_facts:
        found = sum(has_fact(answer.text, f) for f in item.key_facts) if answer.answered else 0
        result.facts = found / len(item.key_facts)
    compared = {s.doc for s in item.sources}
    if item.category.endswith("comparison") and len(compared) > 1:
        result.both_cited = compared <= {c.document for c in answer.citations if answer.answered}
    if answer.answered and answer.citations and (item.key_facts or item.sources):
        good = sum(
            supports(c.text, c.document, item) or any(has_fact(c.text, f) for f in item.key_facts)
            for c in answer.citations
        )
        result.citation_precision = good / len(answer.citations)
    for citation in answer.citations:
        source = assistant.catalog.text(citation.document)
        if source is None or citation.text not in source:
            result.not_verbatim += 1
    return result


def _first_hit(passages: list[tuple[str, str]], item: GoldItem) -> int | None:
    for rank, (text, doc_id) in enumerate(passages, start=1):
        if supports(text, doc_id, item):
            return rank
    return None


def summarise(
    results: list[ItemResult], distractors: int, chunks: int, baseline: bool = True
) -> Report:
    by_category: dict[str, list[ItemResult]] = defaultdict(list)
    for result in results:
        by_category[result.item.category].append(result)
    return Report(
        distractors=distractors,
        chunks=chunks,
        overall=figures(results, baseline),
        categories={c: figures(rs, baseline) for c, rs in by_category.items()},
        results=results,
    )


def figures(results: list[ItemResult], baseline: bool = True) -> Figures:
    sourced = [r for r in results if r.item.sources]

    def recall(ranks: list[int | None], at: int) -> float | None:
        return _mean([1.0 if r is not None and r <= at else 0.0 for r in ranks])

    def mrr(ranks: list[int | None]) -> float | None:
        return _mean([1.0 / r if r else 0.0 for r in ranks])

    ours = [r.rank for r in sourced]
    theirs = [r.baseline_rank for r in sourced]
    latencies = sorted(r.latency_ms for r in results)
    return Figures(
        n=len(results),
        recall_at_1=recall(ours, 1),
        recall_at_5=recall(ours, RECALL_AT),
        mrr=mrr(ours),
        key_facts=_mean([r.facts for r in results if r.facts is not None]),
        citation_precision=_mean(
            [r.citation_precision for r in results if r.citation_precision is not None]
        ),
        decline_accuracy=_mean([1.0 if r.decline_correct else 0.0 for r in results]),
        p50_ms=statistics.median(latencies) if latencies else None,
        p95_ms=latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
        if latencies
        else None,
        baseline_recall_at_1=recall(theirs, 1) if baseline else None,
        baseline_recall_at_5=recall(theirs, RECALL_AT) if baseline else None,
        baseline_mrr=mrr(theirs) if baseline else None,
        not_verbatim=sum(r.not_verbatim for r in results),
        false_declines=_mean(
            [0.0 if r.answered else 1.0 for r in results if r.item.decline is False]
        ),
        closest=_mean([1.0 if r.closest else 0.0 for r in results]),
        both_cited=_mean(
            [1.0 if r.both_cited else 0.0 for r in results if r.both_cited is not None]
        ),
    )


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None
