"""Heading-aware chunking: sections never mix, overlap carries context, the window holds."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from projects.rag.chunking import ChunkConfig, chunk_all, chunk_document, sections
from projects.rag.documents import Document, load_documents


def words(text: str) -> int:
    """A stand-in token counter: whitespace words plus [CLS] and [SEP]."""
    return len(text.split()) + 2


def doc(body: str, title: str = "Runbook") -> Document:
    return Document("corpus/t", title, body, Path("t.md"))


def test_sections_follow_heading_nesting_and_ignore_fenced_hashes():
    body = "# Runbook\nintro\n## Steps\none\n### Detail\ntwo\n```\n# not a heading\n```\n## After\nthree\n"
    got = [(h, b) for h, b in sections(doc(body))]
    assert [h for h, _ in got] == ["Runbook", "Runbook > Steps", "Runbook > Steps > Detail", "Runbook > After"]
    assert got[2][1] == ["two", "```\n# not a heading\n```"]


def test_chunks_overlap_within_a_section_only():
    paras = "\n\n".join(f"para{i} " + "w " * 30 for i in range(6))
    body = f"# Runbook\n## A\n{paras}\n## B\nshort text here"
    chunks = chunk_document(doc(body), words, ChunkConfig(budget=80, overlap=35))
    a_chunks = [c for c in chunks if c.heading == "Runbook > A"]
    assert len(a_chunks) >= 3
    for prev, nxt in zip(a_chunks, a_chunks[1:]):
        last_para = prev.text.splitlines()[-1]
        assert nxt.text.splitlines()[1] == last_para  # the next chunk starts with the previous one's tail
    b_chunks = [c for c in chunks if c.heading == "Runbook > B"]
    assert [c.text for c in b_chunks] == ["Runbook > B\nshort text here"]
    assert [c.chunk_id for c in chunks] == [f"corpus/t#{i}" for i in range(len(chunks))]


def test_long_paragraph_is_split_at_sentences():
    body = "# R\n" + " ".join(f"Sentence number {i} has several words in it." for i in range(40))
    chunks = chunk_document(doc(body, "R"), words, ChunkConfig(budget=60, overlap=10))
    assert len(chunks) > 1
    assert all(words(c.text) <= 60 for c in chunks)
    assert all(c.text.split("\n", 1)[1].startswith("Sentence") for c in chunks)


def test_real_corpus_fits_the_model_window(embedder):
    docs = load_documents()
    assert len(docs) >= 25
    chunks = chunk_all(docs, embedder.count_tokens)
    assert max(embedder.count_tokens(c.text) for c in chunks) <= 256
    assert {c.doc_id for c in chunks} == {d.doc_id for d in docs}
    assert chunks == chunk_all(docs, embedder.count_tokens)  # deterministic


paragraph = st.lists(st.sampled_from(["alpha", "beta", "gamma.", "delta", "x" * 12]), min_size=1, max_size=90).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["#", "##", "###"]), st.lists(paragraph, min_size=1, max_size=5)),
                min_size=1, max_size=6))
def test_every_word_is_kept_and_every_chunk_fits(parts):
    body = "\n".join(f"{h} Head{i}\n" + "\n\n".join(ps) for i, (h, ps) in enumerate(parts))
    cfg = ChunkConfig(budget=50, overlap=10, window=50)
    chunks = chunk_document(doc(body, "T"), words, cfg)
    assert all(words(c.text) <= cfg.budget for c in chunks)
    source = [w for _, ps in parts for p in ps for w in p.split()]
    kept = [w for c in chunks for w in c.text.split("\n", 1)[1].split()]
    assert set(source) <= set(kept)
    assert len(kept) >= len(source)
