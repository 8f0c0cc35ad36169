"""Persisted index: .npy + manifest, reproducible hashes, stale detection, the committed index."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from projects.rag import checks, store
from projects.rag.chunking import ChunkConfig, chunk_all
from projects.rag.documents import load_documents
from projects.rag.retriever import build, open_index

COMMITTED = Path(__file__).resolve().parents[1] / "index"


def test_rebuilding_the_same_documents_gives_the_same_hash(embedder):
    docs = load_documents()[:4]
    a, _ = build(docs, embedder)
    b, _ = build(docs, embedder)
    assert a.manifest["index_hash"] == b.manifest["index_hash"]
    assert a.manifest["corpus_hash"] == b.manifest["corpus_hash"]
    assert a.manifest["model_id"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert [c["id"] for c in a.manifest["chunks"]] == [c.chunk_id for c in a.chunks]


def test_save_load_round_trip_and_tamper_detection(tmp_path, corpus_retriever):
    store.save(tmp_path, corpus_retriever.manifest, corpus_retriever.vectors)
    manifest, vectors = store.load(tmp_path)
    assert manifest == corpus_retriever.manifest
    assert np.array_equal(vectors, corpus_retriever.vectors)
    vectors = vectors.copy()
    vectors[0, 0] += 1e-3
    np.save(tmp_path / "vectors.npy", vectors)
    with pytest.raises(ValueError, match="does not match"):
        store.load(tmp_path)


def test_edited_document_makes_the_index_stale(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("a", "b"):
        (corpus / f"{name}.md").write_text(f"# Doc {name}\n\n## Steps\nRestart the {name} consumer.\n")
    docs = load_documents(corpus)
    index = tmp_path / "index"
    first = open_index(index, docs, embedder)
    assert (index / "manifest.json").exists()
    (corpus / "b.md").write_text("# Doc b\n\n## Steps\nRotate the key instead.\n")
    docs2 = load_documents(corpus)
    chunks2 = chunk_all(docs2, embedder.count_tokens)
    reason = store.stale_reason(first.manifest, embedder.model_id, ChunkConfig(), chunks2)
    assert reason is not None and "corpus/b#0" in reason
    second = open_index(index, docs2, embedder)  # rebuilds and rewrites
    assert second.manifest["corpus_hash"] != first.manifest["corpus_hash"]
    assert json.loads((index / "manifest.json").read_text())["index_hash"] == second.manifest["index_hash"]


def test_matches_committed_fails_loudly_on_a_different_corpus(tmp_path, corpus_retriever):
    manifest, vectors = store.load(COMMITTED)
    manifest = dict(manifest, corpus_hash="0" * 64)
    store.save(tmp_path, manifest, vectors)
    with pytest.raises(checks.CheckFailed, match="corpus hash"):
        checks.matches_committed(corpus_retriever, tmp_path)
