"""The gold set (evals/gold.yaml) as typed items."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml

GOLD = Path(__file__).with_name("gold.yaml")  # the development set: tune on it
TEST = Path(__file__).with_name("test.yaml")  # the test set: written first, never tuned on
# Written from the documents alone by askers who never saw the code or the other sets; run at
# the end of a change only, never tuned on.
FRESH = Path(__file__).with_name("fresh.yaml")
# Written apart the same way, to fit on: nothing is evaluated on it.
TRAIN = Path(__file__).with_name("train.yaml")


@dataclass(frozen=True)
class Source:
    doc: str
    quote: str


@dataclass
class GoldItem:
    id: str
    category: str
    turns: list[str]
    key_facts: list[str] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    decline: bool | Literal["either"] = False
    forbidden: list[str] = field(default_factory=list)


def load_gold(path: Path = GOLD) -> list[GoldItem]:
    items = []
    for raw in yaml.safe_load(path.read_text(encoding="utf-8")):
        raw["sources"] = [Source(**s) for s in raw.get("sources", [])]
        raw["key_facts"] = [str(f) for f in raw.get("key_facts", [])]
        items.append(GoldItem(**raw))
    return items


def normalise(text: str) -> str:
    """For matching quotes against chunk text from any pipeline: no markup, one space."""
    return re.sub(r"\s+", " ", text.replace("*", "")).strip().lower()


def has_fact(answer: str, fact: str) -> bool:
    """A key fact is present when any of its `a|b` alternatives is."""
    text = normalise(answer)
    return any(normalise(alternative) in text for alternative in fact.split("|"))


def supports(text: str, doc_id: str, item: GoldItem) -> bool:
    """Whether a passage is one the gold item expects to be cited."""
    body = normalise(text)
    return any(s.doc == doc_id and normalise(s.quote) in body for s in item.sources)
