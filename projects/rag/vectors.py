"""Hand-written vector indexes over L2-normalised rows: exact (brute force) and IVF.

Both return (row ids, cosine scores) best first. Exact is one matrix-vector
product plus an O(n) ``np.partition`` to find the k-th best score, then a sort of only the k winners.
IVF clusters the rows with spherical k-means (seeded, so rebuilds are identical),
and a query scans only the ``nprobe`` clusters whose centroids are nearest.
"""

from __future__ import annotations

import numpy as np


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k largest scores, best first; ties broken by lower index, also at the k-th place."""
    k = min(k, len(scores))
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    kth = np.partition(scores, len(scores) - k)[len(scores) - k]  # the k-th largest value, O(n)
    above = np.flatnonzero(scores > kth)
    part = np.concatenate([above, np.flatnonzero(scores == kth)[: k - len(above)]])
    return part[np.lexsort((part, -scores[part]))]


class ExactIndex:
    """Brute-force cosine search."""

    def __init__(self, vectors: np.ndarray) -> None:
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        scores = self.vectors @ query
        ids = top_k(scores, k)
        return ids, scores[ids]


def spherical_kmeans(vectors: np.ndarray, n_clusters: int, seed: int, iters: int = 25) -> np.ndarray:
    """Unit-norm centroids by k-means on cosine similarity, k-means++ seeding."""
    rng = np.random.default_rng(seed)
    n = len(vectors)
    centroids = [vectors[rng.integers(n)]]
    for _ in range(1, n_clusters):
        dist = 1.0 - np.max(vectors @ np.array(centroids).T, axis=1)
        dist = np.clip(dist, 0, None)
        probs = dist / dist.sum() if dist.sum() > 0 else np.full(n, 1.0 / n)
        centroids.append(vectors[rng.choice(n, p=probs)])
    c = np.array(centroids, dtype=np.float32)
    for _ in range(iters):
        assign = np.argmax(vectors @ c.T, axis=1)
        new = np.zeros_like(c)
        np.add.at(new, assign, vectors)
        empty = np.linalg.norm(new, axis=1) == 0
        new[empty] = c[empty]  # keep a centroid that lost all its members
        new /= np.linalg.norm(new, axis=1, keepdims=True)
        if np.allclose(new, c):
            break
        c = new
    return c


class IVFIndex:
    """Inverted-file index: rows bucketed by nearest centroid, ``nprobe`` buckets scanned."""

    def __init__(self, vectors: np.ndarray, n_lists: int | None = None, nprobe: int = 3, seed: int = 0) -> None:
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        n_lists = n_lists or max(1, int(round(np.sqrt(len(vectors)))))
        self.centroids = spherical_kmeans(self.vectors, min(n_lists, len(vectors)), seed)
        assign = np.argmax(self.vectors @ self.centroids.T, axis=1)
        self.lists = [np.flatnonzero(assign == c) for c in range(len(self.centroids))]
        self.nprobe = nprobe

    def candidates(self, query: np.ndarray, nprobe: int | None = None) -> np.ndarray:
        """Row ids in the ``nprobe`` buckets whose centroids are nearest the query."""
        probe = top_k(self.centroids @ query, nprobe or self.nprobe)
        return np.concatenate([self.lists[c] for c in probe])

    def search(self, query: np.ndarray, k: int, nprobe: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        rows = self.candidates(query, nprobe)
        best = top_k(self.vectors[rows] @ query, k)
        return rows[best], self.vectors[rows[best]] @ query
