"""`shiplog new`: a draft with front matter and an outline, never overwriting a file."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.engine import build
from generator.commands.cli import main

BASIC = Path(__file__).parent / "sites" / "basic"
IGNORE = shutil.ignore_patterns(".shiplog-cache", "_site", "__pycache__")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(BASIC, root, ignore=IGNORE)
    return root


def test_new_creates_a_draft_that_builds_and_is_not_published(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["new", "Why retries need jitter: a story", "--root", str(root), "--project", "demo",
                 "--target-words", "1200"])
    path = root / "content/posts/why-retries-need-jitter-a-story.md"
    assert code == 0
    assert capsys.readouterr().out.strip().endswith("content/posts/why-retries-need-jitter-a-story.md")
    text = path.read_text()
    assert text.startswith('---\ntitle: "Why retries need jitter: a story"\nstatus: draft\ntarget_words: 1200\n')
    assert "project: demo\n" in text and "\n## What I tried\n" in text
    result = build(root, root / "_site", proofs=False)
    draft = next(p for p in result.site.drafts if p.slug == "why-retries-need-jitter-a-story")
    assert draft.title == "Why retries need jitter: a story" and draft.target_words == 1200
    assert draft.progress < 5  # the outline's TODO lines are not written words
    assert not (root / "_site/notes/why-retries-need-jitter-a-story").exists()


def test_new_refuses_to_overwrite(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    existing = root / "content/posts/oldest.md"
    before = existing.read_text()
    code = main(["new", "Oldest", "--root", str(root)])
    assert code == 1
    assert "content/posts/oldest.md: content/posts/oldest.md already exists; not overwriting it" in capsys.readouterr().err
    assert existing.read_text() == before


def test_new_uses_the_sites_default_target_and_ascii_slug(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "Ünïcode café notes", "--root", str(root)]) == 0
    text = (root / "content/posts/unicode-cafe-notes.md").read_text()
    assert 'title: "Ünïcode café notes"' in text and "target_words: 100\n" in text  # site.yaml drafts.target_words


@pytest.mark.parametrize("args, message", [
    (["New post", "--project", "nope"], "project 'nope' has no card"),
    (["!!!"], "cannot make a file name from the title '!!!'"),
    (["Fine", "--target-words", "0"], "--target-words must be at least 1, not 0"),
])
def test_new_rejects_bad_input(root: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    assert main(["new", *args, "--root", str(root)]) == 1
    assert message in capsys.readouterr().err
    assert sorted(p.name for p in (root / "content/posts").iterdir()) == [
        "code-heavy.md", "draft-one.md", "oldest.md", "pictures.md"]
