"""Swedish text → search terms: shared by the lexical index and the answerer's term matching.

Lower-cased word tokens, Swedish and English stop words removed, Swedish Snowball stems. The
Snowball stemmer leaves definite forms such as "policyn" and many compounds such as
"landstingsfullmäktige" whole, so each word may also contribute its compound parts (split
against the corpus vocabulary) as extra terms.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

import Stemmer
from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_SWEDISH

WORD = re.compile(r"\w+(?:[-:]\w+)*|§+", re.UNICODE)
# Sentence ends: after . ! ? or ; followed by space and something that starts a sentence.
SENTENCE_BOUNDARY = re.compile(r"(?<=[.!?;])\s+(?=[\"'(«–\-]?[A-ZÅÄÖÉ0-9])")
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
STOP_WORDS = frozenset(STOPWORDS_SWEDISH) | frozenset(STOPWORDS_EN) | QUESTION_WORDS | MORE_SWEDISH
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

    def terms(self, text: str) -> list[str]:
        """Stemmed content words."""
        return self._stemmer().stemWords(self.words(text))

    def stem(self, words: Iterable[str]) -> list[str]:
        return self._stemmer().stemWords(list(words))


def is_english(text: str) -> bool:
    """Whether a question is framed in English (the answer's framing follows it)."""
    words = WORD.findall(text.lower())
    english = sum(w in ENGLISH_HINTS for w in words)
    swedish = sum(w in SWEDISH_HINTS for w in words) + sum(
        any(ch in w for ch in "åäö") for w in words
    )
    return english > swedish


def base_form(word: str, vocabulary: set[str]) -> str | None:
    """The corpus's form of a word it does not use itself: policyn → policy, målen → mål."""
    if word in vocabulary:
        return None
    for ending in sorted(INFLECTIONS, key=len, reverse=True):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            base = word[: -len(ending)]
            if base in vocabulary:
                return base
    return None


def compound_parts(word: str, vocabulary: set[str]) -> list[str]:
    """Split a compound into two words the corpus knows, e.g. landstings|fullmäktige, or a
    derived word into its base, e.g. medlem|skapet."""
    for suffix in DERIVATIONS:
        base = word.removesuffix(suffix)
        if base != word and len(base) >= MIN_PART and base in vocabulary:
            return [base]
    for cut in range(len(word) - MIN_PART, MIN_PART - 1, -1):
        head, tail = word[:cut], word[cut:]
        if tail in vocabulary:
            if head in vocabulary:
                return [head, tail]
            if head.endswith("s") and head[:-1] in vocabulary:  # the linking s
                return [head[:-1], tail]
    return []
