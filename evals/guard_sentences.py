"""The guard benchmark's sentences: supported ones made from the gold sources' passages, and
corrupted ones made from those by general rules (a fact swapped for another passage's, a
negation inserted, another passage's claim, a quotation altered).

Nothing here is written for a particular item: every rule applies to any passage and quote.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

from assistant.answering import checkable
from assistant.answering.quotes import quotable_parts
from assistant.language.swedish_terms import to_english
from assistant.types import Passage
from evals.distractors import DEFAULT_SFS, STAFF_STATUTES
from evals.gold import GoldItem, normalise
from evals.guard_corruptions import corruptions
from ingest.chunking import chunk_document
from ingest.loaders import load_file

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
# Connectives a shorter wording leaves out, and the formal forms it writes plainly.
CONNECTIVES = re.compile(r"^(?:Därför|Dessutom|Vidare|Även|Således|Därutöver|Också),?\s+", re.I)
PLAIN_FORMS = (("skall", "ska"), ("antaga", "anta"), ("icke", "inte"))
CLEFT = re.compile(r"^Det är (.+?) som (.+)$")  # "Det är X som antar Y" → "X antar Y"
CLAUSE_END = re.compile(r"(?<=[,;:])\s+|\s+(?=(?:och|samt|men|eller)\s)")


@dataclass(frozen=True)
class Claim:
    sentence: str  # with its [1]
    passage: Passage  # what [1] refers to
    kind: str  # how it was made: "verbatim", "shortened", … or the corruption's kind
    supported: bool


def corpus_passages(sfs: Path = DEFAULT_SFS) -> list[Passage]:
    """Every chunk of corpus/ and of the statutes the question sets ask about, as passages."""
    files = sorted(p for p in CORPUS.iterdir() if p.is_file())
    files += [sfs / name for name in STAFF_STATUTES if (sfs / name).exists()]
    passages = []
    for path in files:
        doc = load_file(path)
        for chunk in chunk_document(doc):
            chunk_id = f"{doc.doc_id}:{chunk.position}"
            passages.append(
                Passage(chunk_id, doc.doc_id, doc.title, chunk.section, chunk.text,
                        chunk.position, doc.content_hash, doc.organisation, is_list=chunk.is_list)
            )  # fmt: skip
    return passages


def claims(items: list[GoldItem], passages: list[Passage], seed: int = 0) -> list[Claim]:
    """Supported and corrupted sentences for every source quote the items hold, each once."""
    supported: dict[tuple[str, str], Claim] = {}
    for item in items:
        if item.decline is True:
            continue
        for source in item.sources:
            passage = _passage_of(source.doc, source.quote, passages)
            if passage is not None:
                for claim in supported_claims(source.quote, passage):
                    supported.setdefault((claim.sentence, passage.chunk_id), claim)
    rng = random.Random(seed)
    pool = list(supported.values())
    corrupted = {(c.sentence, c.passage.chunk_id): c for c in corruptions(pool, rng)}
    return pool + list(corrupted.values())


def supported_claims(quote: str, passage: Passage) -> list[Claim]:
    """The sentence holding the quote as written, shorter and plainer, its quote in quotation
    marks, and an English sentence with its facts."""
    unit = _unit_of(quote, passage)
    made = {
        "verbatim": _cited(unit),
        "shortened": _cited(shortened(unit, quote)),
        "quoted": f"I dokumentet står det: ”{_quoted_part(quote, passage)}” [1].",
        "english": english(unit, passage),
    }
    seen: set[str] = set()
    result = []
    for kind, sentence in made.items():
        if sentence and sentence not in seen:
            seen.add(sentence)
            result.append(Claim(sentence, passage, kind, True))
    return result


def shortened(unit: str, quote: str) -> str:
    """The clauses of a sentence that hold the quote, in plainer words."""
    clauses = [c.strip() for c in CLAUSE_END.split(unit) if c.strip()]
    target = normalise(quote)
    for size in range(1, len(clauses) + 1):
        for start in range(len(clauses) - size + 1):
            text = " ".join(clauses[start : start + size])
            if target in normalise(text):
                return _plainer(text)
    return _plainer(unit)


def english(unit: str, passage: Passage) -> str | None:
    """ "According to <title>, <the English of its key words>: <its names and numbers> [1].",
    when the sentence has words `swedish_terms` knows; None otherwise."""
    terms = [english for _, english in to_english(unit)]
    if not terms:
        return None
    facts = checkable.names(unit) + [m.group(0) for m in checkable.NUMBER.finditer(unit)]
    said = f": {', '.join(dict.fromkeys(facts))}" if facts else ""
    return f"According to {passage.title}, {' '.join(terms)}{said} [1]."


def _plainer(text: str) -> str:
    text = CONNECTIVES.sub("", text.strip().rstrip(".,;:"))
    text = re.sub(r"\s*\([^)]*\)", "", text)
    cleft = CLEFT.match(text)
    if cleft:
        text = f"{cleft.group(1)} {cleft.group(2)}"
    for formal, plain in PLAIN_FORMS:
        text = re.sub(rf"\b{formal}\b", plain, text)
    return text[:1].upper() + text[1:]


def _cited(sentence: str) -> str:
    """A sentence with its citation before its closing full stop."""
    body = sentence.strip().rstrip(".!?;:,")
    return f"{body} [1]."


def _unit_of(quote: str, passage: Passage) -> str:
    target = normalise(quote)
    parts = quotable_parts(passage)
    return next((p for p in parts if target in normalise(p)), quote)


def _quoted_part(quote: str, passage: Passage) -> str:
    """The quote as the passage spells it (gold quotes ignore case, markup and spacing)."""
    text = re.sub(r"\s+", " ", passage.text)
    start = text.lower().find(re.sub(r"\s+", " ", quote).lower())
    return text[start : start + len(re.sub(r"\s+", " ", quote))] if start >= 0 else quote


def _passage_of(doc: str, quote: str, passages: list[Passage]) -> Passage | None:
    target = normalise(quote)
    return next((p for p in passages if p.doc_id == doc and target in normalise(p.text)), None)
