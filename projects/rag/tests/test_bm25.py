"""Hand-written BM25 ranks exactly as rank_bm25.BM25Okapi on the same tokens."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from rank_bm25 import BM25Okapi

from projects.rag.bm25 import BM25, tokenize
from projects.rag.evaluate import load_questions


def ranking(scores: np.ndarray) -> list[int]:
    return np.lexsort((np.arange(len(scores)), -scores)).tolist()


def test_identifiers_stay_searchable():
    terms = tokenize("Got ORDER_COMPENSATION_FAILED from cloudtrail:StopLogging (CSPM-CT-001)")
    assert "order-compensation-failed" in terms
    assert "cloudtrail:stoplogging" in terms
    assert "cspm-ct-001" in terms
    assert {"order", "compensation", "failed", "stoplogging", "001"} <= set(terms)
    assert "from" not in terms


def test_same_ranking_as_rank_bm25_on_the_corpus(corpus_retriever):
    corpus = [tokenize(c.text) for c in corpus_retriever.chunks]
    ours, ref = BM25(corpus), BM25Okapi(corpus)
    for q in load_questions():
        terms = tokenize(q.text)
        a, b = ours.scores(terms), ref.get_scores(terms)
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
        assert ranking(a) == ranking(b)


vocab = st.sampled_from("a b c d e f g h".split())


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(vocab, min_size=1, max_size=12), min_size=1, max_size=15), st.lists(vocab, max_size=5))
def test_same_scores_as_rank_bm25_on_random_corpora(corpus, query):
    # small vocabularies make terms common, which exercises the negative-idf epsilon floor
    np.testing.assert_allclose(BM25(corpus).scores(query), BM25Okapi(corpus).get_scores(query), rtol=1e-12, atol=1e-12)


def test_exact_identifier_question_finds_its_runbook(corpus_retriever):
    top = corpus_retriever.search("bm25", "KMSInvalidStateException", 3)
    assert corpus_retriever.chunks[top[0]].doc_id == "corpus/kms-key-pending-deletion"
