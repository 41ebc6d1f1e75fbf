"""What in a generated sentence can be checked word for word against the text it cites.

A sentence's citations ([n]), and its facts: names of people, organisations and bodies,
numbers, months, § and chapter references, quotations and negations. The guard (`guard.py`)
requires each of them in the cited passages; this module only finds them, in Swedish and in
English sentences alike.
"""

from __future__ import annotations

import re

from assistant.language.analysis import STOP_WORDS
from assistant.language.swedish_terms import SWEDISH_TO_ENGLISH

CITATION = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
# A list item's marker: "- ", "* ", "• ", "1. ", "2) ".
LIST_MARKER = re.compile(r"^\s*(?:[-*•–]|\d+[.)])\s+")
# A sentence ends after . ! or ? (and the citations that follow it) before a capital or a
# digit; not after an abbreviation or a chapter reference's "kap." before its paragraph number.
SENTENCE_END = re.compile(r"[.!?](?:\s*\[\d+(?:\s*,\s*\d+)*\])*(?=\s+[\"'(«“”–\-]?[A-ZÅÄÖÉ0-9])")
NOT_AN_END = re.compile(r"\b(?:kap|t\.ex|bl\.a|s\.k|dvs|jfr|resp|ca|nr|st|p|kl|prop|dnr)$")
# Bodies that Swedish writes in lower case: "landstingsfullmäktige", "regionberedningen".
BODY = re.compile(
    r"\w*(?:fullmäktige|styrelse|beredning|delegation|nämnd|direktör|kansli|presidium)\w*",
    re.IGNORECASE,
)
# The English that `swedish_terms` gives those bodies: "county council assembly".
ENGLISH_BODIES = sorted(
    {english for swedish, english in SWEDISH_TO_ENGLISH.items() if BODY.fullmatch(swedish)},
    key=len,
    reverse=True,
)
BODY_WORDS = frozenset(word for english in ENGLISH_BODIES for word in english.split())
CAPITALISED_RUN = re.compile(r"[A-ZÅÄÖÉ][\w-]*(?:\s+[A-ZÅÄÖÉ][\w-]*)*")
# Digits with thousands groups ("10 000", "10,000") and a decimal, time or SFS part.
NUMBER = re.compile(r"(?<![\d\w])\d+(?:(?:[ \u00a0]|,(?=\d{3}(?!\d)))\d{3})*(?:[.,:]\d+)?")
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
NUMBER_WORDS = {
    word: str(value)
    for words, value in (
        (("två", "two"), 2),
        (("tre", "three"), 3),
        (("fyra", "four"), 4),
        (("fem", "five"), 5),
        (("sex", "six"), 6),
        (("sju", "seven"), 7),
        (("åtta", "eight"), 8),
        (("nio", "nine"), 9),
        (("tio", "ten"), 10),
        (("elva", "eleven"), 11),
        (("tolv", "twelve"), 12),
        (("fjorton", "fourteen"), 14),
        (("femton", "fifteen"), 15),
        (("tjugo", "twenty"), 20),
        (("trettio", "thirty"), 30),
        (("hundra", "hundred"), 100),
    )
    for word in words
}
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("januari", "january"),
            ("februari", "february"),
            ("mars", "march"),
            ("april",),
            ("maj", "may"),
            ("juni", "june"),
            ("juli", "july"),
            ("augusti", "august"),
            ("september",),
            ("oktober", "october"),
            ("november",),
            ("december",),
        ),
        start=1,
    )
    for name in names
}
# "may" and "march" are English verbs as often as months: months only beside a day or a year.
MONTH = re.compile(
    r"(?:\b\d{1,2}(?:st|nd|rd|th)?\s+|\bden\s+)(" + "|".join(MONTHS) + r")\b|"
    r"\b(" + "|".join(MONTHS) + r")\s+(?:\d{1,2}\b|\d{4}\b)",
    re.IGNORECASE,
)
CHAPTER = re.compile(r"\b(\d+)\s*kap\b\.?|\bchapter\s+(\d+)", re.IGNORECASE)
PARAGRAPH = re.compile(r"\b(\d+(?:\s?[a-z])?)\s*§|§\s*(\d+)|\bsection\s+(\d+(?:\s?[a-z])?)\b", re.I)
NEGATIONS = frozenset(
    [
        "inte",
        "ej",
        "icke",
        "aldrig",
        "ingen",
        "inget",
        "inga",
        "ingenting",
        "not",
        "never",
        "no",
        "none",
        "nothing",
        "cannot",
    ]
)
NEGATION_WINDOW = 3  # words either side of a negation that say what it denies
QUOTATION = re.compile(r"[“”\"«»]([^“”\"«»]{3,}?)[“”\"«»]|(?<![\w])'([^']{3,}?)'(?![\w])")


