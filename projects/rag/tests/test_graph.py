"""--graph draws the pipeline from the Retriever's own objects, and follows them when the wiring changes."""
from __future__ import annotations

import dataclasses
import re
import subprocess

import graphviz
import pytest

from projects.rag import graph
from projects.rag.cli import main
from projects.rag.evaluate import load_questions
from projects.rag.fusion import RRF_K, rrf

QUESTION = "how do I replay the SAGA dead-letter queue?"


def labels(dot: str) -> dict[str, str]:
    """``{node id: label as one line}``."""
    return {m[1]: m[2].replace("\\n", " ") for m in re.finditer(r'^  (\w+) \[shape=\w+(?:, style=\w+)?, label="([^"]*)"\];$',
                                                                dot, re.M)}


@pytest.fixture(scope="module")
def dot(corpus_retriever) -> str:
    return graph.dot(corpus_retriever, questions=len(load_questions()))


def test_labels_are_read_from_the_objects(corpus_retriever, dot):
    r, n = corpus_retriever, labels(dot)
    assert f"{len(r.chunks)} chunks of <= 200 tokens" in n["chunking"]
    assert f"{len({c.doc_id for c in r.chunks})} in corpus/" in n["documents"]
    assert n["bm25"] == f"BM25 k1 {r.bm25.k1}, b {r.bm25.b} {len(r.bm25.postings):,} terms"
    assert n["exact"] == f"Exact index {len(r.chunks)} x {r.vectors.shape[1]} vectors"
    assert n["ivf"] == f"IVF index {len(r.ivf.lists)} lists, nprobe {r.ivf.nprobe}"
    assert n["rrf"] == f"Reciprocal rank fusion k {RRF_K}, top {r.pool} of each"
    assert n["mmr"] == f"MMR lambda {r.mmr_lambda}"
    assert n["embedder"].startswith("all-MiniLM-L6-v2 OnnxEmbedder 384-d")
    assert n["eval"].startswith(f"eval: {len(load_questions())} questions")


def test_hybrid_edges_are_the_methods_it_fuses(dot):
    assert re.findall(r"(\w+) -> rrf \[label=\"(\w+)\"\]", dot) == [("bm25", "bm25"), ("exact", "dense")]
    # every method the evaluation scores leads to the eval node, and only those
    assert sorted(re.findall(r'-> eval \[style=dashed, label="(\w+)"\]', dot)) == ["ann", "bm25", "dense", "hybrid"]


def test_rewiring_the_retriever_redraws_the_picture(corpus_retriever):
    rewired = dataclasses.replace(corpus_retriever, fused=("bm25", "ann"), mmr_lambda=1.0)
    qvec = rewired.embed_query(QUESTION)
    # the fields are the real wiring: hybrid now fuses BM25 with IVF, and MMR at lambda 1 is pure
    # relevance (the pool in order of cosine to the question, no diversity penalty)
    expected = rrf([rewired.search("bm25", QUESTION, rewired.pool), rewired.search("ann", QUESTION, rewired.pool, qvec)])
    pool = rewired.search("hybrid", QUESTION, rewired.pool, qvec)
    assert pool[:10] == [i for i, _ in expected[:10]]
    assert rewired.diverse(QUESTION, 5) == sorted(pool, key=lambda i: -float(rewired.vectors[i] @ qvec))[:5]
    dot = graph.dot(rewired, questions=1)
    assert 'ivf -> rrf [label="ann"];' in dot and "exact -> rrf" not in dot
    assert labels(dot)["mmr"] == "MMR lambda 1.0"


def test_graph_is_plain_dot_that_graphviz_draws(dot):
    assert not re.search(r"color|font|fill", dot)   # the site themes diagrams
    node_labels = re.findall(r'^  \w+ \[shape=.*label="([^"]*)"\];$', dot, re.M)
    assert len(node_labels) == 11
    assert all(len(line) <= graph.WIDTH for label in node_labels for line in label.split("\\n"))
    svg = graphviz.Source(dot).pipe(format="svg").decode()
    assert "<svg" in svg and "Reciprocal rank fusion" in svg


def test_cli_prints_the_same_graph(dot, capsys):
    assert main(["--graph"]) == 0
    assert capsys.readouterr().out == dot


def test_no_command_and_no_graph_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main([])
    assert exit_.value.code == 2 and "--graph" in capsys.readouterr().err
