"""Text → the terms both sides of the lexical index use: words, plain forms, stems, compound parts.

The index and the question must make terms the same way, or BM25 compares different things;
this one object does it for the snapshot's indexes, the ranking and the vocabulary.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from assistant.language.analysis import (
    Analyzer,
    compound_parts,
    definite_base,
    is_english,
    neuter_base,
    plain_verb,
)
from assistant.language.everyday import everyday_phrases, to_formal
from assistant.language.glossary import to_swedish


@dataclass(frozen=True)
class Terms:
    analyzer: Analyzer = field(default_factory=Analyzer)
    compounds: bool = True  # add the parts of compounds the corpus knows as terms

    def of(self, text: str, vocabulary: Counter[str], query: bool = False) -> list[str]:
        words = self.analyzer.words(text)
        if query:
            if is_english(text):
                words += to_swedish(words)
            else:
                words += to_formal(words)
                words += [w for _, formal in everyday_phrases(text) for w in formal]
        words = [plain_form(w, vocabulary) for w in words]
        terms = self.analyzer.stem(words)
        if self.compounds:
            for word in words:
                terms.extend(self.analyzer.stem(compound_parts(word, vocabulary)))
        return terms

    def indexed(self, texts: list[str]) -> tuple[Counter[str], list[list[str]]]:
        """The words of `texts` with their counts, and each text's terms as `of` makes them.

        Each distinct word is made into terms once: an index's chunks share most of their
        words, so this takes a fraction of the time of `of` per text.
        """
        words = [self.analyzer.words(text) for text in texts]
        vocabulary = Counter(w for text in words for w in text)
        plain = [plain_form(word, vocabulary) for word in vocabulary]
        parts = [compound_parts(p, vocabulary) if self.compounds else [] for p in plain]
        part_stems = iter(self.analyzer.stem(part for pair in parts for part in pair))
        made = {
            word: (stem, [next(part_stems) for _ in pair])
            for word, stem, pair in zip(vocabulary, self.analyzer.stem(plain), parts, strict=True)
        }
        return vocabulary, [
            [made[w][0] for w in text] + [part for w in text for part in made[w][1]]
            for text in words
        ]

    def stem(self, word: str, vocabulary: Counter[str]) -> str:
        """A word's index term, as the lexical index makes it."""
        return self.analyzer.stem([plain_form(word.lower(), vocabulary)])[0]


def plain_form(word: str, vocabulary: Counter[str]) -> str:
    """The form the stemmer can conflate: antaga → anta, protokollet → protokoll."""
    word = plain_verb(word)
    return definite_base(word, vocabulary) or neuter_base(word, vocabulary) or word


def idf(n: int, df: int) -> float:
    """BM25's inverse document frequency (the form bm25s uses by default)."""
    return math.log(1 + (n - df + 0.5) / (df + 0.5))
