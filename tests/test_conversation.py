"""Follow-up questions made to stand alone."""

from __future__ import annotations

from assistant.answering.conversation import organisations_from_names, standalone_question
from assistant.service import Assistant
from assistant.types import Message

ORGANISATIONS = organisations_from_names(["Landstinget Dalarna", "Landstinget i Jönköpings län"])


def test_organisations_are_known_by_their_distinctive_words() -> None:
    assert [o.aliases for o in ORGANISATIONS] == [("dalarna",), ("jönköpings",)]


def test_a_first_question_stands_as_it_is() -> None:
    assert standalone_question(["Vem antar policyn?"], ORGANISATIONS) == "Vem antar policyn?"


def test_a_follow_up_stays_with_the_organisation_named_before() -> None:
    turns = [
        "Vem antar den internationella policyn i Dalarna?",
        "Och vem ansvarar för den strategiska inriktningen?",
    ]
    assert standalone_question(turns, ORGANISATIONS) == (
        "Och vem ansvarar för den strategiska inriktningen? (Landstinget Dalarna)"
    )


def test_naming_another_organisation_asks_the_previous_question_about_it() -> None:
    turns = ["Vem antar den internationella policyn i Dalarna?", "Hur är det i Jönköping?"]
    assert standalone_question(turns, ORGANISATIONS) == (
        "Vem antar den internationella policyn i Jönköping?"
    )
    # Typed without å, ä and ö, the name is still Jönköping's.
    turns = ["Vem antar den internationella policyn i Dalarna?", "hur är det i jonkoping"]
    assert standalone_question(turns, ORGANISATIONS) == (
        "Vem antar den internationella policyn i jonkoping?"
    )
    turns = ["Vem antar den internationella policyn?", "Och i Dalarna?"]
    assert standalone_question(turns, ORGANISATIONS) == (
        "Vem antar den internationella policyn (Landstinget Dalarna)?"
    )


def test_a_bare_question_word_replaces_the_previous_one() -> None:
    turns = ["När sammanträdde Planeringsdelegationen?", "Och var?"]
    assert standalone_question(turns, ORGANISATIONS) == "Var sammanträdde Planeringsdelegationen?"


def test_a_question_with_its_own_topic_is_left_alone() -> None:
    turns = [
        "Vem antar den internationella policyn i Dalarna?",
        "Vilket diarienummer har ärendet i Jönköping?",
    ]
    assert standalone_question(turns, ORGANISATIONS) == turns[-1]


def test_a_pronoun_pointing_back_brings_the_question_it_points_to() -> None:
    first = "Vem får gå till domstol för att pröva om ett beslut i regionen är lagligt?"
    for follow_up in [
        "Vilken domstol prövar det?",
        "Hur snabbt ska den svara?",
        "Vad får det innehålla?",
        "Får den titta på sådant som inte står i anmälan?",
    ]:
        assert standalone_question([first, follow_up], []) == f"{follow_up} {first}"
    # A person named in the answer: "henne" is the director the previous question asked for.
    first = "Vem är landstingsdirektör?"
    for follow_up in ["Vem skrev under tillsammans med henne?", "Vad ska hon göra?"]:
        assert standalone_question([first, follow_up], []) == f"{follow_up} {first}"
    first = "Vem får gå till domstol för att pröva om ett beslut i regionen är lagligt?"
    # Two turns back: the question pointed to is itself made to stand alone.
    turns = [first, "Vilken domstol prövar det?", "Hur lång tid har den på sig?"]
    assert standalone_question(turns, []) == f"{turns[2]} {turns[1]} {first}"
    # "den som" and an article before its noun point nowhere.
    for own_topic in ["Får den som är part anlita ett ombud?", "Vad gäller för den anställde?"]:
        assert standalone_question([first, own_topic], []) == own_topic


def test_comparisons_are_recognised_and_each_side_asked_without_the_other() -> None:
    from assistant.answering.comparison import compared, side_question

    dalarna, jonkoping = organisations_from_names(
        ["Landstinget Dalarna", "Landstinget i Jönköpings län"]
    )
    both = [dalarna, jonkoping]
    assert compared("Vem antar policyn i Dalarna respektive i Jönköping?", both) == both
    assert compared("Vad gäller i båda landstingen?", both) == both
    assert compared("Vem antar policyn i Dalarna?", both) == []
    assert compared("Vem antar policyn?", both) == []
    asked = side_question(
        "Vem antar policyn i Dalarna respektive i Jönköping?", dalarna, [jonkoping]
    )
    assert "Jönköping" not in asked and "Dalarna" in asked


def test_greetings_lead_ins_thanks_and_signatures_are_not_part_of_the_question() -> None:
    for message in (
        "Hej! Vem antar policyn?",
        "Snabb fråga: vem antar policyn?",
        "Vem antar policyn? Tack på förhand!",
        "Hej, jag jobbar på en vårdcentral och undrar en sak. Vem antar policyn?",
        "Vem antar policyn? Mvh Karin",
    ):
        assert standalone_question([message], ORGANISATIONS) == "Vem antar policyn?"
    # What the lead-in says about the topic, and words that only look like thanks, stay.
    for message in (
        "Jag har en fråga om EU-medel: vem ansvarar?",
        "Tack vare vad ska Dalarna växa?",
        "Vilka frågor bereder regionberedningen?",
        "Tack!",
    ):
        assert standalone_question([message], ORGANISATIONS) == message
    turns = ["Vem antar policyn i Dalarna?", "Tack! Och vem ansvarar för inriktningen?"]
    assert standalone_question(turns, ORGANISATIONS) == (
        "Och vem ansvarar för inriktningen? (Landstinget Dalarna)"
    )


def test_a_signed_question_is_answered_as_the_question_alone(
    corpus_assistant: Assistant,
) -> None:
    """A signature's name is no name the documents must mention: signed, the question was
    declined."""
    question = "Vem antar policyn för internationellt arbete i Jönköping?"
    plain = corpus_assistant.respond([Message("user", question)])
    signed = corpus_assistant.respond([Message("user", f"Hej! {question} Tack! Mvh Karin")])
    assert signed.answer.answered
    assert signed.answer.text == plain.answer.text
    assert "landstingsfullmäktige" in signed.answer.text.lower()
