"""The LangChain tutorial pipeline, as the baseline every figure is compared with.

RecursiveCharacterTextSplitter (1000 characters, 200 overlap) over each file's raw text, the
same embedder, Chroma, dense top-4: what a team gets by following the RAG tutorial. Its
top-4 is computed exactly over the stored vectors, as ours is, so the comparison is between
the two pipelines and not between two HNSW graphs. The index is kept beside the evaluation
index and brought up to date file by file (a manifest of content hashes), so a changed policy
does not cost re-embedding 300 statutes.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma
from langchain_core.documents import Document
from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.storage.embedders import CountingEmbeddings
from ingest.loaders import load_file

TOP_K = 4


class TutorialPipeline:
    def __init__(self, directory: Path, embedder: CountingEmbeddings, files: list[Path]) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        client = chromadb.PersistentClient(
            path=str(directory), settings=ChromaSettings(anonymized_telemetry=False)
        )
        self.vectors = Chroma(
            client=client,
            collection_name="tutorial",
            embedding_function=embedder,
            collection_configuration={"hnsw": {"space": "cosine"}},
        )
        self._update(directory / f"manifest-{_slug(embedder.name)}.json", files)
        stored = self.vectors._collection.get(include=["documents", "metadatas", "embeddings"])
        self._documents = [
            Document(page_content=text, metadata=meta)
            for text, meta in zip(stored["documents"], stored["metadatas"], strict=True)
        ]
        self._matrix = np.asarray(stored["embeddings"], dtype=np.float32)
        self._embedder = embedder

    def search(self, question: str) -> list[Document]:
        query = np.asarray(self._embedder.embed_query(question), dtype=np.float32)
        best = np.argsort(-(self._matrix @ query))[:TOP_K]
        return [self._documents[i] for i in best]

    def _update(self, manifest_path: Path, files: list[Path]) -> None:
        manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
        wanted = {load_file(path).doc_id: (path, _digest(path)) for path in files}
        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
        for doc_id in set(manifest) - set(wanted):
            self.vectors._collection.delete(where={"doc_id": doc_id})
            del manifest[doc_id]
        for doc_id, (path, digest) in wanted.items():
            if manifest.get(doc_id) == digest:
                continue
            self.vectors._collection.delete(where={"doc_id": doc_id})
            text = path.read_text(encoding="utf-8")
            self.vectors.add_documents(
                splitter.split_documents([Document(page_content=text, metadata={"doc_id": doc_id})])
            )
            manifest[doc_id] = digest
            manifest_path.write_text(json.dumps(manifest))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name)
