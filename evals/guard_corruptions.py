"""Corrupted sentences for the guard benchmark, made from supported ones by general rules.

Each rule changes one thing a reader would be misled by: a name, body, number, date or §
reference swapped for one another passage has and the cited one lacks; a negation inserted;
another passage's claim cited against this one; an English sentence's fact changed; a
quotation altered.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from assistant.answering import checkable
from assistant.language.analysis import WORD
from assistant.language.evidence import match

if TYPE_CHECKING:
    from evals.guard_sentences import Claim

SWEDISH = ("verbatim", "shortened")
# Where a Swedish main clause takes its negation: after its finite verb, which the commonest
# auxiliaries and verbs of rules mark; else after the clause's second word.
FINITE = re.compile(
    r"\b(?:är|ska|skall|får|kan|har|bör|måste|kommer|blir|gäller|sker|ges|avses|ansvarar)\b"
)
QUOTED = re.compile(r"”([^”]+)”")


@dataclass
class _Pools:
    """The facts of every supported sentence, to swap in where the cited passage lacks them."""

    names: list[str]
    bodies: list[str]
    numbers: list[str]
    words: list[str]

    @classmethod
    def of(cls, pool: list[Claim]) -> _Pools:
        swedish = [c.sentence for c in pool if c.kind in SWEDISH]
        return cls(
            names=sorted({n for s in swedish for n in checkable.names(s)}),
            bodies=sorted({m.group(0) for s in swedish for m in checkable.BODY.finditer(s)}),
            numbers=sorted({m.group(0) for s in swedish for m in checkable.NUMBER.finditer(s)}),
            words=sorted({w for s in swedish for w in WORD.findall(s) if len(w) >= 6}),
        )


def corruptions(pool: list[Claim], rng: random.Random) -> Iterator[Claim]:
    """Every corruption each supported claim allows, one per kind."""
    pools = _Pools.of(pool)
    for claim in pool:
        if claim.kind in SWEDISH:
            rules: dict[str, Callable[[Claim], str | None]] = {
                "name": lambda c: _swap(c, checkable.names(c.sentence), pools.names, rng),
                "body": lambda c: _swap_body(c, pools.bodies, rng),
                "number": lambda c: _swap_number(c, pools.numbers, rng),
                "date": lambda c: _swap_month(c, rng),
                "negation": _negate,
            }
        elif claim.kind == "english":
            rules = {
                "english": lambda c: (
                    _swap_number(c, pools.numbers, rng)
                    or _swap(c, checkable.names(c.sentence), pools.names, rng)
                )
            }
        else:
            rules = {"quote": lambda c: _alter_quote(c, pools.words, rng)}
        for kind, rule in rules.items():
            sentence = rule(claim)
            if sentence and sentence != claim.sentence:
                yield replace(
                    claim, sentence=sentence, kind=_kind(kind, claim, sentence), supported=False
                )
        other = _other_claim(claim, pool, rng)
        if other is not None:
            yield replace(other, passage=claim.passage, kind="other passage", supported=False)


def _kind(kind: str, claim: Claim, sentence: str) -> str:
    """A swapped number that stood in a § or chapter reference is a reference's corruption;
    one that was a year, a date's."""
    if kind != "number":
        return kind
    if checkable.references(sentence) != checkable.references(claim.sentence):
        return "reference"
    years = {n for n in checkable.numbers(claim.sentence) if re.fullmatch(r"(19|20)\d\d", n)}
    return "date" if years - checkable.numbers(sentence) else "number"


def _absent(candidates: list[str], claim: Claim) -> list[str]:
    passage = claim.passage
    source = f"{passage.organisation} {passage.title} {passage.section} {passage.text}"
    words = {w.lower() for w in WORD.findall(source)}
    return [c for c in candidates if match(c.lower(), words) < 0.7]


def _swap(claim: Claim, found: list[str], candidates: list[str], rng: random.Random) -> str | None:
    """The first of `found` replaced by a candidate the passage lacks, in the same case."""
    options = _absent(candidates, claim)
    if not found or not options:
        return None
    chosen = rng.choice(options)
    chosen = (str.upper if found[0][:1].isupper() else str.lower)(chosen[:1]) + chosen[1:]
    return re.sub(rf"\b{re.escape(found[0])}\b", chosen, claim.sentence, count=1)


def _swap_body(claim: Claim, bodies: list[str], rng: random.Random) -> str | None:
    found = [m.group(0) for m in checkable.BODY.finditer(claim.sentence)]
    return _swap(claim, found, bodies, rng)


def _swap_number(claim: Claim, numbers: list[str], rng: random.Random) -> str | None:
    body = checkable.without_citations(claim.sentence)
    found = [m for m in checkable.NUMBER.finditer(body)]
    if not found:
        return None
    held = checkable.numbers(f"{claim.passage.section} {claim.passage.text}")
    options = [n for n in numbers if not checkable.numbers(n) & held]
    chosen = rng.choice(found)
    value = rng.choice(options) if options else str(int(re.sub(r"\D", "", chosen.group(0))) + 7)
    sentence = claim.sentence
    start = sentence.find(chosen.group(0))
    return sentence[:start] + value + sentence[start + len(chosen.group(0)) :]


def _swap_month(claim: Claim, rng: random.Random) -> str | None:
    found = checkable.MONTH.search(claim.sentence)
    if not found:
        return None
    month = found.group(1) or found.group(2)
    held = checkable.months(claim.passage.text)
    swedish = [m for m, n in checkable.MONTHS.items() if n not in held and m.endswith(("i", "r"))]
    return claim.sentence.replace(month, rng.choice(swedish), 1)


def _negate(claim: Claim) -> str | None:
    sentence = claim.sentence
    if checkable.negated(sentence):
        return None
    finite = FINITE.search(sentence)
    if finite:
        return f"{sentence[: finite.end()]} inte{sentence[finite.end() :]}"
    words = sentence.split(" ")
    return " ".join([*words[:2], "inte", *words[2:]]) if len(words) > 3 else None


def _alter_quote(claim: Claim, words: list[str], rng: random.Random) -> str | None:
    quoted = QUOTED.search(claim.sentence)
    if not quoted:
        return None
    inside = WORD.findall(quoted.group(1))
    if not inside:
        return None
    longest = max(inside, key=len)
    options = [w for w in words if w.lower() != longest.lower()]
    altered = quoted.group(1).replace(longest, rng.choice(options), 1)
    if checkable.plain(altered) in checkable.plain(claim.passage.text):
        return None
    return claim.sentence.replace(quoted.group(1), altered, 1)


def _other_claim(claim: Claim, pool: list[Claim], rng: random.Random) -> Claim | None:
    """A verbatim sentence of another passage whose words this passage does not hold."""
    if claim.kind != "verbatim":
        return None
    text = checkable.plain(claim.passage.text)
    others = [
        c
        for c in pool
        if c.kind == "verbatim"
        and c.passage.text != claim.passage.text
        and checkable.plain(checkable.without_citations(c.sentence).rstrip(".")) not in text
    ]
    return rng.choice(others) if others else None
