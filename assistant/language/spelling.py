"""Misspelt question words → the corpus's own spelling, before retrieval and answering.

"Vad räknas som en alvarlig vårdskaada?" finds nothing word for word, and the embedder reads
the typos as other words. A lower-case word the corpus does not know, one edit (a transposition
counts as one) from a word it uses with the same first letter, is read as that word, as a
search engine's "did you mean" would. Left alone: known words in any inflection, short words
("hölls" is not "hålls"), words that differ from the corpus's only in their ending (another
inflection: "regler", "betalt"), names (the name matching reads them) and English questions
(the glossary does).

Two slips staff make most are read first, because a large corpus always has some other word
one edit away ("internationel" is one edit from the statutes' English "international"): å, ä
and ö typed as a and o ("maste", "natverk", and in a compound the corpus never writes:
"natverksarbetet"), and a double consonant typed single ("internationelt"), which is a slip
even at a word's end, never another inflection. A compound written apart ("region
beredningen") is joined when the corpus writes it as one word.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from itertools import pairwise

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from assistant.language.analysis import STOP_WORDS, WORD, is_english
from assistant.language.evidence import PLAIN_LETTERS, common_prefix_length

MIN_LENGTH = 6  # shorter words have too many neighbours one edit away
MIN_COUNT = 2  # a correction is a word the corpus uses more than once, not another typo
MIN_FOLDED_LENGTH = 4  # "maste" is "måste"; "lan" could be "län" or "lån"


class Speller:
    def __init__(self, vocabulary: Counter[str], known: Callable[[str], bool]) -> None:
        """`vocabulary`: the corpus's words and their counts; `known`: whether a word is the
        corpus's in some inflection (then it is spelt as the corpus spells it)."""
        self.counts = vocabulary
        self.words = [
            w for w, n in vocabulary.items() if n >= MIN_COUNT and len(w) >= MIN_LENGTH - 1
        ]
        self.known = known
        # Each plain spelling (no å, ä, ö) → the corpus's most used word spelt so.
        self.accented: dict[str, str] = {}
        for w, n in vocabulary.most_common():
            plain = w.translate(PLAIN_LETTERS)
            if n >= MIN_COUNT and plain != w and len(w) >= MIN_FOLDED_LENGTH:
                self.accented.setdefault(plain, w)

    def correct(self, question: str) -> str:
        if is_english(question):
            return question
        return self._joined(WORD.sub(lambda m: self.word(m.group(0)), question))

    def _joined(self, question: str) -> str:
        """A compound written apart, as Swedish writers often do, is read as one word when the
        corpus writes it so: "region beredningen" → "regionberedningen", "eu medel" →
        "eu-medel". Function words are never joined: "in till" is not "intill"."""
        words = list(WORD.finditer(question))
        joined_from = len(question)  # where the last join began: its words are taken
        for left, right in reversed(list(pairwise(words))):
            a, b = left.group(0), right.group(0)
            apart = question[left.end() : right.start()] == " "
            if not apart or right.start() >= joined_from or not (_joinable(a) and _joinable(b)):
                continue
            # Known in another inflection only when both parts are words of their own: the
            # stemmer would read "myndighet tar" joined as an inflection of "myndighet".
            inflected = min(len(a), len(b)) >= MIN_FOLDED_LENGTH
            joined = next((w for w in (a + b, f"{a}-{b}") if self._uses(w, inflected)), None)
            if joined:
                question = question[: left.start()] + joined + question[right.end() :]
                joined_from = left.start()
        return question

    def _uses(self, word: str, inflected: bool) -> bool:
        return word in self.counts or (inflected and "-" not in word and self.known(word))

    def word(self, word: str) -> str:
        if not word.islower() or not word.isalpha() or word in STOP_WORDS or word in self.counts:
            return word
        if word in self.accented:
            return self.accented[word]
        if len(word) < MIN_LENGTH or self.known(word):
            return word
        compound = self._plain_compound(word)
        if compound:
            return compound
        found = process.extract(
            word, self.words, scorer=DamerauLevenshtein.distance, score_cutoff=1, limit=10
        )
        candidates = [
            w
            for w, *_ in found
            if w[0] == word[0] and (_doubled(word, w) or not _other_ending(word, w))
        ]
        # A double consonant typed single first; among equals, the word the corpus uses most.
        return max(candidates, key=lambda w: (_doubled(word, w), self.counts[w]), default=word)

    def _plain_compound(self, word: str) -> str | None:
        """A compound whose parts are corpus words once å, ä and ö are restored in one of them:
        "natverksarbetet" → "nätverksarbetet", though the corpus never writes the compound."""
        for cut in range(MIN_FOLDED_LENGTH, len(word) - MIN_FOLDED_LENGTH + 1):
            head, tail = word[:cut], word[cut:]
            heads = [(head, ""), (head[:-1], "s")] if head.endswith("s") else [(head, "")]
            for part, link in heads:
                restored = (self.accented.get(part), self.accented.get(tail))
                if restored == (None, None):
                    continue
                first = restored[0] or (part if part in self.counts else None)
                second = restored[1] or (tail if tail in self.counts or self.known(tail) else None)
                if first and second:
                    return first + link + second
        return None


def _joinable(word: str) -> bool:
    return word.islower() and word.isalpha() and len(word) >= 2 and word not in STOP_WORDS


def _doubled(word: str, other: str) -> bool:
    """Whether `other` is `word` with one of its letters doubled: "internationelt"."""
    if len(other) != len(word) + 1:
        return False
    i = common_prefix_length(word, other)
    return i > 0 and other[i] == other[i - 1] and other[i + 1 :] == word[i:]


def _other_ending(word: str, other: str) -> bool:
    """Whether the two differ only in their last letters: another inflection, not a typo."""
    return common_prefix_length(word, other) >= min(len(word), len(other)) - 1
