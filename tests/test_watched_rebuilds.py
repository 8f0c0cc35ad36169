"""serve's rebuilds told which paths changed (the watcher's events): posts not among them are
taken as they were without looking at the files, and every kind of change still ends in the
output a clean build makes."""
from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from generator.engine import Engine, build
from generator.incremental.cache import Warm
from generator.incremental.inventory import RACY_SECONDS
from generator.commands.watch import Debouncer
from generator.errors import BuildFailed
from sitekit import EDITS, SITES, edit_text, files_changed, stat_tree, tree

IGNORE = shutil.ignore_patterns(".shiplog-cache", "_site", "__pycache__")

NEW_POST = """---
title: Written while serving
date: 2026-06-01
tags: [Testing]
summary: A post added while the server runs.
---
A new post, found because the watcher said a new file appeared.
"""


class Served:
    """A site built as `shiplog serve` builds it: one warm Engine across builds, paths handed in."""

    def __init__(self, tmp_path: Path) -> None:
        self.root = tmp_path / "site"
        shutil.copytree(SITES / "basic", self.root, ignore=IGNORE)
        self.out = tmp_path / "serve"
        self.clean = tmp_path / "clean"
        self.engine = Engine(self.root, self.out, keep_warm=True)
        self.build(None)
        self.age_sources()

    def age_sources(self) -> None:
        """Files written in the last RACY_SECONDS are always read again; age them so that a
        rebuild trusts what it knows (as it does for files saved a while ago)."""
        old = time.time() - 10 * RACY_SECONDS
        for path in (self.root / "content").rglob("*"):
            os.utime(path, (old, old))
        # ctime cannot be set back: wait it out instead.
        time.sleep(RACY_SECONDS + 0.1)

    def build(self, changed: set[str] | None) -> None:
        self.engine.build(changed)

    def post(self, name: str) -> Path:
        return self.root / "content" / "posts" / name

    def matches_a_clean_build(self) -> None:
        build(self.root, self.clean, incremental=False)
        got, want = tree(self.out), tree(self.clean)
        assert sorted(got) == sorted(want)
        assert [p for p in want if got[p] != want[p]] == []


@pytest.fixture
def served(tmp_path: Path) -> Served:
    return Served(tmp_path)


def test_an_edited_post_named_by_the_watcher_is_read_again(served: Served) -> None:
    post = served.post("oldest.md")
    post.write_text(post.read_text().replace("Hello, world.", "Hello, watcher."))
    served.build({str(post)})
    assert "Hello, watcher." in (served.out / "notes/oldest/index.html").read_text()
    served.matches_a_clean_build()


def test_a_save_by_rename_over_the_post_is_read_again(served: Served) -> None:
    post = served.post("oldest.md")
    scratch = post.with_name(".oldest.md.swp")
    scratch.write_text(post.read_text().replace("Hello, world.", "Hello, rename."))
    os.replace(scratch, post)
    served.build({str(scratch), str(post)})
    assert "Hello, rename." in (served.out / "notes/oldest/index.html").read_text()
    served.matches_a_clean_build()


def test_new_and_deleted_posts_are_found(served: Served) -> None:
    new = served.post("while-serving.md")
    new.write_text(NEW_POST)
    served.build({str(new)})
    assert (served.out / "notes/while-serving/index.html").is_file()
    served.matches_a_clean_build()
    new.unlink()
    served.build({str(new)})
    assert not (served.out / "notes/while-serving").exists()
    served.matches_a_clean_build()


def test_a_folder_of_posts_moved_away_takes_its_posts(served: Served) -> None:
    folder = served.post("series")
    folder.mkdir()
    (folder / "part-one.md").write_text(NEW_POST.replace("while serving", "in a series"))
    served.build({str(folder), str(folder / "part-one.md")})
    assert (served.out / "notes/part-one/index.html").is_file()
    shutil.move(str(folder), str(served.root / "elsewhere"))
    served.build({str(folder)})       # inotify reports only the folder itself
    assert not (served.out / "notes/part-one").exists()
    served.matches_a_clean_build()


def test_site_yaml_changes_every_post_key_even_if_no_post_is_named(served: Served) -> None:
    config = served.root / "site.yaml"
    config.write_text(config.read_text().replace("wpm: 200", "wpm: 100"))
    served.build({str(config)})
    served.matches_a_clean_build()                  # every reading time worked out again


def test_every_kind_of_edit_while_serving_matches_a_clean_build(served: Served) -> None:
    """Each edit of the catalogue in turn, with the paths a watcher would name: the long-lived
    process's output is the clean build's every time."""
    for name, edit in EDITS.items():
        before = stat_tree(served.root)
        edit(served.root)
        served.build(files_changed(before, stat_tree(served.root)))
        try:
            served.matches_a_clean_build()
        except AssertionError as exc:
            raise AssertionError(f"after edit {name!r}: {exc}") from None


def test_the_debouncer_hands_over_the_paths_of_one_burst() -> None:
    calls: list[set[str] | None] = []
    done = threading.Event()

    def action(changed: set[str] | None) -> None:
        calls.append(changed)
        done.set()

    debouncer = Debouncer(action, quiet=0.05)
    debouncer.start()
    try:
        debouncer.poke(["/s/a.md"])
        debouncer.poke(["/s/.a.md.swp", "/s/a.md"])
        assert done.wait(5)
        done.clear()
        debouncer.poke(["/s/b.md"])
        debouncer.poke(None)              # a change the watcher cannot name: look at everything
        assert done.wait(5)
    finally:
        debouncer.stop()
    assert calls == [{"/s/a.md", "/s/.a.md.swp"}, None]


def test_templates_added_and_edited_while_serving_are_used(served: Served) -> None:
    """serve keeps its Jinja environment between rebuilds; a template the site adds (over the
    theme's) or edits, even twice in a row, must still be the one rendered."""
    template = served.root / "templates" / "post.html"
    template.parent.mkdir()
    theme = (Path(__file__).resolve().parents[1] / "templates" / "post.html").read_text()
    for n in (1, 2, 3):
        template.write_text(theme.replace('<article class="post"', f'<article data-version="{n}" class="post"'))
        served.build({str(template)})
        assert f'data-version="{n}"' in (served.out / "notes/oldest/index.html").read_text()
    served.matches_a_clean_build()


def test_a_tuple_the_site_holds_is_digested_item_by_item_as_a_whole(tmp_path: Path) -> None:
    """serve digests site.tags again from last build's item digests; the result must be the
    digest a new process makes of the whole tuple, or a restarted server would re-render."""
    from dataclasses import replace

    from generator.incremental.cache import PageCache
    from generator.render.templates import make_env

    root = tmp_path / "site"
    shutil.copytree(SITES / "basic", root, ignore=IGNORE)
    site = build(root, tmp_path / "out", proofs=False).site
    env = make_env(site.config)
    warm = Warm()
    first = PageCache(root, tmp_path / "out", site, env, None, warm).site_digest("tags")
    assert site.tags[0].posts
    edited = replace(site, tags=(replace(site.tags[0], posts=()), *site.tags[1:]))
    again = PageCache(root, tmp_path / "out", edited, env, None, warm).site_digest("tags")
    fresh = PageCache(root, tmp_path / "out", edited, env).value_digest(edited.tags)
    assert again == fresh != first
