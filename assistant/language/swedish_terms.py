"""The Swedish words that carry a quote's answer → English, for the reader of an English answer.

An English question is answered with Swedish quotes in an English frame. The frame ends with
the English of the quote's key words (the bodies that decide, what they do, the laws' roles),
so that a reader who asked "Who adopts …" finds "landstingsfullmäktige" read as the county
council assembly. The glossary (`glossary.py`) goes the other way, for searching.
"""

from __future__ import annotations

from assistant.language.analysis import WORD

# Only words with one clear sense in these documents ("antas" is as often "is assumed" as "is
# adopted", and "mål" a court case as a goal, so neither is here); a word's other forms are
# found by their endings ("nämnden", "styrelsens"), so no stemmer confuses "styrelse" with "styr".
SWEDISH_TO_ENGLISH: dict[str, str] = {
    # who decides
    "landstingsfullmäktige": "county council assembly",
    "landstingsstyrelse": "county council executive board",
    "landstingsdirektör": "county council director",
    "regionfullmäktige": "regional assembly",
    "regionstyrelse": "regional executive board",
    "regionberedning": "regional drafting committee",
    "kommunfullmäktige": "municipal assembly",
    "kommunstyrelse": "municipal executive board",
    "fullmäktige": "assembly",
    "styrelse": "executive board",
    "nämnd": "committee",
    "beredning": "drafting committee",
    "planeringsdelegation": "planning delegation",
    "presidium": "presiding committee",
    "ordförande": "chair",
    "ledamot": "member",
    "ledamöter": "members",
    "ersättare": "substitute",
    "förtroendevald": "elected representative",
    "förtroendevalda": "elected representatives",
    "revisor": "auditor",
    "revisorer": "auditors",
    "kommunalförbund": "municipal federation",
    # what they do
    "antar": "adopts",
    "antagen": "adopted",
    "antogs": "was adopted",
    "fastställer": "lays down",
    "ansvarar": "is responsible",
    "ansvar": "responsibility",
    "bereder": "prepares",
    "bereda": "prepare",
    "beslutar": "decides",
    "besluta": "decide",
    "beslut": "decision",
    "föreslår": "proposes",
    "förslag": "proposal",
    "överklaga": "appeal",
    "överklagas": "is appealed",
    "överklagande": "appeal",
    "sammanträde": "meeting",
    "protokoll": "minutes",
    "omröstning": "vote",
    "medborgarförslag": "citizens' proposal",
    "folkomröstning": "referendum",
    "revision": "audit",
    "revisionsberättelse": "audit report",
    # what the policies are about
    "strategi": "strategy",
    "inriktning": "direction",
    "samarbete": "cooperation",
    "samverkan": "cooperation",
    "medlemskap": "membership",
    "nätverk": "network",
    "tillväxt": "growth",
    "utveckling": "development",
    "omvärldsbevakning": "monitoring of the outside world",
    "kontakter": "contacts",
    "intressen": "interests",
    "invånare": "residents",
    "handlingsplan": "action plan",
    # the laws staff consult
    "myndighet": "authority",
    "domstol": "court",
    "förvaltningsrätt": "administrative court",
    "part": "party",
    "ombud": "representative",
    "tolk": "interpreter",
    "jäv": "conflict of interest",
    "jävig": "disqualified",
    "ärende": "case",
    "handling": "document",
    "sekretess": "confidentiality",
    "tillsyn": "supervision",
    "klagomål": "complaint",
    "anmälan": "report",
    "vårdgivare": "care provider",
    "vårdskada": "care injury",
    "närstående": "relatives",
    "legitimation": "licence",
    "prövotid": "probation",
    "vite": "fine",
}

# The endings a word takes: "nämnden", "styrelsens", "ärendena", "ledamöterna". Not the
# analyser's INFLECTIONS, which hold "a" and "e" and would read "nämnda" and "nämnde"
# ("mentioned") as a committee; tried in this order, so "revisorerna" reads as "auditors".
ENDINGS = ("", "n", "en", "et", "t", "na", "er", "ar", "or", "erna", "arna", "ena", "s", "ns")
ENDINGS += ("ens", "ets", "ernas", "arnas", "nas")


def to_english(text: str, limit: int = 6) -> list[tuple[str, str]]:
    """(the word as the text spells it, its English) for the words of `text` known here, in
    order of first use, at most `limit`, each English once."""
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    for word in WORD.findall(text):
        english = _english(word.lower())
        if english and english not in seen:
            seen.add(english)
            found.append((word, english))
            if len(found) == limit:
                break
    return found


def _english(word: str) -> str | None:
    for ending in ENDINGS:
        if word.endswith(ending):
            base = word[: len(word) - len(ending)]
            english = SWEDISH_TO_ENGLISH.get(base) or SWEDISH_TO_ENGLISH.get(base + "e")
            if english:
                return english
    return None
