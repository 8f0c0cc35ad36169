"""``--graph``: the retrieval pipeline as Graphviz DOT, drawn from the Retriever the code builds.

Every label is read from the objects, not written here: the documents and the chunking settings
from the index's chunks and manifest, the model and vector size from the embedder and the
vectors, BM25's parameters and vocabulary from the BM25 object, the IVF lists and nprobe from
the IVF index, what hybrid fuses (``Retriever.fused``), the pool, RRF's k and MMR's lambda,
the prompt templates on disk and the methods the evaluation scores. Change the wiring and the
picture changes with it.
"""
from __future__ import annotations

import textwrap
from collections import Counter

from .answer import PROMPTS
from .evaluate import KS
from .fusion import RRF_K
from .retriever import METHODS, Retriever

WIDTH = 28
"""Characters per label line, so the picture stays narrow enough for a card."""
METHOD_NODE = {"bm25": "bm25", "dense": "exact", "ann": "ivf", "hybrid": "rrf"}
"""Which node's output each of METHODS returns."""


def _node(id_: str, shape: str, *lines: str) -> str:
    style = ", style=rounded" if shape == "box" else ""
    label = "\\n".join(part for line in lines for part in textwrap.wrap(line, WIDTH, break_long_words=False))
    return f'  {id_} [shape={shape}{style}, label="{label}"];'


def dot(r: Retriever, questions: int) -> str:
    """The digraph for retriever ``r``, scored on ``questions`` labelled questions."""
    missing = set(METHODS) - set(METHOD_NODE)
    if missing:
        raise ValueError(f"graph.METHOD_NODE does not say where method(s) {sorted(missing)} come from")
    n, dim = r.vectors.shape
    sources = Counter(doc_id.split("/")[0] for doc_id in {c.doc_id for c in r.chunks})
    cfg = r.manifest["chunking"]
    model = r.manifest["model_id"].split("/")[-1]
    templates = ", ".join(sorted(p.stem for p in PROMPTS.glob("*.txt")))
    out = ["digraph rag {", "  rankdir=TB;", "  ranksep=0.35;", "  nodesep=0.25;",
           '  label="Runbook RAG: the retrieval pipeline as the code builds it";',
           _node("documents", "note", "Documents", *(f"{k} in {s}/" for s, k in sorted(sources.items()))),
           _node("chunking", "box", "Chunking by heading", f"{n} chunks of <= {cfg['budget']} tokens",
                 f"{cfg['overlap']} overlap, window {cfg['window']}"),
           _node("embedder", "box", model, f"{type(r.embedder).__name__}", f"{dim}-d, unit length"),
           _node("question", "oval", "question"),
           _node("bm25", "box", "BM25", f"k1 {r.bm25.k1}, b {r.bm25.b}", f"{len(r.bm25.postings):,} terms"),
           _node("exact", "cylinder", "Exact index", f"{n} x {dim} vectors"),
           _node("ivf", "cylinder", "IVF index", f"{len(r.ivf.lists)} lists, nprobe {r.ivf.nprobe}"),
           _node("rrf", "box", "Reciprocal rank fusion", f"k {RRF_K}, top {r.pool} of each"),
           _node("mmr", "box", "MMR", f"lambda {r.mmr_lambda}"),
           _node("answer", "box", "Answer: chat model", "or extractive quotes", f"prompts/: {templates}"),
           _node("eval", "note", f"eval: {questions} questions", "recall@" + ",".join(map(str, KS)) + ", MRR"),
           "  documents -> chunking;",
           "  chunking -> bm25 [label=\"terms\"];",
           "  chunking -> embedder [label=\"text\"];",
           "  embedder -> exact;",
           "  embedder -> ivf;",
           "  question -> bm25 [label=\"terms\"];",
           "  question -> embedder [label=\"text\"];"]
    out += [f'  {METHOD_NODE[m]} -> rrf [label="{m}"];' for m in r.fused]
    out += ["  rrf -> mmr [label=\"hybrid\"];",
            "  mmr -> answer [label=\"passages\"];"]
    out += [f'  {METHOD_NODE[m]} -> eval [style=dashed, label="{m}"];' for m in METHODS]
    out.append("}")
    return "\n".join(out) + "\n"
