"""The question's telling words with their weights, and how much of them quotes cover.

Coverage is the share of the question's weight (each word weighted by how rare it is in the
corpus) that a set of quotes holds, in its own words or, for less credit, in its title,
organisation and headings: the one measure selection and the support check both use.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.answering.protocol import Question
from assistant.answering.quotes import Unit
from assistant.language.analysis import Analyzer, is_english
from assistant.language.evidence import match
from assistant.language.glossary import to_swedish


@dataclass
class QuestionTerms:
    weights: dict[str, float]
    context_credit: float  # a word found only in the title, organisation or headings
    total: float = field(init=False)

    def __post_init__(self) -> None:
        self.total = sum(self.weights.values()) or 1.0

    @classmethod
    def of(cls, question: Question, analyzer: Analyzer, context_credit: float) -> QuestionTerms:
        words = list(dict.fromkeys(analyzer.words(question.text)))
        if is_english(question.text):
            # English words cannot be found in Swedish text; names, shared terms and the
            # glossary's Swedish counterparts can.
            swedish = to_swedish(words)
            words = [w for w in dict.fromkeys(words + swedish) if question.vocabulary.known_word(w)]
        weights = {w: question.vocabulary.term_weight(w) for w in words}
        return cls(weights, context_credit)

    def coverage(self, units: list[Unit], context_credit: float | None = None) -> float:
        context_credit = self.context_credit if context_credit is None else context_credit
        found = 0.0
        for word, weight in self.weights.items():
            credit = 0.0
            for unit in units:
                credit = max(
                    credit,
                    match(word, unit.words),
                    context_credit * match(word, unit.context),
                )
            found += weight * credit
        return found / self.total

    def asks_about(self, word: str) -> bool:
        """Whether the question uses this word (in any close form)."""
        return max((match(word, {q}) for q in self.weights), default=0) >= 0.7
