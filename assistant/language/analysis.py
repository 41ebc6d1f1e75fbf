"""Swedish text → search terms: shared by the lexical index and the answerer's term matching.

Lower-cased word tokens, Swedish and English stop words removed, Swedish Snowball stems. The
Snowball stemmer leaves definite forms such as "protokollet" and "policyn", formal verb forms
such as "antaga", and compounds such as "landstingsfullmäktige" apart from their plain forms,
so words are brought to the form the stemmer conflates first, and each may also contribute its
compound parts (split against the corpus vocabulary) as extra terms.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Iterable, Mapping

import Stemmer
from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_SWEDISH

from assistant.types import Language

WORD = re.compile(r"\w+(?:[-:]\w+)*|§+", re.UNICODE)
# Sentence ends: after . ! ? or ; followed by space and something that starts a sentence,
# but not inside an abbreviation ("t.ex. Region", "bl.a. Sverige") or a reference to a
# chapter's paragraph ("enligt 5 kap. 32 §"; "… finns i 5 kap. Den …" does end a sentence).
SENTENCE_BOUNDARY = re.compile(
    r"(?<=[.!?;])(?<!\bkap\.)(?<!\bt\.ex\.)(?<!\bbl\.a\.)(?<!\bs\.k\.)(?<!\bdvs\.)"
    r"\s+(?=[\"'(«–\-]?[A-ZÅÄÖÉ0-9])"
    r"|(?<=\bkap\.)\s+(?=[\"'(«–\-]?[A-ZÅÄÖÉ])"
)
# ... or a line break, where a long paragraph may also be cut.
SENTENCE_END = re.compile(rf"{SENTENCE_BOUNDARY.pattern}|\n+")
# Words that ask rather than tell; they carry no content for matching.
QUESTION_WORDS = {
    "vem",
    "vilka",
    "vilken",
    "vilket",
    "vad",
    "när",
    "var",
    "hur",
    "varför",
    "vems",
    "who",
    "what",
    "which",
    "when",
    "where",
    "how",
    "why",
    "whom",
    "whose",
    "enligt",
    "dokumentet",
    "dokumenten",
    "står",
    "säger",
    "according",
    "document",
    "documents",
}
# Function words the bundled Swedish list lacks.
MORE_SWEDISH = {"genom", "ska", "skall", "bör", "får", "samt", "också", "även", "via", "kunna"}
# The country every document is written for: a question placing itself there ("Får en nämnd i
# Sverige …", "kontakter utanför Sverige") names nothing a quote would have to say.
HOME_COUNTRY = {"sverige", "sweden"}
STOP_WORDS = (
    frozenset(STOPWORDS_SWEDISH)
    | frozenset(STOPWORDS_EN)
    | QUESTION_WORDS
    | MORE_SWEDISH
    | HOME_COUNTRY
)
# Abbreviations of Swedish minutes and decisions, matched as the words they stand for.
ABBREVIATIONS = {"dnr": "diarienummer", "kl": "klockan", "§": "paragraf", "§§": "paragraf"}
ENGLISH_HINTS = frozenset(STOPWORDS_EN) - frozenset(STOPWORDS_SWEDISH)
SWEDISH_HINTS = frozenset(STOPWORDS_SWEDISH) - frozenset(STOPWORDS_EN)
MIN_PART = 4  # shortest compound part worth matching on
# Swedish derivational endings, longest first: medlemskapet → medlem.
DERIVATIONS = (
    "skapens",
    "skapets",
    "skapen",
    "skapet",
    "skaper",
    "skap",
    "heten",
    "heter",
    "het",
    "ningen",
    "ningar",
    "ning",
)
# Definite forms in -n follow a vowel (policyn, frågan); -en is the stemmer's own.
VOWELS_BEFORE_N = frozenset("aiouyåäö")
# Formal Swedish's long verb forms and their modern forms: "att antaga" is "att anta".
LONG_VERB_FORMS = (
    ("tager", "tar"),
    ("taga", "ta"),
    ("drager", "drar"),
    ("draga", "dra"),
    ("giver", "ger"),
    ("giva", "ge"),
    ("bliver", "blir"),
    ("bliva", "bli"),
)
# Swedish inflectional endings: "mål" + "en" is still "mål".
INFLECTIONS = frozenset(
    {
        "a",
        "e",
        "n",
        "s",
        "t",
        "en",
        "et",
        "na",
        "er",
        "ar",
        "or",
        "ens",
        "ets",
        "nas",
        "erna",
        "arna",
        "orna",
        "ernas",
        "arnas",
        "ornas",
    }
)


class Analyzer:
    """Stateless apart from the stemmer, which is kept one per thread (it is not thread-safe)."""

    def __init__(self) -> None:
        self._local = threading.local()

    def _stemmer(self) -> Stemmer.Stemmer:
        stemmer = getattr(self._local, "stemmer", None)
        if stemmer is None:
            stemmer = self._local.stemmer = Stemmer.Stemmer("swedish")
        return stemmer

    def words(self, text: str) -> list[str]:
        """Content words, lower-cased, in order; an abbreviation is followed by its long form,
        a hyphenated compound by its parts."""
        words = []
        for word in WORD.findall(text.lower().replace("§", " § ")):
            if word in ABBREVIATIONS:
                words.extend((word, ABBREVIATIONS[word]))
            elif word not in STOP_WORDS and len(word) > 1:
                words.append(word)
                if "-" in word:  # EU-medel: also "eu" and "medel"
                    words.extend(p for p in word.split("-") if len(p) > 1 and p not in STOP_WORDS)
        return words

    def stem(self, words: Iterable[str]) -> list[str]:
        return self._stemmer().stemWords(list(words))


def is_english(text: str) -> bool:
    """Whether a question is framed in English (the answer's framing follows it)."""
    english, swedish = language_votes(text)
    return english > swedish


def language_votes(text: str) -> tuple[int, int]:
    """(English words, Swedish words) among a question's words that tell its language."""
    raw = WORD.findall(text)
    words = [w.lower() for w in raw]
    english = sum(w in ENGLISH_HINTS for w in words)
    # Å, ä and ö mark Swedish words, not names: "Jönköping" in an English question is a place.
    swedish = sum(w in SWEDISH_HINTS for w in words) + sum(
        any(ch in w for ch in "åäö") for w in raw if not w[0].isupper()
    )
    return english, swedish


def language_of(text: str, undecided: Language = "sv") -> Language:
    """The language an answer to `text` is framed in; `undecided` when its words do not tell
    (a question of a word or two: the language of the page it was asked on, say)."""
    english, swedish = language_votes(text)
    if english == swedish:
        return undecided
    return "en" if english > swedish else "sv"


def definite_base(word: str, vocabulary: Mapping[str, int]) -> str | None:
    """The indefinite form of a definite noun, which the Snowball stemmer leaves apart:
    protokollet → protokoll, arbetet → arbete, landstingets → landsting, policyn → policy."""
    core = word[:-1] if word.endswith("s") else word  # the genitive s
    if len(core) < 5:
        return None
    if core.endswith("et"):
        candidates = [core[:-2], core[:-1]]
    elif core.endswith("n") and core[-2] in VOWELS_BEFORE_N:
        candidates = [core[:-1]]
    else:
        return None
    return next((c for c in candidates if len(c) >= 3 and c in vocabulary), None)


def neuter_base(word: str, vocabulary: Mapping[str, int]) -> str | None:
    """The form without the t of a neuter adjective or a supine, which the Snowball stemmer
    leaves apart unless the t follows g, d, k or t: uppenbart → uppenbar, överklagat →
    överklaga, when the corpus uses that form. Not after s: "först" and "fast" are no
    neuters of "förs" and "fas"."""
    if len(word) < 5 or not word.endswith("t") or word[-2] in "gdkts":
        return None
    base = word[:-1]
    return base if base in vocabulary else None


def plain_verb(word: str) -> str:
    """The modern form of a long verb form that formal Swedish keeps: antaga → anta,
    antager → antar, utgiva → utge."""
    for long, short in LONG_VERB_FORMS:
        if word.endswith(long) and len(word) > len(long):
            return word[: -len(long)] + short
    return word


def compound_parts(word: str, frequency: Mapping[str, int]) -> list[str]:
    """Split a compound into two words the corpus knows, e.g. landstings|fullmäktige, or a
    derived word into its base, e.g. medlem|skapet.

    A split must be likelier than the word itself: the geometric mean of the parts' corpus
    frequencies must exceed the whole word's (Koehn & Knight's criterion), so a common word
    such as "internationella" is not cut into the rare "internation" and "ella".
    """
    for suffix in DERIVATIONS:
        base = word.removesuffix(suffix)
        if base != word and len(base) >= MIN_PART and base in frequency:
            return [base]
    best: list[str] = []
    best_score = float(frequency.get(word, 0))
    for cut in range(MIN_PART, len(word) - MIN_PART + 1):
        head, tail = word[:cut], word[cut:]
        tail_count = frequency.get(tail, 0)
        if not tail_count:
            continue
        heads = [head, head[:-1]] if head.endswith("s") else [head]  # the linking s
        for candidate in heads:
            score = math.sqrt(frequency.get(candidate, 0) * tail_count)
            if len(candidate) >= MIN_PART and score > best_score:
                best, best_score = [candidate, tail], score
    return best
