"""Incremental builds: after every kind of edit, the output equals a clean build byte for byte,
and only what depends on the edit is rendered again."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.engine import build
from sitekit import DRAFT_EDITS, EDITS, edit_text

BASIC = Path(__file__).parent / "sites" / "basic"
IGNORE = shutil.ignore_patterns(".shiplog-cache", "_site", "__pycache__")


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_same_tree(incremental: Path, clean: Path) -> None:
    got, want = tree(incremental), tree(clean)
    assert sorted(got) == sorted(want), "file sets differ"
    different = [path for path in want if got[path] != want[path]]
    assert not different, f"files differ from a clean build: {different}"


class Site:
    def __init__(self, tmp_path: Path, drafts: bool = False) -> None:
        self.root = tmp_path / "site"
        shutil.copytree(BASIC, self.root, ignore=IGNORE)
        self.out = tmp_path / "out"
        self.clean = tmp_path / "clean"
        self.drafts = drafts
        # Run the demo's proof once first: a fresh run's JSON keeps the module's key order and the
        # proof cache's copy is sorted, so the very first build differs in the model (not the output).
        build(self.root, self.clean, drafts=drafts, incremental=False)

    def file(self, rel: str) -> Path:
        return self.root / rel

    def edit(self, rel: str, old: str, new: str) -> None:
        edit_text(self.root, rel, old, new)

    def check(self) -> int:
        """Build incrementally and from scratch; the trees must match. Returns pages rendered."""
        result = build(self.root, self.out, drafts=self.drafts)
        build(self.root, self.clean, drafts=self.drafts, incremental=False)
        assert_same_tree(self.out, self.clean)
        return result.rendered


@pytest.mark.parametrize("drafts", [False, True], ids=["build", "drafts"])
def test_every_edit_matches_a_clean_build(tmp_path: Path, drafts: bool) -> None:
    site = Site(tmp_path, drafts)
    site.check()
    for name, edit in EDITS.items():
        if drafts and name not in DRAFT_EDITS:
            continue
        edit(site.root)
        try:
            site.check()
        except AssertionError as exc:
            raise AssertionError(f"after edit {name!r}: {exc}") from None


def test_template_edit_and_removal_match_a_clean_build(tmp_path: Path) -> None:
    site = Site(tmp_path)
    EDITS["add template"](site.root)
    site.check()
    site.edit("templates/post.html", "custom post template", "edited custom template")
    rendered = site.check()
    assert rendered == 3  # the three published post pages: no other page uses post.html
    site.file("templates/post.html").unlink()
    site.check()
    assert "edited custom template" not in tree(site.out)["notes/oldest/index.html"].decode()


def test_deleted_post_and_renamed_tag_pages_disappear(tmp_path: Path) -> None:
    site = Site(tmp_path)
    site.check()
    assert (site.out / "notes/pictures/index.html").exists() and (site.out / "tags/photos/index.html").exists()
    site.edit("content/posts/pictures.md", "tags: [Photos, python]", "tags: [Pictures, python]")
    site.check()
    assert not (site.out / "tags/photos/index.html").exists()
    assert (site.out / "tags/pictures/index.html").exists()
    site.file("content/posts/pictures.md").unlink()
    site.check()
    assert not (site.out / "notes/pictures").exists()
    assert not (site.out / "tags/pictures").exists()


def test_nothing_changed_renders_nothing_and_one_edit_renders_only_its_dependents(tmp_path: Path) -> None:
    site = Site(tmp_path)
    first = build(site.root, site.out)
    assert first.rendered > 10 and first.reused == 0
    again = build(site.root, site.out)
    assert again.rendered == 0 and again.reused == first.rendered
    # A body edit that keeps the word count: the post itself, the pages listing it (its notes
    # page, home, its tag pages, the feed) and its neighbours' prev/next links are rendered again.
    site.edit("content/posts/oldest.md", "Hello, world.", "Hello, planet.")
    edited = build(site.root, site.out)
    assert 0 < edited.rendered < first.rendered // 2, edited.rendered
    build(site.root, site.clean, incremental=False)
    assert_same_tree(site.out, site.clean)


def test_broken_build_keeps_output_and_cache_usable(tmp_path: Path) -> None:
    site = Site(tmp_path)
    site.check()
    before = tree(site.out)
    site.edit("content/posts/oldest.md", "date: 2026-03-01", "date: not-a-date")
    with pytest.raises(Exception):
        build(site.root, site.out)
    assert tree(site.out) == before
    site.edit("content/posts/oldest.md", "date: not-a-date", "date: 2026-03-02")
    site.check()


def test_corrupt_cache_is_ignored(tmp_path: Path) -> None:
    site = Site(tmp_path)
    site.check()
    for pickle in (site.root / ".shiplog-cache/render").glob("*.pickle"):
        pickle.write_bytes(b"not a pickle")
    site.check()


def test_a_new_process_trusts_stat_signatures_but_sees_a_same_size_edit(tmp_path: Path) -> None:
    """The load cache keeps each post's stat signature, so a later `shiplog build` reads only
    the posts whose signature changed; an edit that keeps the size and puts the mtime back still
    changes the ctime, which the signature holds."""
    import os
    import time

    from generator.incremental.inventory import RACY_SECONDS

    site = Site(tmp_path)
    post = site.file("content/posts/oldest.md")
    old = time.time() - 100
    for path in site.file("content").rglob("*.md"):
        os.utime(path, (old, old))
    time.sleep(RACY_SECONDS + 0.1)            # ctimes out of the racy window too
    build(site.root, site.out)                 # records every signature
    text = post.read_text()
    assert "Hello, world." in text
    post.write_text(text.replace("Hello, world.", "Hello, earth."))   # same size
    os.utime(post, (old, old))                 # mtime put back: only ctime shows the edit
    time.sleep(RACY_SECONDS + 0.1)
    build(site.root, site.out)
    assert "Hello, earth." in (site.out / "notes/oldest/index.html").read_text()
    build(site.root, site.clean, incremental=False)
    assert_same_tree(site.out, site.clean)


def test_a_few_edits_write_only_the_new_records_then_the_cache_whole(tmp_path: Path) -> None:
    """The load cache: after an edit, a build writes only the records its main file lacks (to a
    delta file beside it); once 1/DELTA_SHARE of the records are new or unused, it writes the
    main file whole again. Either way the output is a clean build's."""
    import pickle

    from generator.incremental.cache import DELTA_SHARE

    site = Site(tmp_path)
    posts = 10 * DELTA_SHARE
    for i in range(posts):
        site.file(f"content/posts/bulk-{i:03d}.md").write_text(
            f"---\ntitle: Bulk post {i}\ndate: 2025-01-{1 + i % 28:02d}\ntags: [bulk]\n---\nBody of post {i}.\n")
    build(site.root, site.out)
    cache = site.root / ".shiplog-cache" / "render"
    main = next(cache.glob("load-*.pickle"))
    written = main.stat().st_mtime_ns

    def delta_records() -> int:
        deltas = list(cache.glob("load-*.delta"))
        return len(pickle.loads(deltas[0].read_bytes())) - 1 if deltas else 0   # less the file keys

    # Each edit adds a record and leaves one unused: 2 a post, so 10 records' worth = 5 edits.
    for edited in range(1, 6):
        site.edit(f"content/posts/bulk-{edited:03d}.md", "Body of post", "Edited body of post")
        site.check()
        assert main.stat().st_mtime_ns == written, f"main file rewritten after edit {edited}"
        assert delta_records() == edited
    site.edit("content/posts/bulk-006.md", "Body of post", "Edited body of post")
    site.check()
    assert main.stat().st_mtime_ns != written and delta_records() == 0
