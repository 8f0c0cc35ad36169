"""The commands as a user runs them: the proof run's JSON, ask, --help."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
CARD = Path(__file__).resolve().parents[1] / "card.yaml"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "projects.rag", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=180)


@pytest.fixture(scope="module")
def proof() -> dict:
    card = yaml.safe_load(CARD.read_text())
    done = run(*card["proof"]["args"])
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # stdout is exactly one JSON object


def test_proof_has_the_keys_the_card_needs(proof):
    assert proof["queries"] >= 50
    for method in ("bm25", "dense", "hybrid"):
        assert {"recall@1", "recall@3", "recall@5", "recall@10", "mrr"} <= proof[method].keys()
        assert 0.0 <= proof[method]["mrr"] <= 1.0
    assert 0.0 < proof["ann_recall"] <= 1.0 and proof["embed_per_s"] > 0
    assert proof["checks"]["bm25_equals_rank_bm25"] == proof["queries"]
    assert proof["best_method"] in ("bm25", "dense", "hybrid")
    # the proof rebuilt the index from scratch and it matches the committed one
    assert proof["index"]["max_abs_diff"] < 1e-4


def test_card_claims_format_against_the_proof(proof):
    card = yaml.safe_load(CARD.read_text())
    for claim in card["claims"]:
        claim.format_map(proof)  # KeyError here means a claim names a key the proof lacks


def test_recall_at_k_rows_are_the_methods_scores(proof):
    rows = proof["recall_at_k"]
    assert {(r["method"], r["k"]) for r in rows} == {(m, k) for m in ("bm25", "dense", "ann", "hybrid")
                                                     for k in (1, 3, 5, 10)}
    assert len(rows) == 16
    for r in rows:
        assert r["recall"] == proof[r["method"]][f"recall@{r['k']}"]
    for method in ("bm25", "dense", "ann", "hybrid"):  # recall@k cannot fall as k grows
        curve = [r["recall"] for r in sorted(rows, key=lambda r: r["k"]) if r["method"] == method]
        assert curve == sorted(curve) and 0.0 <= curve[0] and curve[-1] <= 1.0


def test_nprobe_rows_end_at_exact_search(proof):
    rows, ann = proof["ann_recall_by_nprobe"], proof["ann_index"]
    assert [r["nprobe"] for r in rows] == list(range(1, ann["lists"] + 1))
    assert rows[-1]["recall"] == 1.0  # probing every list is exact search
    assert next(r["recall"] for r in rows if r["nprobe"] == ann["nprobe"]) == proof["ann_recall"]


def fields(node) -> set[str]:
    """Every "field" a Vega-Lite spec names."""
    if isinstance(node, dict):
        own = {node["field"]} if isinstance(node.get("field"), str) else set()
        return own.union(*(fields(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(fields(v) for v in node))
    return set()


def test_card_charts_name_rows_and_fields_the_proof_prints(proof):
    card = yaml.safe_load(CARD.read_text())
    assert [p["args"] for p in card["pictures"]] == [["--graph"]]
    for chart in card["charts"]:
        rows = proof[chart["data"]]
        assert rows and fields(chart["spec"]) <= set(rows[0]), chart["title"]


def test_ask_lists_ranked_chunks_as_json():
    done = run("ask", "CSPM-CT-001", "--method", "bm25", "-k", "3", "--corpus-only", "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["results"][0]["chunk"].startswith("corpus/cloudtrail-disabled-alert#")


def test_help_names_every_command():
    done = run("--help")
    assert done.returncode == 0
    for command in ("index", "ask", "eval", "serve"):
        assert command in done.stdout


def test_serve_command_answers_embedding_requests():
    from projects.rag.remote import HttpEmbedder

    proc = subprocess.Popen([sys.executable, "-m", "projects.rag", "serve", "--port", "0"], cwd=ROOT,
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        # "serving <model> on http://127.0.0.1:<port>/v1/embeddings ..." (skip any library warnings before it)
        banner = next((line for line in iter(proc.stderr.readline, "") if "serving" in line), "")
        assert "http://127.0.0.1:" in banner, banner
        base = banner.split(" on ")[1].split("/embeddings")[0]
        vecs = HttpEmbedder(base, "sentence-transformers/all-MiniLM-L6-v2").embed(["rotate the key", "replay"])
        assert vecs.shape == (2, 384)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
