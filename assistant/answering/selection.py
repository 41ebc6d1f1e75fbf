"""Scored units → the quotes an answer shows: a whole list, or the best sentence and the ones
that complete it from the same document."""

from __future__ import annotations

from assistant.answering.options import ExtractiveOptions
from assistant.answering.question_terms import QuestionTerms
from assistant.answering.quotes import Unit
from assistant.language.evidence import LIST_CUE, cue_evidence, lacks_asked_fact


def unit_score(question: str, unit: Unit, terms: QuestionTerms) -> float:
    coverage = terms.coverage([unit])
    rank_prior = 0.15 / (1 + unit.passage)
    # A sentence with no date cannot answer "när"; one with the kind of fact asked for
    # (a date, a place, a name) is preferred.
    unfit = 0.5 if lacks_asked_fact(question, unit.text) else 0.0
    return coverage + rank_prior + 0.2 * cue_evidence(question, unit.text) - unfit


def choose_quotes(
    question: str,
    units: list[Unit],
    scored: list[tuple[float, int]],
    terms: QuestionTerms,
    positions: list[int],
    options: ExtractiveOptions,
) -> list[Unit]:
    """`scored` is (score, unit index), best first; `positions` each passage's place in its
    document, so a list is quoted in reading order."""
    best = units[scored[0][1]]
    best_alone = terms.coverage([best])
    lists: dict[frozenset[str], list[Unit]] = {}
    for unit in sorted(units, key=lambda u: positions[u.passage]):
        if unit.is_list:
            # A whole list, in document order: its chunks may come from several passages.
            lists.setdefault(frozenset(unit.context), []).append(unit)
    asks_list = bool(LIST_CUE.match(question))
    if lists and (asks_list or (best.is_list and _heading_led(best, terms))):
        candidates = list(lists.values()) if asks_list else [lists[frozenset(best.context)]]
        group = max(candidates, key=lambda group: _list_score(group, terms))
        # "Vilka andra frågor bereder den?" is answered by the sentence that names them
        # ("internationella frågor, trafikfrågor, …"), not by a list that answers it worse.
        if best.is_list or _list_score(group, terms) >= best_alone:
            return group
    chosen = [best]
    coverage = best_alone
    for _, i in scored[1:]:
        if len(chosen) == options.max_quotes:
            break
        candidate = units[i]
        # Further quotes complete the first one, so they come from the same document.
        if candidate.text in {u.text for u in chosen} or candidate.doc_id != best.doc_id:
            continue
        gain = terms.coverage([*chosen, candidate]) - coverage
        # A quote as good as the first is shown beside it rather than dropped by a hair:
        # "X föreslår Y besluta att antaga" twice, for two bodies, both answer "Vem antar".
        alone = terms.coverage([candidate])
        fit = not lacks_asked_fact(question, candidate.text)
        tie = fit and alone >= best_alone - options.tie_margin
        if gain >= options.min_gain or tie:
            chosen.append(candidate)
            coverage += gain
    return chosen


def _heading_led(item: Unit, terms: QuestionTerms) -> bool:
    """Whether the question is about the list as a whole rather than this one item."""
    heading = Unit(item.passage, item.doc_id, "", item.context, set(), True, item.heading)
    return terms.coverage([heading]) >= terms.coverage([item])


def _list_score(group: list[Unit], terms: QuestionTerms) -> float:
    """How well a list answers: its coverage (its heading and title count in full), less the
    share of its heading's words the question does not ask about."""
    heading = group[0].heading
    unasked = sum(1 for w in heading if not terms.asks_about(w))
    coverage = terms.coverage(group, context_credit=1.0)
    return coverage - 0.3 * unasked / max(len(heading), 1)
