"""The extractive answerer's thresholds, in one place: they were fitted together on the
development set, so they are read together."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExtractiveOptions:
    min_coverage: float = 0.4  # share of the question's weight the quotes must cover
    min_coverage_dense: float = 0.25  # ... when the passage is also a close dense match
    min_dense: float = 0.85
    # Below the thresholds above, the best passage is still shown ("Närmast i dokumenten")
    # rather than declined when it is this close to the question and could answer it.
    closest_dense: float = 0.855
    max_quotes: int = 3
    min_gain: float = 0.12  # a further quote must add this much coverage
    tie_margin: float = 0.03  # ... unless it scores within this much of the first
    context_credit: float = 0.8  # a word found only in the title, organisation or headings
    cue_credit: float = 0.25  # the evidence a question word asks for (a date for "när")
    see_also: int = 3
