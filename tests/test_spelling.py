"""Misspelt question words are read as the corpus spells them; real words are left alone."""

from __future__ import annotations

from collections import Counter

from assistant.language.spelling import Speller
from assistant.service import Assistant
from assistant.types import Message

VOCABULARY = Counter(
    {
        "allvarlig": 4,
        "vårdskada": 9,
        "myndighet": 30,
        "anlita": 2,
        "reglera": 5,
        "landstinget": 12,
        "hålls": 3,
        "före": 40,
        "upprättas": 6,
        "engångsord": 1,
        "internationellt": 7,
        "internationell": 5,
        "international": 3,  # a statute's English
        "måste": 25,
        "nätverk": 4,
        "arbetet": 8,
        "regionberedning": 3,
        "eu-medel": 2,
        "intill": 2,
    }
)


def speller() -> Speller:
    return Speller(VOCABULARY, known=lambda word: word in VOCABULARY)


def test_one_edit_from_a_word_the_corpus_uses_is_read_as_that_word() -> None:
    spell = speller()
    assert spell.correct("Vad räknas som en alvarlig vårdskaada?") == (
        "Vad räknas som en allvarlig vårdskada?"
    )
    assert spell.correct("Får en part anltia ett ombud hos en myndihget?") == (
        "Får en part anlita ett ombud hos en myndighet?"
    )


def test_letters_typed_without_their_dots_and_a_single_double_consonant_are_read_first() -> None:
    """ "internationel" is one edit from the statutes' "international" too; "maste" is short."""
    spell = speller()
    assert spell.correct("Maste vi jobba internationelt i natverk?") == (
        "Maste vi jobba internationellt i nätverk?"
    )
    assert spell.correct("maste vi svara") == "måste vi svara"
    assert spell.correct("varför ska vi jobba internationel") == (
        "varför ska vi jobba internationell"
    )


def test_a_compound_the_corpus_never_writes_gets_its_dots_back_in_its_parts() -> None:
    spell = speller()
    # The corpus has "nätverk" but no "nätverksarbetet": the head is restored, the s kept.
    assert spell.correct("vad ska natverksarbetet leda till") == (
        "vad ska nätverksarbetet leda till"
    )
    assert spell.correct("hur ska landstinget natverka") == "hur ska landstinget natverka"


def test_a_compound_written_apart_is_read_as_the_corpus_writes_it() -> None:
    # Known in another inflection, as the stemmer would tell: "regionberedningen".
    spell = Speller(VOCABULARY, known=lambda w: w in VOCABULARY or w[:-2] in VOCABULARY)
    assert spell.correct("vad gör region beredningen i dalarna") == (
        "vad gör regionberedningen i dalarna"
    )
    assert spell.correct("ska vi söka eu medel?") == "ska vi söka eu-medel?"
    # Function words stay apart, and so do words the corpus never writes together.
    assert spell.correct("kom det in till myndigheten") == "kom det in till myndigheten"
    assert spell.correct("region arbetet") == "region arbetet"
    # A word joined once is not joined again with its other neighbour.
    care = Counter({"tandvård": 3, "vårdgivare": 2})
    assert Speller(care, known=care.__contains__).correct("om tand vård givare") == (
        "om tand vårdgivare"
    )


def test_real_words_the_corpus_does_not_use_are_left_alone() -> None:
    spell = speller()
    for question in (
        "Vilka regler gäller?",  # one edit from "reglera", but only in its ending
        "Vad gäller i landstingen?",  # another ending
        "Var hölls mötet?",  # short words have too many neighbours
        "Hur vill landstinget uppfattas?",  # two edits from "upprättas"
        "Vad sa Alvarlig?",  # a name
        "What is a serious alvarlig injury?",  # English: the glossary reads it
        "Vad är ett engångsorr?",  # the corpus uses the neighbour once: maybe a typo itself
    ):
        assert spell.correct(question) == question


def test_the_assistant_searches_and_answers_the_corrected_question(
    corpus_assistant: Assistant,
) -> None:
    response = corpus_assistant.respond(
        [Message("user", "Vem ansvarar för den stratgiska inriktningen i Dalarna?")]
    )
    assert response.query == "Vem ansvarar för den strategiska inriktningen i Dalarna?"
    assert response.answer.answered
