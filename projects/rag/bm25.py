"""Okapi BM25, scored the way `rank_bm25.BM25Okapi` scores (k1=1.5, b=0.75, epsilon=0.25).

Same idf (log((N - n + 0.5) / (n + 0.5)), negative values floored to epsilon x
mean idf), same length normalisation, and a repeated query term counts once per
repetition, as there. The index is an inverted list (term -> postings) instead
of one dict per document, so a query touches only the documents that contain
its terms.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict

import numpy as np

TOKEN = re.compile(r"[a-z0-9]+(?:[._:/-][a-z0-9]+)*")
STOPWORDS = frozenset(
    "a an and are as at be by can do does for from how i if in into is it its of on or so that the "
    "this to was we what when where which who why will with you your".split()
)


def tokenize(text: str) -> list[str]:
    """Lower-cased terms; identifiers such as ``ORDER_COMPENSATION_FAILED`` or
    ``cloudtrail:StopLogging`` stay one term, and also contribute their parts."""
    terms: list[str] = []
    for raw in TOKEN.findall(text.lower().replace("_", "-")):
        parts = re.split(r"[._:/-]", raw)
        if len(parts) > 1:
            terms.append(raw)
        terms += [p for p in parts if p not in STOPWORDS]
    return terms


class BM25:
    """Okapi BM25 over pre-tokenised documents."""

    def __init__(self, corpus: list[list[str]], k1: float = 1.5, b: float = 0.75, epsilon: float = 0.25) -> None:
        if not corpus:
            raise ValueError("BM25 needs at least one document")
        self.k1, self.b = k1, b
        self.doc_len = np.array([len(d) for d in corpus], dtype=np.float64)
        self.avgdl = float(self.doc_len.sum()) / len(corpus)
        self.postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        grouped: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for i, doc in enumerate(corpus):
            for term, tf in Counter(doc).items():
                grouped[term].append((i, tf))
        n_docs = len(corpus)
        self.idf: dict[str, float] = {}
        for term, plist in grouped.items():
            self.postings[term] = (np.array([i for i, _ in plist]), np.array([tf for _, tf in plist], dtype=np.float64))
            self.idf[term] = math.log(n_docs - len(plist) + 0.5) - math.log(len(plist) + 0.5)
        floor = epsilon * (sum(self.idf.values()) / len(self.idf))
        for term, value in self.idf.items():
            if value < 0:
                self.idf[term] = floor
        self.norm = k1 * (1 - b + b * self.doc_len / self.avgdl)

    def scores(self, query: list[str]) -> np.ndarray:
        """BM25 score of every document for the query terms."""
        out = np.zeros(len(self.doc_len))
        for term in query:
            if term not in self.postings:
                continue
            docs, tf = self.postings[term]
            out[docs] += self.idf[term] * (tf * (self.k1 + 1) / (tf + self.norm[docs]))
        return out
