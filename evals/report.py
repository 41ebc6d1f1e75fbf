"""The evaluation report as a table: per category and overall, the tutorial baseline beside."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from evals.run import Figures, Report, figures

COLUMNS = [
    ("n", "n"),
    ("R@1", "recall_at_1"),
    ("R@5", "recall_at_5"),
    ("MRR", "mrr"),
    ("tut R@1", "baseline_recall_at_1"),
    ("tut R@4", "baseline_recall_at_5"),
    ("tut MRR", "baseline_mrr"),
    ("facts", "key_facts"),
    ("cite prec", "citation_precision"),
    ("decline", "decline_accuracy"),
    ("false decl", "false_declines"),
    ("closest", "closest"),
    ("both cited", "both_cited"),
    ("p50 ms", "p50_ms"),
    ("p95 ms", "p95_ms"),
]


def print_side_by_side(reports: dict[str, Report], console: Console) -> None:
    """The sets' overall figures in one table: tune on dev, read the result off test."""
    first = next(iter(reports.values()))
    table = Table(
        title=f"The question sets: corpus/ + {first.distractors} statutes ({first.chunks} chunks)"
    )
    table.add_column("set")
    for header, _ in COLUMNS:
        table.add_column(header, justify="right")
    for name, report in reports.items():
        table.add_row(name, *_cells(report.overall))
        statute = [r for r in report.results if r.item.category.startswith("statute")]
        if statute and len(statute) < len(report.results):
            policy = [r for r in report.results if r not in statute]
            baseline = report.overall.baseline_mrr is not None  # else "–", not 0.00
            table.add_row(f"  {name}: policies", *_cells(figures(policy, baseline)))
            table.add_row(f"  {name}: statutes", *_cells(figures(statute, baseline)))
    console.print(table)


def print_report(
    report: Report, console: Console, verbose: bool = False, name: str = "development set"
) -> None:
    table = Table(
        title=f"Evaluation, {name}: corpus/ + {report.distractors} statutes "
        f"({report.chunks} chunks)"
    )
    table.add_column("category")
    for header, _ in COLUMNS:
        table.add_column(header, justify="right")
    for category, figures_of_category in sorted(report.categories.items()):
        table.add_row(category, *_cells(figures_of_category))
    table.add_row("[bold]overall[/bold]", *_cells(report.overall), end_section=True)
    console.print(table)
    console.print(
        "tut = LangChain tutorial pipeline (RecursiveCharacterTextSplitter 1000/200, dense top-4, "
        "same embedder); its recall is at 4, the most it returns."
    )
    console.print(f"Citations not verbatim in their source: {report.overall.not_verbatim}")
    if verbose:
        for result in report.results:
            if result.decline_correct and result.facts in (None, 1.0) and result.rank == 1:
                continue
            console.print(
                f"[yellow]{result.item.id}[/yellow] rank={result.rank} "
                f"answered={result.answered} facts={result.facts} "
                f"decline_ok={result.decline_correct} coverage={_rounded(result.coverage)} "
                f"dense={_rounded(result.dense)}\n  {result.answer!r}",
                highlight=False,
            )


def _rounded(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _cells(figures: Figures) -> list[str]:
    cells = []
    for _, name in COLUMNS:
        value = getattr(figures, name)
        if value is None:
            cells.append("–")
        elif name == "n":
            cells.append(str(value))
        elif name.endswith("_ms"):
            cells.append(f"{value:.0f}")
        else:
            cells.append(f"{value:.2f}")
    return cells
