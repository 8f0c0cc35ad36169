"""Shared fixtures: one embedder and one corpus index per test session (building takes seconds)."""

from __future__ import annotations

import pytest

from projects.rag.documents import load_documents
from projects.rag.embedder import OnnxEmbedder
from projects.rag.retriever import Retriever, build


@pytest.fixture(scope="session")
def embedder() -> OnnxEmbedder:
    return OnnxEmbedder()


@pytest.fixture(scope="session")
def corpus_retriever(embedder: OnnxEmbedder) -> Retriever:
    retriever, _ = build(load_documents(), embedder)
    return retriever
