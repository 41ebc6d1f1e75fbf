"""`Assistant`: the one service the edges (CLI, HTTP API, chat page) call.

It wires settings → embedder → store and catalogue → retriever → answerer once, so the model
and the index load a single time and every edge answers through the same path.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from assistant.analysis import Analyzer
from assistant.answering import Answerer, ExtractiveAnswerer, Message, Question
from assistant.catalog import Catalog, DocumentRecord
from assistant.conversation import (
    Organisation,
    mentioned,
    organisations_from_names,
    standalone_question,
)
from assistant.embedders import CountingEmbeddings, make_embedder
from assistant.retrieval import Filters, Passage, RetrievalOptions, Retriever
from assistant.settings import Settings
from assistant.store import open_store

log = logging.getLogger(__name__)


class InvalidQuestionError(ValueError):
    """The request cannot be answered as asked (no question, or one that is too long)."""


@dataclass
class Citation:
    """A cited paragraph: verbatim source text with its document, section and version."""

    id: str
    document: str
    title: str
    organisation: str | None
    section: str
    version: str
    text: str
    score: float

    @property
    def source(self) -> str:
        """ "Internationell policy, Landstinget Dalarna": how the edges name the document."""
        return ", ".join(filter(None, [self.title, self.organisation]))

    @property
    def reference(self) -> str:
        """The one-line reference the edges list under an answer."""
        return f"{self.source} › {self.section} ({self.version})"


@dataclass
class Answer:
    text: str
    answered: bool
    citations: list[Citation] = field(default_factory=list)


@dataclass
class Response:
    """An answer with what led to it, for evaluation and debugging."""

    answer: Answer
    query: str  # the standalone question retrieval used
    passages: list[Passage]  # the top passages, before list sections were completed
    coverage: float | None = None  # how much of the question the quotes cover
    dense: float | None = None  # the best passage's cosine similarity to the question


@dataclass
class IndexInfo:
    embedder: str
    documents: int
    chunks: int
    corpus_version: str  # changes whenever a document is added, replaced or removed
    last_ingested: str | None


@dataclass
class DocumentView:
    """A document's record (versions) and its live version's paragraphs in reading order."""

    record: DocumentRecord
    passages: list[Passage]


STREAM_PIECE = re.compile(r"\S+\s*|\s+")


class Assistant:
    def __init__(
        self,
        settings: Settings,
        embedder: CountingEmbeddings | None = None,
        answerer: Answerer | None = None,
        retrieval: RetrievalOptions | None = None,
    ) -> None:
        self.settings = settings
        self.store = open_store(settings, embedder or make_embedder(settings.embedder))
        self.catalog = Catalog(settings.catalog_db)
        self.analyzer = Analyzer()
        self.retriever = Retriever(self.store, self.catalog, self.analyzer, retrieval)
        self.answerer = answerer or ExtractiveAnswerer(self.analyzer)
        self._organisations: tuple[int, list[Organisation]] = (-1, [])

    def ask(self, messages: list[Message], filters: Filters | None = None) -> Answer:
        return self.respond(messages, filters).answer

    def stream(
        self, messages: list[Message], filters: Filters | None = None
    ) -> Iterator[str | Answer]:
        """The answer's text in word-sized pieces, then the whole `Answer` (with citations).

        The extractive answerer composes its answer at once; pieces let every edge stream the
        same way an answerer built on a language model will.
        """
        answer = self.ask(messages, filters)
        pieces = STREAM_PIECE.findall(answer.text)
        for start in range(0, len(pieces), 3):
            yield "".join(pieces[start : start + 3])
        yield answer

    def respond(self, messages: list[Message], filters: Filters | None = None) -> Response:
        questions = [m.content for m in messages if m.role == "user"]
        if not questions or not questions[-1].strip():
            raise InvalidQuestionError("The conversation has no question from the user.")
        if len(questions[-1]) > self.settings.max_question_chars:
            raise InvalidQuestionError(
                f"The question is {len(questions[-1])} characters long; the limit is "
                f"{self.settings.max_question_chars}."
            )
        organisations = self.organisations()
        if filters is not None and filters.organisation:
            # The organisation chosen in a filter outranks the one the conversation was about.
            organisations = [o for o in organisations if o.name == filters.organisation]
        query = standalone_question(questions, organisations)
        named = mentioned(query, organisations)
        if named:
            filters = replace(filters or Filters(), named_organisation=named[0].name)
        passages = self.retriever.search(query, k=self.settings.top_k, filters=filters)
        context = passages + self.retriever.siblings(passages)
        question = Question(query, self.retriever.term_weight, self.retriever.known_word)
        draft = self.answerer.answer(question, messages[:-1], context)
        citations = [self._citation(p) for p in draft.citations]
        answer = Answer(draft.text, draft.answered, citations)
        return Response(answer, query, passages, draft.coverage, draft.dense)

    def search(self, query: str, k: int = 5, filters: Filters | None = None) -> list[Citation]:
        return [self._citation(p) for p in self.retriever.search(query, k=k, filters=filters)]

    def documents(self, include_deleted: bool = False) -> list[DocumentRecord]:
        return self.catalog.documents(include_deleted=include_deleted)

    def document(self, doc_id: str) -> DocumentView | None:
        record = next((d for d in self.catalog.documents(True) if d.doc_id == doc_id), None)
        if record is None:
            return None
        return DocumentView(record, self.retriever.document_passages(doc_id))

    def info(self) -> IndexInfo:
        live = [d.live for d in self.catalog.documents() if d.live is not None]
        digest = hashlib.sha256(
            "\n".join(sorted(f"{v.doc_id}:{v.content_hash}" for v in live)).encode()
        ).hexdigest()
        return IndexInfo(
            embedder=self.store.embedder.name,
            documents=len(live),
            chunks=len(self.retriever.snapshot().ids),
            corpus_version=digest[:12],
            last_ingested=max((v.ingested_at for v in live), default=None),
        )

    def warm_up(self) -> None:
        """Build the search snapshot and run one question, so the first real one is fast."""
        self.retriever.snapshot()
        self.ask([Message("user", "Vem antar policyn?")])

    def organisations(self) -> list[Organisation]:
        generation = self.catalog.generation()
        if self._organisations[0] != generation:
            names = sorted(
                {
                    d.live.organisation
                    for d in self.catalog.documents()
                    if d.live and d.live.organisation
                }
            )
            self._organisations = (generation, organisations_from_names(names))
        return self._organisations[1]

    def _citation(self, passage: Passage) -> Citation:
        live = self.catalog.live(passage.doc_id)
        version = live.label if live is not None else "withdrawn"
        return Citation(
            id=passage.chunk_id,
            document=passage.doc_id,
            title=passage.title,
            organisation=passage.organisation,
            section=passage.section,
            version=version,
            text=passage.text,
            score=round(passage.score, 4),
        )
