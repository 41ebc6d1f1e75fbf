"""Quality floors: the gold set over corpus/ (no distractors) must not silently get worse."""

from __future__ import annotations

from pathlib import Path

from assistant.settings import Settings
from evals.run import evaluate


def test_gold_set_floors(tmp_path: Path) -> None:
    report = evaluate(Settings(data_dir=tmp_path / "data"), distractors=0)
    overall = report.overall
    assert overall.n >= 60
    assert overall.recall_at_5 >= 0.95
    assert overall.mrr >= 0.85
    assert overall.key_facts >= 0.85
    assert overall.decline_accuracy >= 0.9
    assert overall.not_verbatim == 0
    # The tutorial pipeline ran on the same questions, and we are ahead of it.
    assert overall.baseline_mrr is not None and overall.mrr > overall.baseline_mrr
