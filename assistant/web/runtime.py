"""The server's long-lived parts, loaded once at start-up and shared by the API and the page.

Loading (the embedding model, the index snapshot, a warm-up question) takes seconds, so it runs
in a background thread: the server answers `/healthz` with "loading" meanwhile, and an
orchestrator sends traffic only once it says "ready". Requests never load anything again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from assistant.service import Assistant
from assistant.settings import Settings
from assistant.storage.audit import AuditLog
from assistant.storage.consistency import DataDirError, check_consistency
from assistant.storage.conversations import ConversationStore
from assistant.storage.embedders import MissingExtraError, ingest_threads
from assistant.storage.feedback import FeedbackStore
from assistant.storage.sessions import Lifetimes, SessionStore
from assistant.storage.signin_tokens import SignInTokens
from assistant.storage.vectors import IndexMismatchError
from assistant.web.access import AccessMap
from ingest.indexing import Indexer, lock_wait

log = logging.getLogger(__name__)


# What a site can get wrong with its data directory: each message says how to repair it.
KNOWN_PROBLEMS = (DataDirError, IndexMismatchError, MissingExtraError)


class NotReadyError(RuntimeError):
    """The model and index are still loading (or failed to load)."""


class Runtime:
    def __init__(self, settings: Settings, assistant: Assistant | None = None) -> None:
        """With a built `assistant` (tests, embedding in another app) it is ready at once."""
        self.settings = settings
        self.feedback = FeedbackStore(settings.feedback_url)
        self.conversations = ConversationStore(
            settings.database("conversations"), settings.conversation_days
        )
        self.access = AccessMap.from_settings(settings)
        self.audit = AuditLog(settings.audit_url)
        self.sessions = SessionStore(
            settings.sessions_url,
            Lifetimes(
                settings.session_idle_minutes * 60,
                settings.session_hours * 3600,
                settings.failed_keys_allowed,
            ),
        )
        self.signin_tokens = SignInTokens(settings.sessions_url)
        # One API ingest or delete at a time in this process; the catalogue's per-document
        # lock keeps other processes and hosts off the document being written.
        self.ingest_lock = threading.Lock()
        self._assistant: Assistant | None = None
        self._indexer: Indexer | None = None
        self._error: str | None = None
        self._ready = threading.Event()
        self.load_seconds: float | None = None
        if assistant is not None:
            self._use(assistant)

    def _use(self, assistant: Assistant) -> None:
        # Questions take the model before an ingest's next passages (see CountingEmbeddings);
        # an ingest's threads leave a core to them, so neither slows the other's every step.
        assistant.store.embedder.passage_threads = ingest_threads(self.settings.ingest_threads)
        self._indexer = Indexer.from_settings(assistant.store, assistant.catalog, self.settings)
        self._assistant = assistant
        self._ready.set()

    def start_loading(self) -> threading.Thread | None:
        if self._ready.is_set():
            return None
        thread = threading.Thread(target=self.load, name="load-model-and-index", daemon=True)
        thread.start()
        return thread

    def load(self) -> None:
        started = time.perf_counter()
        try:
            assistant = Assistant(self.settings)
            assistant.warm_up()
        except Exception as error:  # reported by /healthz; the server stays up to say so
            self._error = f"{type(error).__name__}: {error}"
            if isinstance(error, KNOWN_PROBLEMS):
                log.error("the index cannot be opened: %s", error)  # the message says it all
            else:
                log.exception("loading the model and index failed")
            return
        self.load_seconds = time.perf_counter() - started
        self._use(assistant)
        log.info("model and index loaded in %.1f s", self.load_seconds)

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    @property
    def status(self) -> str:
        if self.ready:
            return "ready"
        return "failed" if self._error else "loading"

    @property
    def error(self) -> str | None:
        return self._error

    def wait(self, timeout: float | None = None) -> bool:
        return self._ready.wait(timeout)

    @property
    def assistant(self) -> Assistant:
        if self._assistant is None:
            raise NotReadyError(self._error or "The model and index are still loading.")
        return self._assistant

    @property
    def indexer(self) -> Indexer:
        if self._indexer is None:
            raise NotReadyError(self._error or "The model and index are still loading.")
        return self._indexer

    @contextmanager
    def writing(self) -> Iterator[Indexer]:
        """An upload's or delete's turn: one in this process (`ingest_lock`), and on an
        embedded store the only writer of any process (`Catalog.store_writer`), through a
        client opened under that lock. A command-line ingest holds it for its whole run: past
        the per-document wait, `LockTimeoutError`. A store that no longer holds what the
        catalogue lists (`check_consistency`, as before a command-line ingest): `DataDirError`,
        before anything is written."""
        indexer, store = self.indexer, self.assistant.store
        wait = lock_wait(indexer.limits)
        with self.ingest_lock, self.assistant.catalog.store_writer(store.embedded, wait):
            store.refresh()
            check_consistency(self.settings, store, self.assistant.catalog)
            yield indexer
