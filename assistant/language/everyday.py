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
# Typed without å as well ("ta reda pa"), and with the subject between verb and particle when
# the question inverts them ("Hur tar man reda på …", "får vi reda på").
SUBJECT = r"(?:\s+(?:man|jag|du|vi|ni|de|han|hon|hen|den|det))?"
EVERYDAY_PHRASES: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = tuple(
    (re.compile(rf"\b{verb}{SUBJECT}\s+{particle}\b", re.IGNORECASE), formal)
    for verb, particle, formal in (
        ("t(?:a|ar|og|agit|as|ogs)", r"reda\s+p[åa]", ("utreda", "utredning", "undersöka")),
        ("f(?:[åa]|[åa]r|ick|[åa]tt)", r"reda\s+p[åa]", ("underrättas", "underrättelse")),
        ("t(?:a|ar|og|agit|as|ogs)", r"hand\s+om", ("handlägga", "handläggning", "pröva")),
        ("dr(?:a|ar|og|agit|as)", "tillbaka", ("återkalla", "återkallelse")),
        ("t(?:a|ar|og|agit)", "betalt", ("avgift", "avgifter")),
        ("skriv(?:a|er|it|s)", "under", ("underteckna", "underskrift")),
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
