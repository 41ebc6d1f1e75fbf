"""`Assistant`: the one service the edges (CLI, HTTP API, chat page) call.

It wires settings → embedder → store and catalogue → retriever → answerer once, so the model
and the index load a single time and every edge answers through the same path.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from itertools import zip_longest

from assistant.answering.asking import check_question, split_instruction
from assistant.answering.comparison import compared, side_by_side, side_question
from assistant.answering.conversation import (
    Organisation,
    mentioned,
    organisations_from_names,
    standalone_question,
)
from assistant.answering.factory import make_answerer
from assistant.answering.protocol import Answerer, Draft, Question, stream_lines
from assistant.answering.writing import NO_DOCUMENTS
from assistant.history.timeline import History, question_date
from assistant.history.wording import changes_draft, revision_lines
from assistant.language.analysis import Analyzer, language_of
from assistant.retrieval.ranking import RetrievalOptions
from assistant.retrieval.retriever import Retriever
from assistant.retrieval.snapshot import Snapshot
from assistant.retrieval.vocabulary import Vocabulary
from assistant.settings import Settings
from assistant.storage.consistency import check_at_start, open_catalog
from assistant.storage.embedders import CountingEmbeddings, make_embedder
from assistant.storage.vectors import open_store
from assistant.storage.versions import DocumentRecord
from assistant.types import Answer, Citation, Filters, Labels, Language, Message, Passage

log = logging.getLogger(__name__)


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
    """A document's record (versions) and its paragraphs in force in reading order."""

    record: DocumentRecord
    passages: list[Passage]


