"""Swedish at large, for the speller: which words exist, and the common ones a typo stands for.

The corpus alone cannot tell a typo from a word it never uses. "konferenser", "bestämmer" and
"utomlands" are everyday words no policy may contain; typed as "knferenser" they are still
typos, and a name such as "Kalmars" is no typo of some corpus word. Nor can it tell which
word "nar" or "pa" stands for when a question is typed without å, ä and ö. So the speller also
asks Swedish at large, as wordfreq's Swedish list (subtitles, Wikipedia, news and web text;
340,000 words, bundled in the package, data CC BY-SA 4.0) counts it.

Loaded once per process on the first question (about 1.5 s and 40 MB), never at import.
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
# A word typed without its dots is read with them when that word is half a zipf unit (three
# times) more common than the plain spelling: "nar" is "när", "vart" stays "vart" ("vårt").
CLEARLY_MORE_COMMON = 50
MIN_LENGTH = 4  # shorter words are no typos the speller reads


class Lexicon:
    def __init__(self, buckets: Iterable[Iterable[str]]) -> None:
        """`buckets`: words by frequency, most common first, as wordfreq lists them."""
        words: set[str] = set()
        self.common: dict[str, list[str]] = defaultdict(list)  # first letter → words
        ranks: dict[str, int] = {}
        dotted: dict[str, tuple[int, str]] = {}  # plain spelling → the likeliest dotted word
        for rank, bucket in enumerate(buckets):
            for word in bucket:
                if not word.isalpha():
                    continue
                ranks.setdefault(word, rank)
                plain = word.translate(PLAIN_LETTERS)
                if plain != word and rank < COMMON_BUCKETS:
                    dotted.setdefault(plain, (rank, word))
                if len(word) >= MIN_LENGTH:
                    words.add(word)
                    if rank < COMMON_BUCKETS:
                        self.common[word[0]].append(word)
        # Plain spelling (a, o) → the word with å, ä or ö it far more likely stands for: not
        # when the plain spelling is a word nearly as common ("har" and "här").
        self.accented = {
            plain: word
            for plain, (rank, word) in dotted.items()
            if plain not in ranks or ranks[plain] - rank >= CLEARLY_MORE_COMMON
        }
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
