"""Misspelt question words → the corpus's own spelling, before retrieval and answering.

"Vad räknas som en alvarlig vårdskaada?" finds nothing word for word, and the embedder reads
the typos as other words. A word neither the corpus nor Swedish at large (the lexicon) uses,
one edit (a transposition counts as one) from a word the corpus uses with the same first
letter, is read as that word, as a search engine's "did you mean" would; failing that, as the
most common Swedish word one edit away ("knferenser" → "konferenser", which the everyday
words then read in the corpus's terms), and a long word two edits from a corpus word as that
word ("utcecklingsdirektör", "Planerinfsdelegationens"). A name keeps its capital
("Jönkpöing" → "Jönköping"). Left alone: known words in any inflection, words Swedish text
uses, short words ("hölls" is not "hålls"), words that differ from the corpus's only in their
ending (another inflection: "regler", "betalt"), acronyms and English questions (the glossary
reads them).

Two slips staff make most are read first, because a large corpus always has some other word
one edit away ("internationel" is one edit from the statutes' English "international"), and
Swedish text at large has these slips too: å, ä and ö typed as a and o ("maste", "natverk",
and in a compound the corpus never writes: "natverksarbetet"), and a double consonant typed
single ("internationelt", "alvarlig"), which is a slip even at a word's end, never another
inflection. A compound written apart ("region beredningen") is joined when the corpus writes
it as one word.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from itertools import pairwise

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from assistant.language.analysis import STOP_WORDS, WORD, is_english
from assistant.language.evidence import PLAIN_LETTERS, common_prefix_length, typed_without_dots
from assistant.language.lexicon import Lexicon

MIN_LENGTH = 6  # shorter words have too many neighbours one edit away
LONG_LENGTH = 10  # a word this long is seldom two edits from another word
MIN_FOLDED_LENGTH = 4  # "maste" is "måste"; "lan" could be "län" or "lån"


class Speller:
    def __init__(
        self, vocabulary: Counter[str], known: Callable[[str], bool], lexicon: Lexicon
    ) -> None:
        """`vocabulary`: the corpus's words and their counts; `known`: whether a word is the
        corpus's in some inflection (then it is spelt as the corpus spells it)."""
        self.counts = vocabulary
        self.known = known
        self.lexicon = lexicon
        self.words: dict[str, list[str]] = defaultdict(list)  # first letter → corpus words
        for w in vocabulary:
            if len(w) >= MIN_LENGTH - 1:
                self.words[w[0]].append(w)
        # Each plain spelling (no å, ä, ö) → the corpus's most used word spelt so.
        self.accented: dict[str, str] = {}
        for w, _ in vocabulary.most_common():
            plain = w.translate(PLAIN_LETTERS)
            if plain != w and len(w) >= MIN_FOLDED_LENGTH:
                self.accented.setdefault(plain, w)

    def correct(self, question: str) -> str:
        if is_english(question):
            return question
        if typed_without_dots(question):
            # Typed without å, ä and ö (a foreign keyboard, a hurried phone): every word, short
            # and function words too ("nar", "pa", "Jonkoping"), is read with the letters it
            # far more likely has. A question that has them anywhere is read as written.
            question = WORD.sub(lambda m: self._dotted(m.group(0)), question)
        return self._joined(WORD.sub(lambda m: self.word(m.group(0)), question))

    def _dotted(self, word: str) -> str:
        lower = word.lower()
        if lower in self.counts or not _lower_or_capitalised(word):
            return word
        return _cased_as(word, self.lexicon.accented.get(lower, lower))

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
        """A lower-case word, or one capitalised only at its first letter (the question's
        first word, a name), which keeps its capital. "AER" and "EU" are left alone."""
        lower = word.lower()
        if not word.isalpha() or lower in STOP_WORDS or lower in self.counts:
            return word
        if not _lower_or_capitalised(word) or (word != lower and self.lexicon.knows(lower)):
            return word  # an acronym, or a name Swedish text uses
        return _cased_as(word, self._corrected(lower))

    def _corrected(self, word: str) -> str:
        if word in self.accented:
            return self.accented[word]
        lexicon = self.lexicon
        if len(word) >= MIN_FOLDED_LENGTH and word in lexicon.accented:
            return lexicon.accented[word]
        if len(word) < MIN_LENGTH or self.known(word):
            return word
        compound = self._plain_compound(word)
        if compound:
            return compound
        near = _near(word, self.words[word[0]], 1)
        doubled = [w for w in near if _doubled(word, w)]
        if doubled:
            return max(doubled, key=self.counts.__getitem__)
        if lexicon.knows(word):
            return word  # a real word the corpus does not use: "uppfattas"
        near = [w for w in near if not _other_ending(word, w)]
        if near:  # among equals, the word the corpus uses most
            return max(near, key=self.counts.__getitem__)
        common = [
            w
            for w in _near(word, lexicon.common[word[0]], 1)
            if _doubled(word, w) or not _other_ending(word, w)
        ]
        if common:  # a double consonant first, then the most common: the lexicon's order
            return max(common, key=lambda w: _doubled(word, w))
        if len(word) >= LONG_LENGTH:
            far = [w for w in _near(word, self.words[word[0]], 2) if not _other_ending(word, w)]
            return max(far, key=self.counts.__getitem__, default=word)
        return word

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


def _lower_or_capitalised(word: str) -> bool:
    """Lower case, or a capital first letter only: "AER" and "EU" are acronyms."""
    return word[1:] == word[1:].lower()


def _cased_as(word: str, corrected: str) -> str:
    """The correction of a lower-cased word, with the word's capital back."""
    return corrected if word == word.lower() else corrected[0].upper() + corrected[1:]


def _near(word: str, words: list[str], edits: int) -> list[str]:
    """The words at most `edits` edits from `word`, in the order `words` lists them."""
    found = process.extract(
        word, words, scorer=DamerauLevenshtein.distance, score_cutoff=edits, limit=10
    )
    return [words[i] for *_, i in sorted(found, key=lambda hit: hit[2])]


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
