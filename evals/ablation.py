"""Retrieval, one step at a time: what each part of the hybrid retriever adds.

    python -m evals ablation [--distractors N]

Prints recall@1, recall@5 and MRR on the gold set for dense only, BM25 only, their fusion, and
each step added to it (compound parts, document cards, score fusion, the candidates' own term
weights, the answer kind), on the same evaluation index `python -m evals run` uses.
"""

from __future__ import annotations

import argparse
from dataclasses import replace

from rich.console import Console
from rich.table import Table

from assistant.answering.conversation import standalone_question
from assistant.retrieval.ranking import RetrievalOptions
from assistant.retrieval.retriever import Retriever
from assistant.settings import Settings
from evals.gold import load_gold, supports
from evals.run import RECALL_AT, build_assistant

FULL = RetrievalOptions()
SCORES = replace(FULL, local_weight=0, answer_kind_weight=0)
RRF = replace(SCORES, fusion="rrf")
VARIANTS: dict[str, RetrievalOptions] = {
    "dense only": replace(SCORES, lexical_weight=0, use_cards=False),
    "BM25 only": replace(SCORES, dense_weight=0, use_cards=False, compounds=False),
    "dense + BM25, rank fusion (RRF)": replace(RRF, use_cards=False, compounds=False),
    "  + compound parts": replace(RRF, use_cards=False),
    "  + document cards": RRF,
    "score fusion instead of RRF": SCORES,
    "  + candidates' own term weights": replace(FULL, answer_kind_weight=0),
    "  + answer kind (default)": FULL,
    "default without compound parts": replace(FULL, compounds=False),
    "default without document cards": replace(FULL, use_cards=False),
    "default, candidates' term weights x0.5": replace(FULL, local_weight=0.5),
    "default, dense x1.5": replace(FULL, dense_weight=1.5),
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--distractors", type=int, default=0)
    args = parser.parse_args(argv)
    assistant, _ = build_assistant(Settings(), args.distractors)
    organisations = assistant.organisations()
    items = [i for i in load_gold() if i.sources]
    queries = [standalone_question(i.turns, organisations) for i in items]

    table = Table(
        title=f"Retrieval ablation: corpus/ + {args.distractors} statutes, "
        f"{len(items)} questions with sources"
    )
    for column in ("variant", "R@1", f"R@{RECALL_AT}", "MRR", "English R@1"):
        table.add_column(column, justify="right" if column != "variant" else "left")
    for name, options in VARIANTS.items():
        retriever = Retriever(assistant.store, assistant.catalog, assistant.analyzer, options)
        ranks = []
        for item, query in zip(items, queries, strict=True):
            hits = retriever.search(query, k=RECALL_AT)
            ranks.append(
                next((r for r, p in enumerate(hits, 1) if supports(p.text, p.doc_id, item)), None)
            )
        english = [r for r, i in zip(ranks, items, strict=True) if i.category == "english"]
        table.add_row(
            name,
            f"{_recall(ranks, 1):.2f}",
            f"{_recall(ranks, RECALL_AT):.2f}",
            f"{sum(1 / r for r in ranks if r) / len(ranks):.2f}",
            f"{_recall(english, 1):.2f}",
        )
    Console().print(table)


def _recall(ranks: list[int | None], at: int) -> float:
    return sum(1 for r in ranks if r is not None and r <= at) / max(len(ranks), 1)


if __name__ == "__main__":
    main()
