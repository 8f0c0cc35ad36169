"""Combining and diversifying rankings: reciprocal rank fusion and maximal marginal relevance."""

from __future__ import annotations

from collections import defaultdict
from typing import Sequence

import numpy as np

RRF_K = 60
"""Cormack, Clarke & Buettcher (SIGIR 2009) found k=60 robust; it damps the top ranks' weight."""


def rrf(rankings: Sequence[Sequence[int]], k: int = RRF_K) -> list[tuple[int, float]]:
    """Fuse rankings of item ids: score(d) = sum over lists of 1 / (k + rank), rank from 1.

    Ties are broken by the smaller id so the result is deterministic.
    """
    scores: dict[int, float] = defaultdict(float)
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] += 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


def mmr(
    query: np.ndarray, candidates: Sequence[int], vectors: np.ndarray, k: int, lam: float = 0.7
) -> list[int]:
    """Pick k of ``candidates`` greedily by lam*sim(query, d) - (1-lam)*max sim(d, already picked).

    lam=1 is plain relevance order; lower values trade relevance for covering
    different passages (Carbonell & Goldstein, SIGIR 1998).
    """
    pool = list(candidates)
    if not pool:
        return []
    cand = vectors[pool]
    relevance = cand @ query
    pairwise = cand @ cand.T
    picked: list[int] = []
    redundancy = np.full(len(pool), -np.inf)
    free = np.ones(len(pool), dtype=bool)
    for _ in range(min(k, len(pool))):
        penalty = np.where(np.isinf(redundancy), 0.0, redundancy)
        score = np.where(free, lam * relevance - (1 - lam) * penalty, -np.inf)
        best = int(np.argmax(score))
        picked.append(best)
        free[best] = False
        redundancy = np.maximum(redundancy, pairwise[best])
    return [pool[i] for i in picked]
