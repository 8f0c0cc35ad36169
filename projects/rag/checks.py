"""Invariants the proof run verifies; any failure makes the run exit non-zero.

Each check returns a short measured value for the report and raises
``CheckFailed`` when the claim it guards does not hold.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np

from . import store
from .bm25 import tokenize
from .embedder import MAX_TOKENS
from .fusion import rrf
from .retriever import Retriever


class CheckFailed(AssertionError):
    """A claim the module makes about itself turned out false."""


def require(ok: bool, message: str) -> None:
    if not ok:
        raise CheckFailed(message)


def unit_vectors(r: Retriever) -> float:
    """Every row is L2-normalised (mean pooling + normalisation really ran)."""
    worst = float(np.max(np.abs(np.linalg.norm(r.vectors, axis=1) - 1.0)))
    require(worst < 1e-4, f"a vector's norm is off by {worst}")
    return worst


def chunk_window(r: Retriever, count: Callable[[str], int]) -> int:
    """No chunk exceeds the model window, so nothing was silently truncated."""
    longest = max(count(c.text) for c in r.chunks)
    require(longest <= MAX_TOKENS, f"a chunk has {longest} tokens > {MAX_TOKENS}")
    return longest


def exact_is_exact(r: Retriever, qvecs: np.ndarray, k: int = 10) -> int:
    """The partial-sort top-k equals a full sort of all scores."""
    for v in qvecs:
        scores = r.vectors @ v
        full = np.lexsort((np.arange(len(scores)), -scores))[:k]
        got = r.exact.search(v, k)[0]
        require(np.array_equal(got, full), "exact top-k disagrees with a full sort")
    return len(qvecs)


def ivf_full_probe(r: Retriever, qvecs: np.ndarray, k: int = 10) -> int:
    """Probing every IVF list must return exactly the exact result set."""
    for v in qvecs:
        a = set(r.ivf.search(v, k, nprobe=len(r.ivf.lists))[0].tolist())
        b = set(r.exact.search(v, k)[0].tolist())
        require(a == b, "IVF with every list probed differs from exact search")
    return len(qvecs)


def bm25_matches_reference(r: Retriever, questions: list[str]) -> int:
    """Our BM25 ranks every question's chunks exactly as rank_bm25.BM25Okapi does."""
    from rank_bm25 import BM25Okapi

    ref = BM25Okapi([tokenize(c.text) for c in r.chunks])
    for q in questions:
        terms = tokenize(q)
        ours, theirs = r.bm25.scores(terms), ref.get_scores(terms)
        require(np.allclose(ours, theirs, rtol=1e-12, atol=1e-12), f"BM25 scores differ for {q!r}")
        idx = np.arange(len(ours))
        require(
            np.array_equal(np.lexsort((idx, -ours)), np.lexsort((idx, -theirs))), f"BM25 ranking differs for {q!r}"
        )
    return len(questions)


def hybrid_is_fusion(r: Retriever, question: str, qvec: np.ndarray) -> None:
    """Hybrid results are exactly the RRF of the BM25 and dense lists."""
    lists = [r.search("bm25", question, r.pool), r.search("dense", question, r.pool, qvec)]
    expected = [i for i, _ in rrf(lists)[:10]]
    require(r.search("hybrid", question, 10, qvec) == expected, "hybrid is not the RRF of its inputs")


def matches_committed(r: Retriever, directory: Path) -> dict:
    """A fresh build reproduces the committed index: same corpus hash, vectors within 1e-4."""
    manifest, vectors = store.load(directory)
    require(manifest["corpus_hash"] == r.manifest["corpus_hash"],
            f"corpus hash {r.manifest['corpus_hash'][:12]} != committed {manifest['corpus_hash'][:12]}; "
            "run `python -m projects.rag index --corpus-only` and commit projects/rag/index/")
    diff = float(np.max(np.abs(vectors - r.vectors)))
    require(diff < 1e-4, f"rebuilt vectors differ from the committed ones by {diff}")
    return {
        "corpus_hash": r.manifest["corpus_hash"][:16],
        "index_hash": r.manifest["index_hash"][:16],
        "index_hash_equal": manifest["index_hash"] == r.manifest["index_hash"],
        "max_abs_diff": diff,
    }