def citations(sentence: str) -> list[int]:
    """The passage numbers a sentence cites, in order, each once: "[1]", "[1, 3]", "[2][3]"."""
    found = [int(n) for group in CITATION.findall(sentence) for n in group.split(",")]
    return list(dict.fromkeys(found))


def without_citations(sentence: str) -> str:
    return re.sub(r"\s+([.,;:!?])", r"\1", CITATION.sub("", sentence)).strip()


def split_sentences(text: str) -> list[str]:
    """Sentences and list items, each with its [n] markers; a line is never part of two."""
    sentences: list[str] = []
    for line in text.splitlines():
        line = LIST_MARKER.sub("", line).strip()
        start = 0
        for end in SENTENCE_END.finditer(line):
            if NOT_AN_END.search(line[start : end.start()]):
                continue
            sentences.append(line[start : end.end()].strip())
            start = end.end()
        if line[start:].strip():
            sentences.append(line[start:].strip())
    return sentences


def numbers(text: str) -> set[str]:
    """Every number, as one canonical spelling: "10 000" and "10,000" are "10000", "14.00" and
    "14:00" are "14.00", "3,5" is "3.5"; ISO dates give their parts; "fjorton" is "14"."""
    found = set()
    for year, month, day in ISO_DATE.findall(text):
        found.update({year, str(int(month)), str(int(day))})
    for raw in NUMBER.findall(ISO_DATE.sub(" ", text)):
        plain = re.sub(r"[ \u00a0]|,(?=\d{3}(?!\d))", "", raw)
        found.add(re.sub(r"[,:]", ".", plain).lstrip("0") or "0")
    found.update(NUMBER_WORDS[w] for w in re.findall(r"\w+", text.lower()) if w in NUMBER_WORDS)
    return found


def months(text: str) -> set[int]:
    """The months of the dates in a text, written out or ISO: "1 januari 2025" and
    "January 1, 2025" both hold January."""
    found = {int(month) for _, month, _ in ISO_DATE.findall(text)}
    for match in MONTH.finditer(text):
        found.add(MONTHS[(match.group(1) or match.group(2)).lower()])
    return found


def references(text: str) -> set[str]:
    """§ and chapter references: "3 kap. 2 §" and "chapter 3, section 2" are {"3 kap", "2 §"}."""
    found = {f"{a or b} kap" for a, b in CHAPTER.findall(text)}
    for groups in PARAGRAPH.findall(text):
        found.add(re.sub(r"\s", "", next(g for g in groups if g)).lower() + " §")
    return found


def names(sentence: str) -> list[str]:
    """Capitalised words that are names: every run of them but a sentence's plain first word
    (Swedish capitalises only names; a run of capitals at the start is a name: "Ola
    Lundmark"), without stop words."""
    found = []
    body = LIST_MARKER.sub("", sentence).lstrip("\"'(«“”–- ")
    for run in CAPITALISED_RUN.finditer(body):
        words = run.group(0).split()
        if run.start() == 0 and len(words) == 1 and not words[0].isupper():
            continue
        # A month is a date's, checked as one: "September" in English is no name.
        found.extend(w for w in words if w.lower() not in STOP_WORDS | MONTHS.keys())
    return found


def bodies(sentence: str) -> list[str]:
    """Bodies in Swedish ("landstingsstyrelsen") or in English ("county council executive
    board"), lower-cased."""
    lowered = sentence.lower()
    found = []
    for english in ENGLISH_BODIES:  # first, so that "planning delegation" is one body
        if re.search(rf"\b{english}\b", lowered):
            found.append(english)
            lowered = lowered.replace(english, " ")
    return found + [m.group(0) for m in BODY.finditer(lowered)]


def english_bodies(swedish: list[tuple[str, str]]) -> set[str]:
    """The English of the bodies a Swedish text names, from `swedish_terms.to_english`."""
    return {english for _, english in swedish if english in ENGLISH_BODIES}


def negated(text: str) -> bool:
    return bool(NEGATIONS.intersection(re.findall(r"\w+", text.lower()))) or "n't" in text


def negation_scopes(text: str, window: int = NEGATION_WINDOW) -> list[list[str]]:
    """The words around each negation, `window` either side: what it denies ("ska inte
    behandla sina medlemmar" is not "om det inte finns sakliga skäl")."""
    words = re.findall(r"\w+", text.lower())
    return [
        words[max(0, i - window) : i] + words[i + 1 : i + 1 + window]
        for i, word in enumerate(words)
        if word in NEGATIONS
    ]


def quotations(sentence: str) -> list[str]:
    """Quoted text, without the punctuation that closes it inside the marks."""
    return [
        (a or b).strip().rstrip(".,;:") for a, b in QUOTATION.findall(sentence) if (a or b).strip()
    ]


def plain(text: str) -> str:
    """For comparing a quotation with its source: one space, one kind of quote mark."""
    return re.sub(r"\s+", " ", text).strip().lower()
