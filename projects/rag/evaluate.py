"""Retrieval quality on the labelled question set, plus the index's own cross-checks.

Metrics are per document: a method's chunk ranking is collapsed to the order in
which documents first appear. recall@k is the share of a question's relevant
documents found in the top k, averaged over questions; MRR is the mean of
1 / rank of the first relevant document (0 if none in the top ``DEPTH``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from .retriever import METHODS, Retriever

QUESTIONS = Path(__file__).parent / "eval" / "questions.yaml"
KS = (1, 3, 5, 10)
DEPTH = 50
"""Chunks retrieved per question before collapsing to documents."""


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    relevant: frozenset[str]
    """Relevant document ids (``corpus/<stem>``)."""
    kind: str


def load_questions(path: Path = QUESTIONS) -> list[Question]:
    """The labelled set; each entry needs ``q``, ``relevant`` and ``kind``."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Question(e["q"], frozenset(f"corpus/{d}" for d in e["relevant"]), e["kind"]) for e in raw]


def doc_ranking(retriever: Retriever, rows: list[int]) -> list[str]:
    """Document ids in order of their first chunk in ``rows``."""
    seen: dict[str, None] = {}
    for row in rows:
        seen.setdefault(retriever.chunks[row].doc_id, None)
    return list(seen)


def score(rankings: list[list[str]], questions: list[Question]) -> dict[str, float]:
    """recall@k for KS and MRR over aligned (ranking, question) pairs."""
    out: dict[str, float] = {}
    for k in KS:
        hits = [len(q.relevant & set(r[:k])) / len(q.relevant) for r, q in zip(rankings, questions)]
        out[f"recall@{k}"] = round(float(np.mean(hits)), 4)
    rr = [next((1.0 / (i + 1) for i, d in enumerate(r) if d in q.relevant), 0.0) for r, q in zip(rankings, questions)]
    out["mrr"] = round(float(np.mean(rr)), 4)
    return out


def evaluate(retriever: Retriever, questions: list[Question], qvecs: np.ndarray) -> dict:
    """Per-method scores overall and by question kind, plus the ANN-vs-exact overlap."""
    known = {c.doc_id for c in retriever.chunks}
    missing = sorted({d for q in questions for d in q.relevant} - known)
    if missing:
        raise AssertionError(f"questions name documents the index does not have: {missing}")
    report: dict = {}
    by_kind: dict[str, dict[str, float]] = {}
    kinds = sorted({q.kind for q in questions})
    for method in METHODS:
        rankings = [doc_ranking(retriever, retriever.search(method, q.text, DEPTH, v)) for q, v in zip(questions, qvecs)]
        report[method] = score(rankings, questions)
        for kind in kinds:
            pairs = [(r, q) for r, q in zip(rankings, questions) if q.kind == kind]
            by_kind.setdefault(kind, {})[method] = score([r for r, _ in pairs], [q for _, q in pairs])["mrr"]
    report["recall_at_k"] = recall_rows(report)
    report["mrr_by_kind"] = by_kind
    report["kind_counts"] = {k: sum(q.kind == k for q in questions) for k in kinds}
    return report


def recall_rows(report: dict) -> list[dict]:
    """Each method's recall@k as flat rows for a chart: ``{"method": "bm25", "k": 5, "recall": 0.986}``."""
    return [{"method": m, "k": k, "recall": report[m][f"recall@{k}"]} for m in METHODS for k in KS]


def ann_overlap(retriever: Retriever, qvecs: np.ndarray, k: int = 10) -> dict:
    """IVF against exact search at chunk level: recall@k and share of rows scanned at the
    configured nprobe, and recall@k for every nprobe (the speed/recall knob)."""
    n, ivf = len(retriever.chunks), retriever.ivf
    truth = [set(retriever.exact.search(v, k)[0].tolist()) for v in qvecs]

    def recall(nprobe: int) -> float:
        got = [set(ivf.search(v, k, nprobe)[0].tolist()) for v in qvecs]
        return round(float(np.mean([len(t & g) / len(t) for t, g in zip(truth, got)])), 4)

    return {
        f"recall@{k}": recall(ivf.nprobe),
        "scanned": round(float(np.mean([len(ivf.candidates(v)) / n for v in qvecs])), 4),
        "lists": len(ivf.lists),
        "nprobe": ivf.nprobe,
        "recall_by_nprobe": {str(p): recall(p) for p in range(1, len(ivf.lists) + 1)},
    }


def nprobe_rows(ann: dict) -> list[dict]:
    """IVF's recall@10 against exact search per nprobe, as flat rows for a chart."""
    return [{"nprobe": int(p), "recall": r} for p, r in ann["recall_by_nprobe"].items()]