class Assistant:
    def __init__(
        self,
        settings: Settings,
        embedder: CountingEmbeddings | None = None,
        answerer: Answerer | None = None,
        retrieval: RetrievalOptions | None = None,
        clock: Callable[[], date] = date.today,
    ) -> None:
        self.settings = settings
        self.catalog = open_catalog(settings, clock)  # first: names an unreachable database
        self.store = open_store(settings, embedder or make_embedder(settings.embedder))
        check_at_start(settings, self.store, self.catalog)
        self.analyzer = Analyzer()
        self.retriever = Retriever(
            self.store, self.catalog, self.analyzer, retrieval, settings.snapshot_dir
        )
        self.history = History(self.catalog)
        self.answerer = answerer or make_answerer(settings, self.analyzer, self.store.embedder)
        self._organisations: dict[tuple[int, Labels | None], list[Organisation]] = {}

    def refresh(self) -> None:
        """Search the catalogue's latest generation from now on, and save its snapshot, so the
        caller's next question and every other worker see an ingest as soon as it returns."""
        self.retriever.snapshots.latest()

    def ask(
        self, messages: list[Message], filters: Filters | None = None, language: Language = "sv"
    ) -> Answer:
        return self.respond(messages, filters, language).answer

    def stream(
        self, messages: list[Message], filters: Filters | None = None, language: Language = "sv"
    ) -> Iterator[str | Answer]:
        """The answer's text in pieces as the answerer writes it, then the whole `Answer`; a
        refused question raises on the first piece, before an edge has started a stream.
        `language` frames a question whose words do not tell its own (the page's, say)."""
        for item in self._answer(messages, filters, language):
            yield item.answer if isinstance(item, Response) else item

    def respond(
        self, messages: list[Message], filters: Filters | None = None, language: Language = "sv"
    ) -> Response:
        *_, response = self._answer(messages, filters, language)
        assert isinstance(response, Response)
        return response

    def _answer(
        self, messages: list[Message], filters: Filters | None, asked_in: Language
    ) -> Iterator[str | Response]:
        instruction, messages = split_instruction(messages, self.settings.max_question_chars)
        # One snapshot spells, weighs, searches and cites, even if an ingest lands meanwhile:
        # the caller's view of it, so that nothing it may not read shapes its answer.
        snapshot = self.retriever.snapshot(filters.labels if filters else None)
        vocabulary = self.retriever.vocabulary(snapshot)
        query, filters, organisations = self._standalone(messages, filters, vocabulary)
        if not snapshot.rows_on(self.catalog.today()).any():
            language = language_of(query, asked_in)
            yield Response(Answer(NO_DOCUMENTS[language], False, [], language), query, [])
            return
        filters = self.retriever.dated(filters)
        sides = compared(query, organisations)  # none when a filter has chosen one organisation
        changes = None
        items: Iterator[str | Draft]
        if len(sides) >= 2:
            draft, passages = self._compare(
                Question(query, vocabulary, asked_in, instruction), sides, messages[:-1], filters
            )
            items = stream_lines(draft)
        else:
            passages = self.retriever.search(query, self.settings.top_k, filters, snapshot)
            changes = self.history.changes_asked(
                query, passages, snapshot, filters.labels, filters.as_of
            )
            if changes is not None:
                language = language_of(query, asked_in)
                draft = changes_draft(changes, self.history, snapshot, language)
                items = stream_lines(draft)
            else:
                context = passages + self.retriever.siblings(passages, snapshot)
                question = Question(query, vocabulary, asked_in, instruction)
                items = self.answerer.answer(question, messages[:-1], context)
        today, labels = self.catalog.today(), filters.labels
        for item in items:
            if isinstance(item, Draft):
                if changes is None:
                    yield from revision_lines(item, self.history, snapshot, today, labels)
                citations = [
                    cited(self.history, p, snapshot, labels, today) for p in item.citations
                ]
                answer = item.answer_with(citations)
                yield Response(answer, query, passages, item.coverage, item.dense)
            else:
                yield item

    def _compare(
        self,
        question: Question,
        sides: list[Organisation],
        history: list[Message],
        filters: Filters,
    ) -> tuple[Draft, list[Passage]]:
        """Each organisation's side answered from its own documents, then put side by side."""
        drafts, found = [], []
        vocabulary = question.vocabulary
        snapshot = vocabulary.snapshot
        for side in sides:
            text = side_question(question.text, side, [o for o in sides if o is not side])
            within = replace(filters, organisation=side.name, named_organisation=None)
            passages = self.retriever.search(text, self.settings.top_k, within, snapshot)
            context = passages + self.retriever.siblings(passages, snapshot)
            asked = replace(question, text=text)
            *_, draft = self.answerer.answer(asked, history, context)
            assert isinstance(draft, Draft)
            drafts.append((side, draft))
            found.append(passages)
        ranked = [p for group in zip_longest(*found) for p in group if p is not None]
        return side_by_side(drafts, language_of(question.text, question.language)), ranked

    def _standalone(
        self, messages: list[Message], filters: Filters | None, vocabulary: Vocabulary
    ) -> tuple[str, Filters | None, list[Organisation]]:
        """The question retrieval uses, the filters with the organisation it names, and the
        organisations it may be about (the caller's, or the one a filter chose)."""
        questions = [m.content for m in messages if m.role == "user"]
        check_question(questions, self.settings.max_question_chars)
        organisations = self.organisations(filters.labels if filters else None)
        if filters is not None and filters.organisation:
            # The organisation chosen in a filter outranks the one the conversation was about.
            organisations = [o for o in organisations if o.name == filters.organisation]
        query = vocabulary.spelled(standalone_question(questions, organisations))
        named = mentioned(query, organisations)
        if named:
            filters = replace(filters or Filters(), named_organisation=named[0].name)
        asked_day = question_date(query)
        if asked_day is not None and (filters is None or filters.as_of is None):
            filters = replace(filters or Filters(), as_of=asked_day)
        return query, filters, organisations

    def search(self, query: str, k: int = 5, filters: Filters | None = None) -> list[Citation]:
        snapshot = self.retriever.snapshot(filters.labels if filters else None)
        found = self.retriever.search(query, k, filters, snapshot)
        labels = filters.labels if filters else None
        return [cited(self.history, p, snapshot, labels, self.catalog.today()) for p in found]

    def documents(
        self, include_withdrawn: bool = False, labels: Labels | None = None
    ) -> list[DocumentRecord]:
        """The documents a caller with `labels` may read a version of (`None`: every
        document), each with only those versions (`DocumentRecord.seen_by`)."""
        return self.history.records(labels, include_withdrawn)

    def document(
        self, doc_id: str, labels: Labels | None = None, day: date | None = None
    ) -> DocumentView | None:
        """A document's versions a caller with `labels` may read, and the paragraphs of the
        version in force on `day` (today) if it may read that one; None when it may read none,
        so a restricted document looks like a missing one."""
        record = self.history.record(doc_id, labels)
        if record is None:
            return None
        version = record.version_on(day or self.catalog.today())
        passages = self.retriever.version_passages(doc_id, version.version) if version else []
        return DocumentView(record, passages)

    def info(self, labels: Labels | None = None) -> IndexInfo:
        live = [d.live for d in self.documents(labels=labels) if d.live is not None]
        readable = {v.doc_id for v in live}
        digest = hashlib.sha256(
            "\n".join(sorted(f"{v.doc_id}:{v.content_hash}" for v in live)).encode()
        ).hexdigest()
        snapshot = self.retriever.snapshot()
        in_force = snapshot.doc_id_of_row[snapshot.rows_on(self.catalog.today())]
        return IndexInfo(
            embedder=self.store.embedder.name,
            documents=len(live),
            chunks=sum(1 for d in in_force if d in readable),
            corpus_version=digest[:12],
            last_ingested=max((v.ingested_at for v in live), default=None),
        )

    def warm_up(self) -> None:
        """Build the search snapshot and run one question, so the first real one is fast."""
        self.retriever.snapshot()
        answerer, self.answerer = self.answerer, getattr(self.answerer, "extractive", self.answerer)
        self.ask([Message("user", "Vem antar policyn?")])  # quoted: no language model is asked
        self.answerer = answerer

    def organisations(self, labels: Labels | None = None) -> list[Organisation]:
        """The readable documents' organisations, each known by its own words, as of the held
        snapshot (which a question has just taken: no second catalogue read)."""
        key = (self.retriever.snapshots.generation or self.catalog.generation(), labels)
        if key not in self._organisations:
            live = [d.live for d in self.documents(labels=labels) if d.live]
            names = sorted({v.organisation for v in live if v.organisation})
            if any(generation != key[0] for generation, _ in self._organisations):
                self._organisations.clear()  # the catalogue changed
            self._organisations[key] = organisations_from_names(names)
        return self._organisations[key]


def cited(
    history: History, passage: Passage, snapshot: Snapshot, labels: Labels | None, today: date
) -> Citation:
    """A passage with its version's label and today's status (an `as_of` answer may cite a
    superseded version, and says so)."""
    record = history.record(passage.doc_id, labels, snapshot)
    version = record.version(passage.version) if record else None
    if record is None or version is None:
        return Citation.of(passage, f"v{passage.version}", "withdrawn")
    return Citation.of(passage, version.label, record.status(version, today))
