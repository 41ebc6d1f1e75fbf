"""Everyday Swedish → the words laws and policies use for the same thing.

Staff ask in the words they speak ("anhöriga", "partisk", "möte", "ta reda på"); the texts say
"närstående", "jävig", "sammanträde", "utreda". The everyday words are added to the search
only: an answer is still judged by the words the question used, except for a phrase whose
words mean nothing apart, which is one term the documents' word covers.
"""

from __future__ import annotations

import re

EVERYDAY_TO_FORMAL: dict[str, tuple[str, ...]] = {
    # people
    "anhörig": ("närstående",),
    "anhöriga": ("närstående",),
    "anhörigas": ("närståendes", "närstående"),
    "släkting": ("närstående",),
    "släktingar": ("närstående",),
    "politiker": ("förtroendevald", "förtroendevalda", "ledamöter"),
    "politikerna": ("förtroendevalda", "ledamöterna"),
    "tjänsteman": ("befattningshavare", "anställd"),
    "tjänstemän": ("befattningshavare", "anställda"),
    "handläggare": ("befattningshavare",),
    "handläggaren": ("befattningshavare",),
    "invånare": ("medlemmar", "kommunmedlemmar", "enskilda"),
    "invånarna": ("medlemmarna", "enskilda"),
    "medborgare": ("enskilda", "enskild", "medlemmar"),
    "medborgarna": ("enskilda", "medlemmarna"),
    "läkare": ("legitimerad", "yrkesutövare"),
    "sjuksköterska": ("legitimerad", "yrkesutövare"),
    "vårdpersonal": ("personal", "personalen"),
    "advokat": ("ombud", "biträde"),
    "jurist": ("ombud", "biträde"),
    # impartiality, secrecy, records
    "partisk": ("jävig", "jäv"),
    "partiskhet": ("jäv",),
    "opartisk": ("jävig", "jäv"),
    "hemlig": ("sekretess",),
    "hemligt": ("sekretess",),
    "hemliga": ("sekretess",),
    "papper": ("handling", "handlingar"),
    "dokument": ("handling", "handlingar"),
    "journal": ("patientjournal", "journalen"),
    # meetings and decisions
    "möte": ("sammanträde",),
    "möten": ("sammanträden",),
    "mötet": ("sammanträdet",),
    "mötena": ("sammanträdena",),
    "röstning": ("omröstning",),
    "kommunstyrelsen": ("styrelsen",),
    "regionstyrelsen": ("styrelsen",),
    # care
    "sjukhus": ("sjukvårdsinrättning", "vårdgivare"),
    "felbehandling": ("vårdskada",),
    "felbehandlad": ("vårdskada",),
    "skadad": ("vårdskada", "skada"),
    "ivo": ("inspektionen",),
    # time
    "snabbt": ("snarast", "skyndsamt"),
    "försenat": ("försenas", "dröjsmål"),
    "försening": ("försenas", "dröjsmål"),
}


# Everyday phrases (particle verbs) → the one word the documents use. Their words mean nothing
# apart ("ta", "reda", "hand"): the phrase is one term, covered by the documents' word. Only
# phrases the statutes themselves seldom use: "ta reda på" 11 times in ../shared/sfs against
# "utreda" 267; "ta emot", "se till" and "ta del av" are the statutes' own words and stay.
EVERYDAY_PHRASES: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), formal)
    for pattern, formal in (
        (r"\bt(?:a|ar|og|agit|as|ogs)\s+reda\s+på\b", ("utreda", "utredning", "undersöka")),
        (r"\bf(?:å|år|ick|ått)\s+reda\s+på\b", ("underrättas", "underrättelse", "information")),
        (r"\bt(?:a|ar|og|agit|as|ogs)\s+hand\s+om\b", ("handlägga", "handläggning", "pröva")),
        (r"\bdr(?:a|ar|og|agit|as)\s+tillbaka\b", ("återkalla", "återkallelse")),
        (r"\bt(?:a|ar|og|agit)\s+betalt\b", ("avgift", "avgifter")),
        (r"\bskriv(?:a|er|it|s)\s+under\b", ("underteckna", "underskrift")),
    )
)


def to_formal(words: list[str]) -> list[str]:
    """The words the documents use for the everyday Swedish words among `words`."""
    return [formal for word in words for formal in EVERYDAY_TO_FORMAL.get(word, ())]


def everyday_phrases(text: str) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Each everyday phrase in `text`: its own words (no content to cover alone) and the
    documents' words for it."""
    found = []
    for pattern, formal in EVERYDAY_PHRASES:
        for phrase in pattern.finditer(text):
            found.append((tuple(phrase.group(0).lower().split()), formal))
    return found
