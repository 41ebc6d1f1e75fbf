"""Swedish at large, for the speller: which words exist, and the common ones a typo stands for.

The corpus alone cannot tell a typo from a word it never uses. "konferenser", "bestämmer" and
"utomlands" are everyday words no policy may contain; typed as "knferenser" they are still
typos, and "Kalmars" is a real name one edit from some corpus word. So the speller also asks
Swedish at large, as wordfreq's Swedish list (subtitles, Wikipedia, news and web text; 340,000
words, bundled in the package, data CC BY-SA 4.0) counts it.

Loaded once per process on the first question (about 0.7 s and 40 MB), never at import.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import cache

from wordfreq import get_frequency_list

from assistant.language.evidence import PLAIN_LETTERS

# wordfreq's buckets are centibels below a frequency of 1: bucket i holds the words seen
# 10^(-i/100) of the time. Up to bucket 700 a word is seen at least once in ten million words:
# common enough to be what a typo stands for, where the list's rarest words include typos.
COMMON_BUCKETS = 701
MIN_LENGTH = 4  # "maste" is "måste"; shorter words are left to the corpus


class Lexicon:
    def __init__(self, buckets: Iterable[Iterable[str]]) -> None:
        """`buckets`: words by frequency, most common first, as wordfreq lists them."""
        words: set[str] = set()
        self.common: dict[str, list[str]] = defaultdict(list)  # first letter → words
        self.accented: dict[str, str] = {}  # plain spelling (a, o) → the word with å, ä, ö
        for rank, bucket in enumerate(buckets):
            for word in bucket:
                if len(word) < MIN_LENGTH or not word.isalpha():
                    continue
                words.add(word)
                if rank < COMMON_BUCKETS:
                    self.common[word[0]].append(word)
                    plain = word.translate(PLAIN_LETTERS)
                    if plain != word:
                        self.accented.setdefault(plain, word)
        self.words = frozenset(words)

    def knows(self, word: str) -> bool:
        """Whether Swedish text uses the word: then it is no typo, even if the corpus lacks it."""
        return word in self.words


@cache
def swedish() -> Lexicon:
    """wordfreq reads the list bundled in its package: nothing is fetched."""
    lexicon = Lexicon(get_frequency_list("sv", "large"))
    get_frequency_list.cache_clear()  # the lexicon keeps what it needs; drop wordfreq's copy
    return lexicon
