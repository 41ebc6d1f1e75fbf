"""Passages → a grounded answer: the `Answerer` protocol and the extractive answerer.

The extractive answerer needs no language model. It quotes the sentences (or list items) of the
retrieved passages that cover the question, each followed by its citation number, in a short
Swedish or English frame. It declines, showing the nearest passages as "see also", when the
chosen sentences do not cover what the question asks: its key terms, the names it mentions,
and the kind of fact it wants (an amount, a date). A quote is always verbatim source text, so
an instruction hidden in a question can change nothing but the passages that are quoted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from assistant.analysis import SENTENCE_BOUNDARY, WORD, Analyzer, is_english
from assistant.evidence import (
    IDENTITY_QUESTION,
    LIST_CUE,
    PROPER_NAME,
    cue_evidence,
    lacks_asked_fact,
    match,
)
from assistant.glossary import to_swedish
from assistant.retrieval import Passage

MAX_RUN_ON = 400  # characters a quote may grow to by running blocks together


@dataclass
class Message:
    role: str  # "user" or "assistant"
    content: str


@dataclass
class Question:
    """What the answerer knows about the question beyond its text."""

    text: str  # standalone: the conversation's ellipsis already resolved
    term_weight: Callable[[str], float]  # how telling a word is in this corpus (IDF)
    known_word: Callable[[str], bool]  # whether the corpus uses the word at all


@dataclass
class Draft:
    """An answer with citation numbers: [n] in `text` refers to `citations[n - 1]`."""

    text: str
    answered: bool
    citations: list[Passage] = field(default_factory=list)
    coverage: float | None = None  # the evidence the decision rested on, for calibration
    dense: float | None = None


class Answerer(Protocol):
    def answer(self, question: Question, history: list[Message], passages: list[Passage]) -> Draft:
        """Compose an answer from `passages` only; decline when they do not support one."""
        ...


@dataclass(frozen=True)
class ExtractiveOptions:
    min_coverage: float = 0.4  # share of the question's weight the quotes must cover
    min_coverage_dense: float = 0.25  # ... when the passage is also a close dense match
    min_dense: float = 0.85
    max_quotes: int = 3
    min_gain: float = 0.12  # a further quote must add this much coverage
    tie_margin: float = 0.03  # ... unless it scores within this much of the first
    context_credit: float = 0.8  # a word found only in the title, organisation or headings
    cue_credit: float = 0.25  # the evidence a question word asks for (a date for "när")
    see_also: int = 3


@dataclass
class _Unit:
    """A quotable sentence or list item of one passage."""

    passage: int  # index into the passages
    doc_id: str
    text: str
    words: set[str]
    context: set[str]  # organisation, title and heading trail
    is_list: bool
    heading: set[str] = field(default_factory=set)  # the nearest heading's words


class ExtractiveAnswerer:
    def __init__(self, analyzer: Analyzer, options: ExtractiveOptions | None = None) -> None:
        self.analyzer = analyzer
        self.options = options or ExtractiveOptions()

    def answer(self, question: Question, history: list[Message], passages: list[Passage]) -> Draft:
        english = is_english(question.text)
        units = self._units(passages)
        if not units:
            return self._decline(passages, english)
        words = self._question_words(question, english)
        weights = {w: question.term_weight(w) for w in words}
        total = sum(weights.values()) or 1.0
        scored = sorted(
            ((self._score(question.text, unit, weights, total), i) for i, unit in enumerate(units)),
            reverse=True,
        )
        best = units[scored[0][1]]
        positions = [p.position for p in passages]
        chosen = self._choose(best, units, scored, weights, total, question.text, positions)
        coverage = self._coverage(chosen, weights, total) if weights else None
        if coverage is not None:
            # A date for "när", a place for "var": the evidence answers the question word.
            coverage += self.options.cue_credit * cue_evidence(
                question.text, " ".join(u.text for u in chosen)
            )
        dense = max((passages[u.passage].dense_similarity or 0.0 for u in chosen), default=0.0)
        if not self._supported(question, chosen, coverage, dense):
            return self._decline(passages, english, coverage, dense)
        draft = self._compose(chosen, passages, english)
        draft.coverage, draft.dense = coverage, dense
        return draft

    # ---- understanding the question ------------------------------------------------------

    def _question_words(self, question: Question, english: bool) -> list[str]:
        words = list(dict.fromkeys(self.analyzer.words(question.text)))
        if english:
            # English words cannot be found in Swedish text; names, shared terms and the
            # glossary's Swedish counterparts can.
            swedish = to_swedish(words)
            words = [w for w in dict.fromkeys(words + swedish) if question.known_word(w)]
        return words

    # ---- choosing quotes -----------------------------------------------------------------

    def _units(self, passages: list[Passage]) -> list[_Unit]:
        units = []
        for i, passage in enumerate(passages):
            context = set(
                self.analyzer.words(
                    f"{passage.organisation or ''} {passage.title} {passage.section}"
                )
            )
            heading = set(self.analyzer.words(passage.section.split(" › ")[-1]))
            for part in _quotable_parts(passage):
                if len(WORD.findall(part)) >= 2:
                    words = set(self.analyzer.words(part))
                    units.append(
                        _Unit(i, passage.doc_id, part, words, context, passage.is_list, heading)
                    )
        return units

    def _score(self, question: str, unit: _Unit, weights: dict[str, float], total: float) -> float:
        coverage = self._coverage([unit], weights, total)
        rank_prior = 0.15 / (1 + unit.passage)
        # A sentence with no date cannot answer "när"; one with the kind of fact asked for
        # (a date, a place, a name) is preferred.
        unfit = 0.5 if lacks_asked_fact(question, unit.text) else 0.0
        return coverage + rank_prior + 0.2 * cue_evidence(question, unit.text) - unfit

    def _coverage(
        self,
        units: list[_Unit],
        weights: dict[str, float],
        total: float,
        context_credit: float | None = None,
    ) -> float:
        context_credit = self.options.context_credit if context_credit is None else context_credit
        found = 0.0
        for word, weight in weights.items():
            credit = 0.0
            for unit in units:
                credit = max(
                    credit,
                    match(word, unit.words),
                    context_credit * match(word, unit.context),
                )
            found += weight * credit
        return found / total

    def _choose(
        self,
        best: _Unit,
        units: list[_Unit],
        scored: list[tuple[float, int]],
        weights: dict[str, float],
        total: float,
        question: str,
        positions: list[int],
    ) -> list[_Unit]:
        lists: dict[frozenset[str], list[_Unit]] = {}
        for unit in sorted(units, key=lambda u: positions[u.passage]):
            if unit.is_list:
                # A whole list, in document order: its chunks may come from several passages.
                lists.setdefault(frozenset(unit.context), []).append(unit)
        if lists and (
            LIST_CUE.match(question) or (best.is_list and self._heading_led(best, weights, total))
        ):
            candidates = (
                list(lists.values())
                if LIST_CUE.match(question)
                else [lists[frozenset(best.context)]]
            )
            return max(candidates, key=lambda group: self._list_score(group, weights, total))
        chosen = [best]
        coverage = best_alone = self._coverage(chosen, weights, total)
        for _, i in scored[1:]:
            if len(chosen) == self.options.max_quotes:
                break
            candidate = units[i]
            # Further quotes complete the first one, so they come from the same document.
            if candidate.text in {u.text for u in chosen} or candidate.doc_id != best.doc_id:
                continue
            gain = self._coverage([*chosen, candidate], weights, total) - coverage
            # A quote as good as the first is shown beside it rather than dropped by a hair:
            # "X föreslår Y besluta att antaga" twice, for two bodies, both answer "Vem antar".
            alone = self._coverage([candidate], weights, total)
            fit = not lacks_asked_fact(question, candidate.text)
            tie = fit and alone >= best_alone - self.options.tie_margin
            if gain >= self.options.min_gain or tie:
                chosen.append(candidate)
                coverage += gain
        return chosen

    def _heading_led(self, item: _Unit, weights: dict[str, float], total: float) -> bool:
        """Whether the question is about the list as a whole rather than this one item."""
        heading = _Unit(item.passage, item.doc_id, "", item.context, set(), True, item.heading)
        return self._coverage([heading], weights, total) >= self._coverage([item], weights, total)

    def _list_score(self, group: list[_Unit], weights: dict[str, float], total: float) -> float:
        """How well a list answers: its coverage (its heading and title count in full), less the
        share of its heading's words the question does not ask about."""
        heading = group[0].heading
        unasked = sum(1 for w in heading if max((match(w, {q}) for q in weights), default=0) < 0.7)
        coverage = self._coverage(group, weights, total, context_credit=1.0)
        return coverage - 0.3 * unasked / max(len(heading), 1)

    # ---- deciding -----------------------------------------------------------------------

    def _supported(
        self,
        question: Question,
        chosen: list[_Unit],
        coverage: float,
        dense: float | None,
    ) -> bool:
        text = question.text
        evidence = " ".join(u.text for u in chosen)
        found = set().union(*(u.words | u.context for u in chosen))
        english = is_english(text)
        for name in PROPER_NAME.findall(text):
            name = name.lower()
            if question.known_word(name):
                # A name the corpus knows but the quotes do not mention: the quotes are about
                # something else (another organisation, another body).
                if match(name, found) < 0.7:
                    return False
            elif not english:
                return False  # a name no document mentions ("Kaunas"): nothing to quote
        if lacks_asked_fact(text, evidence):
            return False
        focus = IDENTITY_QUESTION.match(text)
        quoted = set().union(*(u.words | u.context for u in chosen))
        if focus and match(focus.group(1).lower(), quoted) < 0.7:
            return False  # "Vem är ordförande …?" answered by a sentence with no chairman
        options = self.options
        if coverage is None:  # nothing in the question the corpus could contain word for word
            return (dense or 0.0) >= options.min_dense
        return coverage >= options.min_coverage or (
            coverage >= options.min_coverage_dense and (dense or 0.0) >= options.min_dense
        )

    # ---- writing ------------------------------------------------------------------------

    def _compose(self, chosen: list[_Unit], passages: list[Passage], english: bool) -> Draft:
        order: list[int] = []  # passage indices in citation order
        for unit in chosen:
            if unit.passage not in order:
                order.append(unit.passage)
        number = {p: n + 1 for n, p in enumerate(order)}
        lines: list[str] = []
        current_doc = None
        as_list = len(chosen) > 1 and all(u.is_list for u in chosen)
        for unit in chosen:
            passage = passages[unit.passage]
            if passage.doc_id != current_doc:
                current_doc = passage.doc_id
                lines.append(_frame(passage, english, as_list))
            quote = f"{unit.text} [{number[unit.passage]}]"
            lines.append(f"- {quote}" if as_list else quote)
        return Draft("\n".join(lines), True, [passages[p] for p in order])

    def _decline(
        self,
        passages: list[Passage],
        english: bool,
        coverage: float | None = None,
        dense: float | None = None,
    ) -> Draft:
        text = (
            "The documents don't say. The closest passages are listed under See also."
            if english
            else "Det framgår inte av dokumenten. De närmaste avsnitten finns under Se även."
        )
        return Draft(text, False, passages[: self.options.see_also], coverage, dense)


