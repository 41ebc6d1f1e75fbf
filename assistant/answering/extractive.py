"""The extractive answerer: quotes the sentences of the passages that answer the question.

It needs no language model. It quotes the sentences (or list items) of the retrieved passages
that cover the question, each followed by its citation number, in a short Swedish or English
frame. It declines, showing the nearest passages as "see also", when the chosen sentences do
not cover what the question asks: its key terms, the names it mentions, and the kind of fact
it wants (an amount, a date). A quote is always verbatim source text, so an instruction hidden
in a question can change nothing but the passages that are quoted.
"""

from __future__ import annotations

from collections.abc import Iterator

from assistant.answering.options import ExtractiveOptions
from assistant.answering.protocol import Draft, Question, stream_lines
from assistant.answering.question_terms import QuestionTerms
from assistant.answering.quotes import Unit, quotable_units, with_their_stycke
from assistant.answering.selection import choose_quotes, unit_score
from assistant.answering.support import fits, supported
from assistant.answering.writing import DECLINE, answer_lines, closest_lines
from assistant.language.analysis import Analyzer, language_of
from assistant.language.evidence import cue_evidence
from assistant.types import Language, Message, Passage


class ExtractiveAnswerer:
    follows_instructions = False  # it quotes: a caller's instruction changes no quote

    def __init__(self, analyzer: Analyzer, options: ExtractiveOptions | None = None) -> None:
        self.analyzer = analyzer
        self.options = options or ExtractiveOptions()

    def answer(
        self, question: Question, history: list[Message], passages: list[Passage]
    ) -> Iterator[str | Draft]:
        yield from stream_lines(self.draft(question, passages))

    def draft(self, question: Question, passages: list[Passage]) -> Draft:
        language = language_of(question.text, question.language)
        english = language == "en"
        units = quotable_units(passages, self.analyzer)
        if not units:
            return self._decline(passages, language)
        terms = QuestionTerms.of(question, self.analyzer, self.options.context_credit)
        scored = sorted(
            ((unit_score(question.text, unit, terms), i) for i, unit in enumerate(units)),
            reverse=True,
        )
        positions = [p.position for p in passages]
        chosen = with_their_stycke(
            choose_quotes(question.text, units, scored, terms, positions, self.options), units
        )
        coverage = self._coverage(question, chosen, terms)
        dense = max((passages[u.passage].dense_similarity or 0.0 for u in chosen), default=0.0)
        if not supported(question, chosen, coverage, dense, self.options):
            return self._closest(question, units, passages, language, coverage, dense)
        lines, cited = answer_lines(chosen, passages, english)
        return Draft("\n".join(lines), True, cited, language, coverage, dense)

    def _coverage(
        self, question: Question, chosen: list[Unit], terms: QuestionTerms
    ) -> float | None:
        if not terms.weights:
            return None
        # A date for "när", a place for "var": the evidence answers the question word.
        evidence = " ".join(u.text for u in chosen)
        return terms.coverage(chosen) + self.options.cue_credit * cue_evidence(
            question.text, evidence
        )

    def _closest(
        self,
        question: Question,
        units: list[Unit],
        passages: list[Passage],
        language: Language,
        coverage: float | None,
        dense: float | None,
    ) -> Draft:
        """The best passage, framed as the nearest the documents come, when it is close to the
        question and could answer it; else the decline. A paraphrase that shares no word with
        its answer is better served by the passage than by "the documents don't say"."""
        top = [u for u in units if u.passage == 0]
        close = (passages[0].dense_similarity or 0.0) >= self.options.closest_dense
        if not (top and close and fits(question, top)):
            return self._decline(passages, language, coverage, dense)
        lines = closest_lines(top, passages[0], language)
        return Draft("\n".join(lines), True, [passages[0]], language, coverage, dense, closest=True)

    def _decline(
        self,
        passages: list[Passage],
        language: Language,
        coverage: float | None = None,
        dense: float | None = None,
    ) -> Draft:
        see_also = passages[: self.options.see_also]
        return Draft(DECLINE[language], False, see_also, language, coverage, dense)
