"""The plain types every layer shares: a conversation, a search's filters, what it finds, and
the answer the edges show. Dataclasses only; nothing here imports the rest of the product.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Language = Literal["sv", "en"]
Labels = frozenset[str]  # access labels; a document with none is for everyone
GenerationOutcome = Literal["written", "partly_written", "quoted"]


def may_read(document_labels: Labels, caller_labels: Labels | None) -> bool:
    """A caller may read a document that has no labels or shares one of them with it.

    `None` is a caller without restriction: the admin key, or a maintainer at the server.
    """
    return caller_labels is None or not document_labels or bool(document_labels & caller_labels)


def parse_labels(text: str | None) -> Labels:
    """ "hr, ledning" (front matter, chunk metadata) → {"hr", "ledning"}."""
    return frozenset(part.strip().lower() for part in (text or "").split(",") if part.strip())


@dataclass
class Message:
    # "user" or "assistant"; "system": the caller's instruction to a site's language model
    # (see `Answerer.follows_instructions`), never a turn of the conversation
    role: str
    content: str


@dataclass(frozen=True)
class Filters:
    """Which documents a search may return."""

    organisation: str | None = None  # only this organisation's documents
    doc_id: str | None = None  # only this document
    # The organisation the question names: other organisations' documents are left out,
    # documents that belong to no organisation (laws, say) stay in.
    named_organisation: str | None = None
    # The access labels the caller holds: only documents it may read are searched at all.
    labels: Labels | None = None
    # The day whose versions are searched: each document's version in force then (None: today).
    as_of: date | None = None


@dataclass
class Passage:
    """A retrieved chunk of one document version; `text` is verbatim source text."""

    chunk_id: str
    doc_id: str
    title: str
    section: str
    text: str
    position: int
    version_hash: str
    organisation: str | None = None
    effective_date: str | None = None
    page: int | None = None
    is_list: bool = False
    version: int = 0
    score: float = 0.0
    dense_similarity: float | None = None  # cosine to the question (None: a list sibling)


@dataclass
class Citation:
    """A cited paragraph: verbatim source text with its document, section and version."""

    id: str
    document: str
    title: str
    organisation: str | None
    section: str
    version: str  # "v2, 2025-07-01": the version's number and effective date
    text: str
    score: float
    effective_date: str | None = None
    status: str = "in_force"  # in_force, superseded, upcoming or withdrawn, as of today
    version_number: int = 0  # the version's number (1, 2, …)
    position: int = 0  # the paragraph's place in that version

    @classmethod
    def of(cls, passage: Passage, version: str, status: str = "in_force") -> Citation:
        """The one place a passage becomes what the edges show."""
        return cls(
            id=passage.chunk_id,
            document=passage.doc_id,
            title=passage.title,
            organisation=passage.organisation,
            section=passage.section,
            version=version,
            text=passage.text,
            score=round(passage.score, 4),
            effective_date=passage.effective_date,
            status=status,
            version_number=passage.version,
            position=passage.position,
        )

    @property
    def source(self) -> str:
        """ "Internationell policy, Landstinget Dalarna": how the edges name the document."""
        return ", ".join(filter(None, [self.title, self.organisation]))

    @property
    def reference(self) -> str:
        """The one-line reference the edges list under an answer."""
        status = "" if self.status == "in_force" else f", {self.status.replace('_', ' ')}"
        return f"{self.source} › {self.section} ({self.version}{status})"


SOURCES_HEADINGS: dict[tuple[Language, bool], str] = {
    ("sv", True): "Källor",
    ("sv", False): "Se även",
    ("en", True): "Sources",
    ("en", False): "See also",
}


@dataclass
class Generation:
    """What a site's language model wrote for one answer, and what of it was shown."""

    shown: list[str] = field(default_factory=list)  # generated sentences that passed the guard
    removed: int = 0  # generated sentences the guard held back
    fell_back: bool = False  # the quoted answer was given instead
    reason: str | None = None  # why it fell back

    @property
    def outcome(self) -> GenerationOutcome:
        """What staff were given: the model's checked sentences, those and then the quoted
        answer, or the quoted answer alone."""
        if not self.shown:
            return "quoted"
        return "partly_written" if self.fell_back else "written"


# The line an edge shows with an answer a site's language model took part in, so that staff
# know which words are the model's (each checked) and which are quoted.
GENERATION_NOTES: dict[tuple[Language, GenerationOutcome], str] = {
    ("sv", "written"): "Formulerat av språkmodellen och kontrollerat mot källorna.",
    ("sv", "partly_written"): "Början är formulerad av språkmodellen och kontrollerad mot "
    "källorna; sedan följer det citerade svaret.",
    ("sv", "quoted"): "Svaret citerar källorna (språkmodellens formulering användes inte).",
    ("en", "written"): "Written by the language model and checked against the sources.",
    ("en", "partly_written"): "The beginning was written by the language model and checked "
    "against the sources; the quoted answer follows.",
    ("en", "quoted"): "The answer quotes the sources (the language model's wording was not used).",
}


@dataclass(frozen=True)
class ComparedVersions:
    """The two versions of a document a "what changed" answer compares: where the edges show
    every change between them (the answer quotes only the first few)."""

    document: str
    old: int  # the earlier version's number
    new: int  # the later version's number
    old_date: str  # their effective dates (YYYY-MM-DD)
    new_date: str
    changes: int  # paragraphs changed, added and removed between them


@dataclass
class Answer:
    text: str
    answered: bool
    citations: list[Citation] = field(default_factory=list)
    language: Language = "sv"  # the question's language, which the answer's frame follows
    closest: bool = False  # the nearest passage under a caveat, not an outright answer
    generation: Generation | None = None  # None: no language model is configured
    compared: ComparedVersions | None = None  # an answer to "what changed": the versions

    @property
    def sources_heading(self) -> str:
        """What the citations are listed under: sources of an answer, or nearest passages."""
        return SOURCES_HEADINGS[(self.language, self.answered)]

    def generation_note(self, language: Language | None = None) -> str | None:
        """Who wrote the answer, in `language` (the answer's own by default): None when no
        language model took part (none is configured, or the answer declines)."""
        if self.generation is None:
            return None
        return GENERATION_NOTES[(language or self.language, self.generation.outcome)]

    def sources_list(self) -> str:
        """The numbered references under the answer, for clients that show only text."""
        if not self.citations:
            return ""
        lines = [f"[{n}] {c.reference}" for n, c in enumerate(self.citations, start=1)]
        return f"\n\n{self.sources_heading}:\n" + "\n".join(lines)
