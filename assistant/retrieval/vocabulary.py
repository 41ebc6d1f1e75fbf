"""What the answerer may ask about the corpus's words: how telling a word is, whether it is used.

Bound to one snapshot, so every word of one question is weighed against the same index.
"""

from __future__ import annotations

from assistant.language.analysis import compound_parts
from assistant.language.lexicon import swedish
from assistant.language.spelling import Speller
from assistant.retrieval.snapshot import Snapshot
from assistant.retrieval.terms import Terms, idf, plain_form


class Vocabulary:
    def __init__(self, snapshot: Snapshot, terms: Terms) -> None:
        self.snapshot = snapshot
        self.terms = terms

    def term_weight(self, word: str) -> float:
        """Inverse document frequency of a word's stem over the live chunks."""
        snapshot = self.snapshot
        stem = self.terms.stem(word, snapshot.vocabulary)
        return idf(len(snapshot.ids), snapshot.stem_frequency.get(stem, 0))

    def parts(self, word: str) -> list[str]:
        """A compound's two parts as the corpus writes them (nätverk|arbetet), else none."""
        parts = compound_parts(plain_form(word, self.snapshot.vocabulary), self.snapshot.vocabulary)
        return parts if len(parts) == 2 else []

    def known_word(self, word: str) -> bool:
        return self.terms.stem(word, self.snapshot.vocabulary) in self.snapshot.stem_frequency

    def spelled(self, question: str) -> str:
        """The question with its misspelt words spelt as the corpus spells them."""
        snapshot = self.snapshot
        if snapshot.speller is None:  # once per snapshot: it lists the corpus's words
            snapshot.speller = Speller(snapshot.vocabulary, self.known_word, swedish())
        return snapshot.speller.correct(question)