def _quotable_parts(passage: Passage) -> list[str]:
    """Sentences and list items, verbatim.

    A block that does not end a sentence runs on into the next one: "… föreslår
    landstingsstyrelsen besluta" + "att antaga …", or a signature's "Vid protokollet" + the
    name, so that a quote carries its whole statement.
    """
    blocks = [b.strip() for b in passage.text.split("\n\n") if b.strip()]
    if passage.is_list:
        return blocks
    parts: list[str] = []
    run_on = False
    for block in blocks:
        sentences = [s.strip() for s in SENTENCE_BOUNDARY.split(block) if s.strip()]
        if run_on and parts and len(parts[-1]) + len(sentences[0]) <= MAX_RUN_ON:
            parts[-1] = f"{parts[-1]}\n\n{sentences.pop(0)}"
        parts.extend(sentences)
        run_on = bool(parts) and parts[-1][-1] not in ".!?;"
    return parts


def _frame(passage: Passage, english: bool, as_list: bool) -> str:
    source = f"{passage.title}" + (f" ({passage.organisation})" if passage.organisation else "")
    heading = passage.section.split(" › ")[-1] if passage.section else ""
    if as_list and heading:
        return f"According to {source}, {heading}" if english else f"Enligt {source}, {heading}"
    return f"According to {source}:" if english else f"Enligt {source}:"
