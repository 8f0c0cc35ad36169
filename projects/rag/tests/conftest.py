"""Shared fixtures: one embedder and one corpus index per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from projects.rag import store
from projects.rag.chunking import ChunkConfig, chunk_all
from projects.rag.documents import load_documents
from projects.rag.embedder import OnnxEmbedder
from projects.rag.retriever import Retriever, build

COMMITTED = Path(__file__).resolve().parents[1] / "index"


@pytest.fixture(scope="session")
def embedder() -> OnnxEmbedder:
    return OnnxEmbedder()


@pytest.fixture(scope="session")
def corpus_retriever(embedder: OnnxEmbedder) -> Retriever:
    """The committed corpus index when it matches the corpus (the proof-run test checks that a
    fresh build reproduces it); otherwise a fresh in-memory build, so the other tests still run."""
    docs = load_documents()
    chunks = chunk_all(docs, embedder.count_tokens)
    manifest, vectors = store.load(COMMITTED)
    if store.stale_reason(manifest, embedder.model_id, ChunkConfig(), chunks) is None:
        return Retriever(chunks, vectors, embedder, manifest)
    return build(docs, embedder)[0]
