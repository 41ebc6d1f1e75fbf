"""What a question asks for, and whether a text holds it: the answerer's evidence checks.

Swedish questions name the kind of fact they want with their first words ("När" a date, "Var"
a place, "Hur mycket" an amount, "Vem" a person or a body), and their content words appear in
the answering text in another inflection ("policyn"/"policy", "antar"/"antaga"), inside a
compound ("fullmäktige" in "landstingsfullmäktige") or misspelt.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

from assistant.language.analysis import INFLECTIONS
from assistant.language.glossary import to_swedish

# Å, ä and ö as staff type them on a keyboard without them: "jonkoping".
PLAIN_LETTERS = str.maketrans("åäö", "aao")
DOTTED = re.compile("[åäöÅÄÖ]")


def typed_without_dots(text: str) -> bool:
    """Whether a text has no å, ä or ö anywhere: then its writer typed them as a and o."""
    return not DOTTED.search(text)


# What kind of fact a question asks for, and the evidence an answer to it must contain.
# A sum of money is asked for by words that ask it ("Vad kostar", "Hur mycket pengar"), or by a
# money noun the question word asks for ("Vilken lön …", "What is the budget …"); a question
# about what a budget shows or who adopts it is not answered by a sum.
MONEY_CUE = re.compile(
    r"\b(hur mycket pengar|kostar|tjänar|kronor|how much money|costs?|earns?|price|paid)\b|"
    r"\b(vilken|vilket|vad är|vad blir|hur stor[at]?|hur hög[at]?|what is|what's|which|"
    r"how (?:large|high|big) is)\s+(?:\w+\s+){0,2}?"
    r"(budget|kostnad|belopp|lön|arvode|salary|fee|sum)\w*",
    re.IGNORECASE,
)
AMOUNT_CUE = re.compile(r"\b(hur mycket|hur många|how much|how many)\b", re.IGNORECASE)
COUNTED = re.compile(r"\b(?:hur många|how many)\s+(\w+)", re.IGNORECASE)
DATE_CUE = re.compile(
    r"^\s*(och\s+)?(vilket datum|vilket år|what date|which year)\b", re.IGNORECASE
)
WHEN_CUE = re.compile(
    r"^\s*(och\s+)?((senast|tidigast|fram till|från och med) när|när|inom (vilken|hur lång) tid|"
    r"hur lång tid|hur länge|how long|"
    r"hur (snabbt|fort|snart)|(by|until) when|when|how (quickly|soon|fast))\b",
    re.IGNORECASE,
)
# "Hur ofta": answered by how often, not by any sentence about the thing.
FREQUENCY_CUE = re.compile(r"^\s*(och\s+)?(hur ofta|how often)\b", re.IGNORECASE)
PLACE_CUE = re.compile(r"^\s*(och\s+)?(var|where)\b", re.IGNORECASE)
WHO_CUE = re.compile(
    r"^\s*(och\s+)?(vem|vilka personer|who|which (body|committee)|"
    r"vilket (\w+ )?organ|vilken (\w+ )?(nämnd|instans|styrelse))\b",
    re.IGNORECASE,
)
# "Under vilken paragraf …": the number of an item in minutes or of a section in a statute.
SECTION_CUE = re.compile(
    r"\b(vilken paragraf|vilket paragrafnummer|which paragraph|which section|vilket §)",
    re.IGNORECASE,
)
# "Vad menas med vårdskada?": a law answers with its definition, "Med vårdskada avses …".
DEFINITION_CUE = re.compile(
    r"^\s*(och\s+)?(vad (menas|avses|betyder|räknas som)|"
    r"what (does|do|is meant|counts as)\b.*\b(mean|meant|by)\b|how is .* defined|"
    r"vad är definitionen|what is the definition)",
    re.IGNORECASE,
)
TIME_CUE = re.compile(r"\b(vilken tid|what time|klockan)\b", re.IGNORECASE)
# "Vilka slags projekt", "på vilket sätt", "vilken typ av": the question word's own noun, which
# asks what kind or how and which no answer repeats.
KIND_OF_CUE = re.compile(
    r"\b(?:vilk(?:en|et|a)|vad för(?: en| ett)?)\s+(?:slags|sorts?|typ(?:er)?|sätt)\b(?:\s+av\b)?",
    re.IGNORECASE,
)
LIST_CUE = re.compile(
    r"^\s*(vilka|which|what are|list|lista|nämn|genom vilka|hur ska)\b", re.IGNORECASE
)
# "Vem är X", "Vad är X", "Vilken X har": X itself must be in the quote.
IDENTITY_QUESTION = re.compile(
    r"^\s*(?:och\s+)?(?:vem|vad|vilken|vilket|vilka)\s+(?:är|var|blir)\s+(?:den\s+|det\s+|de\s+)?"
    r"(?!den\b|det\b|de\b)([a-zåäö]\w{3,})",
    re.IGNORECASE,
)
# A number that is an amount or a count: not part of a date, a time or a case number.
NOT_AN_AMOUNT = re.compile(
    r"\b\d{4}-\d\d-\d\d\b|\b\d{1,2}[:.]\d\d\b|\b[A-ZÅÄÖ]+\d+[-\d]*|§+ ?\d+(?:-\d+)?|"
    # references to laws and their parts: (1965:600), 9 §, 5 a eller 5 b §, 8 kap., "4." items
    r"\b\d{4}:\d+\b|\b\d+(?: ?[a-z])?(?:(?:,| och| eller| –| -) \d+(?: ?[a-z])?)* ?(?:§|kap\b)|"
    r"(?m:^\s*[-–]?\s*\d+\.(?=\s))"
)
NUMBER_WORDS = (
    r"två|tre|fyra|fem|sex|sju|åtta|nio|tio|elva|tolv|tretton|fjorton|femton|sexton|sjutton|"
    r"arton|nitton|tjugo|trettio|fyrtio|femtio|sextio|sjuttio|åttio|nittio|"
    r"hundra|tusen|miljon\w*|miljard\w*|halva|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|"
    r"twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million\w*"
)
HAS_NUMBER = re.compile(rf"\b\d+(?:[ ,.]\d+)*\b|\b({NUMBER_WORDS})\b", re.IGNORECASE)
# A sum of money: a number, perhaps a scale word, and a currency.
HAS_MONEY = re.compile(
    rf"(?:\b\d[\d\s.,]*|\b(?:{NUMBER_WORDS})\s)\s*"
    r"(?:(?:miljon\w*|miljard\w*|tusen|million\w*|billion\w*|thousand)\s+)?"
    r"(?:kr\b|kronor\b|sek\b|euros?\b|eur\b|€|mkr\b|mnkr\b|tkr\b)",
    re.IGNORECASE,
)
HAS_YEAR = re.compile(r"\b(1[89]|20)\d\d\b")
# "När" is answered by a year or by the point in time a rule sets: "innan myndigheten
# expedierar beslutet", "senast den 1 mars", "snarast", "inom tre veckor", "före utgången av
# juni".
HAS_WHEN = re.compile(
    rf"{HAS_YEAR.pattern}|\b(innan|senast|snarast|förrän|före utgången|before|no later than)\b|"
    r"\b(januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|"
    r"december|january|february|march|june|july|august|october)\b|"
    r"\binom \S+ (dagar|veckor|månader|år)\b|"
    # a length of time: "tre veckor", "en månad", "fjorton dagar"
    rf"\b(\d+|en|ett|{NUMBER_WORDS}) (dagar|dygn|veckor|månader|år|timmar|dag|vecka|månad|timme)\b",
    re.IGNORECASE,
)
# A share of a whole answers "hur många": "minst en tredjedel av de närvarande ledamöterna".
PROPORTION = re.compile(
    r"\b(hälften|halva|\w*(tredjedel|fjärdedel|femtedel)\w*|procent|half|third|quarter|"
    r"per ?cent)\b|%",
    re.IGNORECASE,
)
HAS_FREQUENCY = re.compile(
    r"\b(årlig\w*|varje|varannan|vart \w+ år|(en|två|tre|fyra) gång(er)?|"
    r"(års|månads|kvartals|vecko|dags)vis|per (år|månad|kvartal|vecka|dag)|regelbundet|"
    r"fortlöpande|löpande|ofta|annual\w*|every|each (year|month|week)|regularly|weekly|"
    r"monthly|yearly|daily|often|times a)\b",
    re.IGNORECASE,
)
HAS_DEFINITION = re.compile(r"\b(avses|menas|definieras)\b", re.IGNORECASE)
HAS_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}\b")
HAS_PERSON_OR_BODY = re.compile(
    r"\b[A-ZÅÄÖ][a-zåäöé]+ [A-ZÅÄÖ][a-zåäöé]+\b|"  # a name: Siw Kullbergh
    r"(?i:\w*(fullmäktige|styrelse|beredning|delegation|nämnd|direktör|kansli)\w*)"
)
HAS_SECTION_NUMBER = re.compile(r"§+ ?\d+")
HAS_PLACE = re.compile(r"\b(plats|lokal|sal|rum)\b", re.IGNORECASE)
KIND_PATTERNS = {
    "date": HAS_YEAR,
    "when": HAS_WHEN,
    "frequency": HAS_FREQUENCY,
    "definition": HAS_DEFINITION,
    "time": HAS_TIME,
    "place": HAS_PLACE,
    "money": HAS_MONEY,
    "section": HAS_SECTION_NUMBER,
    "who": HAS_PERSON_OR_BODY,
}
PROPER_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-ZÅÄÖ][\wåäöé]+|[A-ZÅÄÖ]{2,})\b")


def asked_kind(question: str) -> str | None:
    """The kind of fact the question's words ask for: a date, how often, a time, place, sum of
    money, other amount, paragraph number, or a person or body."""
    if DATE_CUE.match(question):
        return "date"
    if WHEN_CUE.match(question):
        return "when"
    if FREQUENCY_CUE.match(question):
        return "frequency"
    if DEFINITION_CUE.match(question):
        return "definition"
    if TIME_CUE.search(question):
        return "time"
    if PLACE_CUE.match(question):
        return "place"
    if WHO_CUE.match(question):
        # The question word decides: "Vem upprättar budgeten?" asks for a body, not a sum.
        return "who"
    if MONEY_CUE.search(question):
        return "money"
    if AMOUNT_CUE.search(question):
        return "amount"
    if SECTION_CUE.search(question):
        return "section"
    return None


def cue_words(question: str) -> set[str]:
    """The words of the phrase that asks for a kind of fact ("hur lång tid", "hur ofta",
    "vilket datum") or for what kind ("vilka slags"): the kind is checked on its own, or not
    at all, so they are no content to cover."""
    kind_of = KIND_OF_CUE.search(question)
    words = {w.lower() for w in re.findall(r"\w+", kind_of.group(0))} if kind_of else set()
    for cue in (DATE_CUE, WHEN_CUE, FREQUENCY_CUE, TIME_CUE, AMOUNT_CUE):
        found = cue.search(question)
        if found:
            return words | {w.lower() for w in re.findall(r"\w+", found.group(0))}
    return words


def holds_kind(kind: str | None, text: str) -> bool:
    """Whether `text` holds a fact of that kind (a date, a time, a place, ...)."""
    if kind == "amount":
        return bool(HAS_NUMBER.search(NOT_AN_AMOUNT.sub(" ", text)))
    pattern = KIND_PATTERNS.get(kind or "")
    return bool(pattern and pattern.search(text))


def cue_evidence(question: str, text: str) -> float:
    """1.0 when `text` holds the kind of fact the question word asks for, else 0.0."""
    return float(holds_kind(asked_kind(question), text))


def match(word: str, candidates: set[str], plain: bool = False) -> float:
    """How well a question word is found among a text's words: inflections, compounds, typos.
    `plain`: the question was typed without å, ä and ö, so both sides are read with a and o
    ("jonkoping" is "Jönköpings", and the documents' "återkalla" that the question's "dra
    tillbaka" stands for is "aterkallas"); a question typed with them is not ("hand" is no
    "händer")."""
    if word in candidates:
        return 1.0
    if plain:
        word = word.translate(PLAIN_LETTERS)
        candidates = {other.translate(PLAIN_LETTERS) for other in candidates}
    return max((word_match(word, other) for other in candidates), default=0.0)


@lru_cache(maxsize=200_000)
def word_match(word: str, other: str) -> float:
    """1.0 for another form of the same word, 0.8 for a likely typo, 0.7 for a compound's
    tail; cached, since the same pairs recur across sentences and questions."""
    if word == other:
        return 1.0  # år/år: too short for the rules below
    shortest = min(len(word), len(other))
    common = common_prefix_length(word, other)
    if common >= 4 and common >= 0.7 * shortest and max(len(word), len(other)) - common <= 4:
        return 1.0  # policy/policyn, antar/antaga, strategiska/strategisk
    if common == shortest >= 3 and max(word, other, key=len)[common:] in INFLECTIONS:
        return 1.0  # mål/målen
    if len(word) >= 6 and other.endswith(word):
        # fullmäktige in landstingsfullmäktige; not the reverse: "arbete" in the text does not
        # answer a question about "distansarbete".
        return 0.7
    if (
        shortest >= 7
        and common >= 2
        and abs(len(word) - len(other)) <= 3
        and SequenceMatcher(None, word, other).ratio() >= 0.85
    ):
        return 0.8  # internationela
    return 0.0


def common_prefix_length(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def lacks_asked_fact(question: str, evidence: str) -> bool:
    """A sum, an amount, a date or a paragraph number is asked for and the evidence has none:
    the quotes cannot answer. "Hur många dagar …" needs a number of days, not any number."""
    kind = asked_kind(question)
    counted = COUNTED.search(question)
    if kind == "amount" and counted:
        # "How many weeks …" is answered by "tre veckor".
        noun = counted.group(1).lower()
        nouns = [noun, *to_swedish([noun])]
        return not (any(counts(n, evidence) for n in nouns) or PROPORTION.search(evidence))
    asks_fact = kind in {"money", "amount", "date", "when", "frequency", "section"}
    return asks_fact and not holds_kind(kind, evidence)


def counts(noun: str, evidence: str) -> bool:
    """Whether the evidence gives a number of `noun`: "tre resor" for "tjänsteresor"."""
    cleaned = NOT_AN_AMOUNT.sub(" ", evidence)
    for number in HAS_NUMBER.finditer(cleaned):
        # The noun follows the number, perhaps after one word ("tre hela år"), not further
        # on: "den 1 mars varje år" is no number of years.
        following = re.findall(r"\w+", cleaned[number.end() : number.end() + 60])[:2]
        for word in (w.lower() for w in following):
            if word_match(noun, word) >= 0.7 or (len(word) >= 4 and noun.endswith(word)):
                return True
    return False
