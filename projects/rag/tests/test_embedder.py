"""The int8 ONNX model really is all-MiniLM-L6-v2, and pooling/normalisation are right."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from projects.rag.embedder import MAX_TOKENS, mean_pool

FIXTURE = Path(__file__).parent / "fixtures" / "minilm_fp32_reference.json"

# Published in the sentence-transformers README / quickstart for all-MiniLM-L6-v2:
# model.similarity(embeddings, embeddings) for these three sentences.
PUBLISHED = (
    ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."],
    np.array([[1.0000, 0.6660, 0.1046], [0.6660, 1.0000, 0.1411], [0.1046, 0.1411, 1.0000]]),
)


def test_reproduces_published_similarity_matrix(embedder):
    sentences, expected = PUBLISHED
    vecs = embedder.embed(sentences)
    # int8 weights move similarities by ~0.003 against the fp32 model's published values
    assert np.abs(vecs @ vecs.T - expected).max() < 0.005


def test_matches_fp32_reference_vectors(embedder):
    ref = json.loads(FIXTURE.read_text())
    expected = np.array(ref["vectors"], dtype=np.float32)
    got = embedder.embed(ref["sentences"])
    assert got.shape == expected.shape == (len(ref["sentences"]), 384)
    cos = (got * expected).sum(axis=1)
    assert cos.min() > 0.999, cos
    # a different model (or no pooling) would not even be close
    assert np.abs(got - expected).max() < 0.01


def test_vectors_are_unit_length_and_independent_of_batching(embedder):
    short, long = "rotate the key", "rotate the IAM access key without downtime " * 10
    alone = embedder.embed([short])[0]
    batched = embedder.embed([long, short, long])
    assert np.allclose(np.linalg.norm(batched, axis=1), 1.0, atol=1e-5)
    # padding the short text to the long one's width must not change its vector
    assert np.abs(batched[1] - alone).max() < 1e-5
    assert np.abs(batched[0] - batched[2]).max() == 0.0


def test_truncates_at_the_model_window(embedder):
    text = "idempotency " * 400
    assert embedder.count_tokens(text) > MAX_TOKENS
    assert len(embedder.tokenizer.encode(text).ids) == MAX_TOKENS
    assert embedder.embed([text]).shape == (1, 384)


def test_mean_pool_ignores_masked_positions():
    hidden = np.array([[[1.0, 0.0], [3.0, 0.0], [100.0, 100.0]]], dtype=np.float32)
    mask = np.array([[1, 1, 0]])
    assert np.allclose(mean_pool(hidden, mask), [[1.0, 0.0]])
