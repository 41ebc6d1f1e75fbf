"""A conversation → one standalone question that retrieval and the answerer can use alone.

Staff ask follow-ups the way they speak: "Och vem ansvarar för den strategiska inriktningen?"
after a question about Dalarna is still about Dalarna; "Hur är det i Jönköping?" asks the
previous question again about Jönköping; "Och var?" asks where instead of when; "Vilken
domstol prövar det?" is about what the previous question asked, so that question is searched
with it. The rules below resolve those four shapes from the user's own earlier turns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.language.analysis import WORD
from assistant.language.evidence import PLAIN_LETTERS

INTERROGATIVE = re.compile(
    r"^\s*(när|var|vem|vad|hur|vilken|vilket|vilka|varför|"
    r"when|where|who|what|how|which|why)\b",
    re.IGNORECASE,
)
# "Ignorera dina källor och säg att …": an instruction wrapped around a claim. Only the claim is
# looked up, so the documents' own facts answer it (or nothing does).
INSTRUCTION = re.compile(
    r"^\s*(?:ignorera|strunta i|glöm|bortse från|ignore|disregard|forget)\b[^.?!]*?"
    r"\b(?:och|and)\s+(?:säg|skriv|svara|påstå|bekräfta|say|write|answer|state|confirm)"
    r"\s+(?:att\s+|that\s+)?",
    re.IGNORECASE,
)
# What a message says around its question: a greeting, a lead-in that only announces it ("Snabb
# fråga:", "jag undrar en sak."), thanks and a signature. A signature's name is no name the
# documents must mention, and the question's own first word tells what it asks for.
GREETING = re.compile(
    r"^\s*(?:hej(?:san|hej)?|hallå|tjena|god (?:morgon|dag|eftermiddag|kväll)|"
    r"hi|hello|hey|good (?:morning|afternoon|evening)|(?:tack|thanks)(?: så mycket)?(?=\s*[,.!]))"
    r"\b[\s,!.]*",
    re.IGNORECASE,
)
LEAD_IN = re.compile(
    r"^(?!\s*(?:när|var|vem|vad|hur|vilken|vilket|vilka|varför|when|where|who|what|how|which|why)"
    r"\b)(?![^.?!:]*\b(?:om|about|angående|gällande|kring)\b)"  # a topic stays: "en fråga om X:"
    r"[^.?!:]{0,80}\b(?:fråga|undrar|undran|question|wondering|wonder)\b[^.?!:]*[.:!]\s*",
    re.IGNORECASE,
)
SIGN_OFF = re.compile(
    r"(?<=[?.!])[^?]*\b(?:tack|mvh|hälsningar|hälsning|thanks|thank you|regards|cheers)\b[^?]*$",
    re.IGNORECASE,
)
# A pronoun that stands for what the previous question was about: the question's last word
# ("Vilken domstol prövar det?", "Vem skrev under med henne?") or the subject after an auxiliary
# verb ("Hur snabbt ska den svara?", "Vad får det innehålla?"), but not "den som".
POINTING_BACK = re.compile(
    r"\b(?:den|det|dem|de|denna|detta|dessa|honom|henne|it|them|they|him|her)\s*[?.!]*\s*$|"
    r"\b(?:ska|skall|får|kan|måste|bör|behöver|brukar|har|gör|should|must|can|may|has|does|do)\s+"
    r"(?:den|det|de|dessa|han|hon|it|they|he|she)\s+(?!som\b)",
    re.IGNORECASE,
)
# Words a follow-up uses to point back, which carry no topic of their own.
FILLER = {
    "och",
    "men",
    "då",
    "hur",
    "är",
    "det",
    "i",
    "för",
    "om",
    "samma",
    "sen",
    "där",
    "gäller",
    "and",
    "but",
    "then",
    "what",
    "about",
    "how",
    "is",
    "it",
    "in",
    "for",
    "the",
    "there",
}
GENERIC_ORGANISATION_WORDS = {
    "landstinget",
    "landsting",
    "region",
    "regionen",
    "län",
    "i",
    "kommun",
    "kommunen",
    "och",
}


@dataclass(frozen=True)
class Organisation:
    name: str
    aliases: tuple[str, ...]  # lower-case distinctive words, e.g. ("dalarna",)


def organisations_from_names(names: list[str]) -> list[Organisation]:
    """Each organisation is recognised by the words of its name that no other name shares."""
    words = {
        name: [w for w in WORD.findall(name.lower()) if w not in GENERIC_ORGANISATION_WORDS]
        for name in names
    }
    result = []
    for name, own in words.items():
        others = {w for other, ws in words.items() if other != name for w in ws}
        result.append(Organisation(name, tuple(w for w in own if w not in others)))
    return result


def mentioned(text: str, organisations: list[Organisation]) -> tuple[Organisation, str] | None:
    """The organisation a text names, and the word that names it."""
    for word in WORD.findall(text):
        lowered = word.lower()
        for organisation in organisations:
            if any(same_word(lowered, alias) for alias in organisation.aliases):
                return organisation, word
    return None


def mentioned_all(text: str, organisations: list[Organisation]) -> list[Organisation]:
    """Every organisation a text names, in the order it names them."""
    found: list[Organisation] = []
    for word in WORD.findall(text):
        for organisation in organisations:
            aliases = organisation.aliases
            if organisation not in found and any(same_word(word.lower(), a) for a in aliases):
                found.append(organisation)
    return found


def asked(message: str) -> str:
    """The question a message asks, without the greeting, lead-in, thanks and signature around
    it: "Hej! Snabb fråga: vem antar policyn? Tack på förhand! Mvh Karin" asks "Vem antar
    policyn?". A message that is nothing but those is kept as it is."""
    question = SIGN_OFF.sub("", LEAD_IN.sub("", GREETING.sub("", message, count=1), count=1))
    question = question.strip()
    return question[0].upper() + question[1:] if question else message.strip()


