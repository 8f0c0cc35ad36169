"""Document loading: front matter, drafts skipped, site notes included when present."""

from __future__ import annotations

import pytest

from projects.rag.documents import load_documents


def test_site_notes_are_loaded_and_drafts_skipped(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "r.md").write_text("---\ntitle: R\n---\n# R\ntext\n")
    posts = tmp_path / "content" / "posts"
    posts.mkdir(parents=True)
    (posts / "done.md").write_text("---\ntitle: Done\nstatus: published\n---\nbody\n")
    (posts / "wip.md").write_text("---\ntitle: WIP\nstatus: draft\n---\nTODO\n")
    readme = tmp_path / "projects" / "saga" / "README.md"
    readme.parent.mkdir(parents=True)
    readme.write_text("# CloudFlow\nhow it works\n")
    own = tmp_path / "projects" / "rag" / "README.md"
    own.parent.mkdir(parents=True)
    own.write_text("# this project\n")
    docs = load_documents(corpus, site_root=tmp_path)
    assert [(d.doc_id, d.title) for d in docs] == [
        ("corpus/r", "R"), ("post/done", "Done"), ("project/saga", "CloudFlow")]


def test_bad_front_matter_names_the_file(tmp_path):
    (tmp_path / "bad.md").write_text("---\ntitle: [unclosed\n---\nbody\n")
    with pytest.raises(ValueError, match="bad.md: bad front matter"):
        load_documents(tmp_path)


def test_a_broken_site_post_is_skipped_but_a_broken_runbook_is_not(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "ok.md").write_text("# OK\ntext\n")
    posts = tmp_path / "content" / "posts"
    posts.mkdir(parents=True)
    (posts / "half.md").write_text("---\ntitle: [unclosed\n---\nbody\n")
    assert [d.doc_id for d in load_documents(corpus, site_root=tmp_path)] == ["corpus/ok"]
