"""The question sets stay valid: every source quote is verbatim in a paragraph of
its document as the product chunks it, so a retrieval hit is a real hit."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.distractors import STAFF_STATUTES
from evals.gold import FRESH, GOLD, TEST, TRAIN, load_gold, normalise
from ingest.chunking import chunk_document
from ingest.loaders import load_file
from tests.conftest import CORPUS, require_shared


def paragraphs() -> dict[str, list[str]]:
    sfs = require_shared("sfs")
    files = [*CORPUS.glob("*.md"), *(sfs / name for name in STAFF_STATUTES)]
    found = {}
    for path in files:
        document = load_file(Path(path))
        found[document.doc_id] = [normalise(c.text) for c in chunk_document(document)]
    return found


@pytest.mark.parametrize(
    "question_set", [GOLD, TEST, FRESH, TRAIN], ids=["dev", "test", "fresh", "train"]
)
def test_every_source_quote_is_in_a_paragraph_of_its_document(question_set: Path) -> None:
    texts = paragraphs()
    items = load_gold(question_set)
    assert len({i.id for i in items}) == len(items), "ids are unique"
    missing = [
        (item.id, source.quote)
        for item in items
        for source in item.sources
        if not any(normalise(source.quote) in text for text in texts[source.doc])
    ]
    assert not missing


def test_the_test_set_is_the_size_the_evaluation_promises() -> None:
    items = load_gold(TEST)
    statutes = [i for i in items if i.category.startswith("statute")]
    assert len(items) - len(statutes) >= 60 and len(statutes) >= 40
    assert {i.category for i in items} >= {"paraphrase", "english", "typo", "comparison"}


def test_the_fresh_set_asks_about_both_kinds_of_document_in_staff_words() -> None:
    items = load_gold(FRESH)
    statutes = [i for i in items if i.category.startswith("statute")]
    assert len(items) >= 60 and len(statutes) >= 20 and len(items) - len(statutes) >= 20
    declined = [i for i in items if i.decline is True]
    assert len(declined) >= 8, "questions the documents do not answer"
