"""The LangChain tutorial pipeline, as the baseline every figure is compared with.

RecursiveCharacterTextSplitter (1000 characters, 200 overlap) over each file's raw text, the
same embedder, Chroma, dense top-4: what a team gets by following the RAG tutorial. Its
top-4 is computed exactly over the stored vectors, as ours is, so the comparison is between
the two pipelines and not between two HNSW graphs.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma
from langchain_core.documents import Document
from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.embedders import CountingEmbeddings
from ingest.loaders import load_file

TOP_K = 4


class TutorialPipeline:
    def __init__(self, directory: Path, embedder: CountingEmbeddings, files: list[Path]) -> None:
        fingerprint = hashlib.sha256(
            json.dumps([embedder.name, *[_digest(f) for f in files]]).encode()
        ).hexdigest()
        marker = directory / "fingerprint"
        fresh = not (marker.exists() and marker.read_text() == fingerprint)
        if fresh and directory.exists():
            shutil.rmtree(directory)
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
        if fresh:
            splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
            for path in files:
                doc_id = load_file(path).doc_id
                text = path.read_text(encoding="utf-8")
                chunks = splitter.split_documents(
                    [Document(page_content=text, metadata={"doc_id": doc_id})]
                )
                self.vectors.add_documents(chunks)
            marker.write_text(fingerprint)

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


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