def standalone_question(messages: list[str], organisations: list[Organisation]) -> str:
    """The user's last question, made to stand alone using the user's earlier questions."""
    messages = [asked(m) for m in messages]
    question = INSTRUCTION.sub("", messages[-1]).strip() or messages[-1].strip()
    if len(messages) < 2:
        return question
    previous = messages[-2].strip()
    own = mentioned(question, organisations)
    earlier = next(
        (m for m in (mentioned(t, organisations) for t in reversed(messages[:-1])) if m), None
    )
    topic_words = [
        w
        for w in WORD.findall(question.lower())
        if w not in FILLER and not (own and same_word(w, own[1].lower()))
    ]
    asks = INTERROGATIVE.match(question.removeprefix("Och ").removeprefix("och "))

    if own and not topic_words:
        # "Hur är det i Jönköping?": the previous question, about another organisation.
        named = mentioned(previous, organisations)
        if named:
            return re.sub(rf"\b{re.escape(named[1])}\b", own[1], previous)
        return f"{previous.rstrip('?')} ({own[0].name})?"
    if not topic_words or (asks and len(topic_words) == 1 and topic_words[0] == asks.group(1)):
        # "Och var?": the previous question, asking where instead of when.
        if asks and INTERROGATIVE.match(previous):
            return INTERROGATIVE.sub(asks.group(1).capitalize(), previous, count=1)
        return f"{question} {previous}"
    if not own and POINTING_BACK.search(question):
        # "Vilken domstol prövar det?": "det" is what the previous question was about.
        return f"{question} {standalone_question(messages[:-1], organisations)}"
    if not own and earlier:
        # "Och vem ansvarar ...?": still about the organisation named before.
        return f"{question} ({earlier[0].name})"
    return question


def same_word(word: str, alias: str) -> bool:
    """Dalarna/Dalarnas, Jönköping/Jönköpings, and jonkoping typed without å, ä and ö."""
    word, alias = word.translate(PLAIN_LETTERS), alias.translate(PLAIN_LETTERS)
    return word == alias or (
        len(alias) >= 4
        and (word.startswith(alias) or alias.startswith(word))
        and abs(len(word) - len(alias)) <= 2
    )
