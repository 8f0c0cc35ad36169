"""Offline answers quote the retrieved passages verbatim and cite them."""

from __future__ import annotations

import re

from projects.rag.answer import answer


def squash(text: str) -> str:
    return " ".join(text.split())


def test_extractive_answer_quotes_and_cites_retrieved_chunks(corpus_retriever):
    result = answer(corpus_retriever, "someone stopped CloudTrail logging, what do I do first?", k=4)
    assert result.mode == "extractive"
    cited = re.findall(r'^> "(.+)" \[([^\]]+)\]$', result.text, flags=re.M)
    assert 1 <= len(cited) <= 3
    by_id = {c.chunk_id: c for c in result.passages}
    for quote, chunk_id in cited:
        assert chunk_id in by_id  # cites only passages it was given
        assert quote in squash(by_id[chunk_id].text)  # and quotes them word for word
    assert result.passages[0].doc_id == "corpus/cloudtrail-disabled-alert"


def test_mmr_passages_are_distinct_chunks(corpus_retriever):
    result = answer(corpus_retriever, "DynamoDB table problems", k=4)
    ids = [c.chunk_id for c in result.passages]
    assert len(ids) == len(set(ids)) == 4
