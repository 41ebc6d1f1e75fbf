"""`python -m evals COMMAND`: the evaluation and the benchmarks, outside the product.

python -m evals run [--distractors N | --index DATA_DIR] [--no-baseline] [--details]
                    [--set dev|test|fresh|all]
python -m evals ablation [--distractors N]
python -m evals variants [--distractors N] [--set dev|test]
python -m evals ingest-benchmark [--minutes M]
python -m evals load-benchmark [--seconds S] [--clients 1 8 16] [--workers 1 2]
python -m evals ingest-load-benchmark [--before main] [--statutes FILE ...] [--all-cores]
python -m evals scale-benchmark --source DATA_DIR [--sizes 0 500 2000 all]
python -m evals hosts-benchmark [--statutes 200] [--clients 8] [--seconds S]
python -m evals versions-benchmark [--statute DOC] [--questions N]
python -m evals million-benchmark [--sizes 100000 1000000] [--queries 200]
python -m evals guard [--fit]
python -m evals generated (--url URL | --smollm2) [--set dev|test] [--limit N]
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path


def run(argv: list[str]) -> None:
    from rich.console import Console

    from assistant.settings import Settings
    from evals.report import print_report, print_side_by_side
    from evals.run import evaluate_sets

    parser = argparse.ArgumentParser(prog="python -m evals run", description="the gold set")
    parser.add_argument(
        "--distractors", type=int, default=0, help="also index N statutes from ../shared/sfs"
    )
    parser.add_argument(
        "--index", type=Path, help="ask a data directory as it is (no ingest, no baseline)"
    )
    parser.add_argument("--no-baseline", action="store_true", help="skip the tutorial pipeline")
    parser.add_argument(
        "--details", action="store_true", help="list the development set's items that missed"
    )
    parser.add_argument(
        "--set",
        choices=["dev", "test", "fresh", "both", "all"],
        default="both",
        help="which question set; both = dev and test, all = the three",
    )
    args = parser.parse_args(argv)
    chosen = {"both": ("dev", "test"), "all": ("dev", "test", "fresh")}
    names = chosen.get(args.set, (args.set,))
    reports = evaluate_sets(Settings(), args.distractors, not args.no_baseline, names, args.index)
    console = Console()
    labels = {
        "dev": "development set (tuned on)",
        "test": "test set (never tuned on)",
        "fresh": "fresh set (written apart, never tuned on)",
    }
    for name, report in reports.items():
        # The held-out sets' misses are not listed: reading them is tuning on them.
        details = args.details and name == "dev"
        print_report(report, console, verbose=details, name=labels[name])
    if len(reports) > 1:
        print_side_by_side(reports, console)


# Each benchmark's module; its `main(argv)` runs it. Imported only when asked for.
MODULES = {
    "ablation": "evals.ablation",
    "variants": "evals.variants",
    "ingest-benchmark": "evals.ingest_benchmark",
    "load-benchmark": "evals.load_benchmark",
    "ingest-load-benchmark": "evals.ingest_load_benchmark",
    "labelled-load": "evals.labelled_load",
    "versions-benchmark": "evals.versions_benchmark",
    "scale-benchmark": "evals.scale_benchmark",
    "hosts-benchmark": "evals.hosts_benchmark",
    "million-benchmark": "evals.million_benchmark",
    "guard": "evals.guard_benchmark",
    "generated": "evals.generated_benchmark",
}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in {"run", *MODULES}:
        sys.exit(__doc__)
    command, argv = sys.argv[1], sys.argv[2:]
    if command == "run":
        run(argv)
    else:
        importlib.import_module(MODULES[command]).main(argv)


if __name__ == "__main__":
    main()
