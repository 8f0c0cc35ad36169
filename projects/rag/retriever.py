"""The retrieval pipeline: chunks + vectors -> BM25, exact and IVF dense search, hybrid fusion, MMR.

Every method returns chunk row numbers, best first. Hybrid takes the top
``pool`` of BM25 and of exact dense search and fuses them with RRF; MMR then
(optionally) reorders the fused pool for diversity.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import store
from .bm25 import BM25, tokenize
from .chunking import Chunk, ChunkConfig, chunk_all
from .documents import Document
from .embedder import Embedder, OnnxEmbedder
from .fusion import mmr, rrf
from .vectors import ExactIndex, IVFIndex

log = logging.getLogger("rag")
METHODS = ("bm25", "dense", "ann", "hybrid")


@dataclass
class Retriever:
    """Search over one set of chunks with all four methods."""

    chunks: list[Chunk]
    vectors: np.ndarray
    embedder: Embedder
    manifest: dict
    pool: int = 50
    fused: tuple[str, ...] = ("bm25", "dense")
    """The methods whose top ``pool`` rows hybrid fuses with RRF."""
    mmr_lambda: float = 0.7
    """MMR's relevance weight on the answer path (1 = plain hybrid order)."""
    bm25: BM25 = field(init=False)
    exact: ExactIndex = field(init=False)
    ivf: IVFIndex = field(init=False)

    def __post_init__(self) -> None:
        self.bm25 = BM25([tokenize(c.text) for c in self.chunks])
        self.exact = ExactIndex(self.vectors)
        self.ivf = IVFIndex(self.vectors, seed=0)

    def embed_query(self, question: str) -> np.ndarray:
        return self.embedder.embed([question])[0]

    def search(self, method: str, question: str, k: int, qvec: np.ndarray | None = None) -> list[int]:
        """Top-k chunk rows for ``question`` by ``method`` (one of METHODS)."""
        if method == "bm25":
            scores = self.bm25.scores(tokenize(question))
            order = np.lexsort((np.arange(len(scores)), -scores))
            return [int(i) for i in order[:k] if scores[i] > 0]
        qvec = self.embed_query(question) if qvec is None else qvec
        if method == "dense":
            return [int(i) for i in self.exact.search(qvec, k)[0]]
        if method == "ann":
            return [int(i) for i in self.ivf.search(qvec, k)[0]]
        if method == "hybrid":
            fused = rrf([self.search(m, question, self.pool, qvec) for m in self.fused])
            return [i for i, _ in fused[:k]]
        raise ValueError(f"unknown method {method!r}; choose from {', '.join(METHODS)}")

    def diverse(self, question: str, k: int) -> list[int]:
        """Hybrid pool reordered by MMR: the passages an answer should quote."""
        qvec = self.embed_query(question)
        pool = self.search("hybrid", question, self.pool, qvec)
        return mmr(qvec, pool, self.vectors, k, self.mmr_lambda)


def embed_chunks(chunks: list[Chunk], embedder: Embedder) -> tuple[np.ndarray, float]:
    """Vectors for chunks, and the seconds it took."""
    t0 = time.perf_counter()
    vectors = embedder.embed([c.text for c in chunks])
    return vectors, time.perf_counter() - t0


def build(docs: list[Document], embedder: OnnxEmbedder, cfg: ChunkConfig = ChunkConfig()) -> tuple[Retriever, float]:
    """Chunk and embed ``docs`` from scratch; also returns the seconds spent embedding."""
    chunks = chunk_all(docs, embedder.count_tokens, cfg)
    vectors, seconds = embed_chunks(chunks, embedder)
    log.info("embedded %d chunks in %.1f s", len(chunks), seconds)
    return Retriever(chunks, vectors, embedder, store.make_manifest(embedder.model_id, cfg, chunks, vectors)), seconds


def load_fresh(
    directory: Path, chunks: list[Chunk], embedder: OnnxEmbedder, cfg: ChunkConfig = ChunkConfig()
) -> Retriever | None:
    """The index in ``directory`` if it still describes ``chunks``; None if missing or stale."""
    if not (directory / "manifest.json").exists():
        return None
    manifest, vectors = store.load(directory)
    reason = store.stale_reason(manifest, embedder.model_id, cfg, chunks)
    if reason is not None:
        log.info("index in %s is stale (%s)", directory, reason)
        return None
    return Retriever(chunks, vectors, embedder, manifest)


def open_index(
    directory: Path, docs: list[Document], embedder: OnnxEmbedder, cfg: ChunkConfig = ChunkConfig()
) -> Retriever:
    """Load the index in ``directory`` if it still matches ``docs``; otherwise rebuild and save it."""
    chunks = chunk_all(docs, embedder.count_tokens, cfg)
    fresh = load_fresh(directory, chunks, embedder, cfg)
    if fresh is not None:
        return fresh
    vectors, seconds = embed_chunks(chunks, embedder)
    log.info("embedded %d chunks in %.1f s", len(chunks), seconds)
    manifest = store.make_manifest(embedder.model_id, cfg, chunks, vectors)
    store.save(directory, manifest, vectors)
    return Retriever(chunks, vectors, embedder, manifest)
