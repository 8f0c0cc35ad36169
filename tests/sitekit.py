"""Helpers for tests: sample sites, the real CLI in a subprocess, and output trees."""
from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
SITES = TESTS / "sites"


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_shiplog(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
                timeout: float = 120) -> Run:
    """Run the real CLI, as a user would, in a separate process."""
    proc = subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd or REPO,
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})
    return Run(proc.returncode, proc.stdout, proc.stderr)


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def edit_text(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text()
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new))


def files_changed(before: dict[str, tuple[int, int, int]], after: dict[str, tuple[int, int, int]]) -> set[str]:
    """The paths a file watcher would name between two `stat_tree` snapshots."""
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}


def stat_tree(root: Path) -> dict[str, tuple[int, int, int]]:
    """Every file and folder under `root`: (mtime, size, inode), by absolute path."""
    out = {}
    for path in root.rglob("*"):
        st = path.stat()
        out[str(path)] = (st.st_mtime_ns, st.st_size, st.st_ino)
    return out


# Every kind of edit an author makes to the basic sample site, each a function of the site's root.
# Incremental builds after each must equal a clean build (test_incremental, test_watched_rebuilds).

NEW_POST = """---
title: A brand new post
date: 2026-05-20
tags: [Testing, Fresh]
summary: Added after the first build.
---
Fresh words, and a [link](/notes/oldest/).
"""

TEMPLATE = """{% extends "base.html" %}
{% block main %}
<article><h1>{{ post.title }}</h1><p class="custom">custom post template</p>
{{ post.html|safe }}</article>
{% endblock %}
"""


def _add_template(root: Path) -> None:
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates/post.html").write_text(TEMPLATE)


def _edit_line(root: Path, rel: str, key: str, new: str) -> None:
    line = next(l for l in (root / rel).read_text().splitlines() if l.startswith(key))
    edit_text(root, rel, line, new)


EDITS: dict[str, Callable[[Path], None]] = {
    "post body": lambda r: edit_text(r, "content/posts/oldest.md", "Hello, world.", "Hello, changed world."),
    "post title": lambda r: edit_text(r, "content/posts/pictures.md", "title: A post with pictures",
                                      "title: Pictures, retitled"),
    "post date reorders": lambda r: edit_text(r, "content/posts/oldest.md", "date: 2026-03-01", "date: 2026-06-01"),
    "rename tag": lambda r: edit_text(r, "content/posts/pictures.md", "tags: [Photos, python]",
                                      "tags: [Pictures, python]"),
    "add post": lambda r: (r / "content/posts/brand-new.md").write_text(NEW_POST),
    "delete post": lambda r: (r / "content/posts/pictures.md").unlink(),
    "rename post": lambda r: (r / "content/posts/oldest.md").rename(r / "content/posts/first.md"),
    "publish draft": lambda r: edit_text(r, "content/posts/draft-one.md", "status: draft",
                                         "status: published\ndate: 2026-05-30"),
    "draft progress": lambda r: edit_text(r, "content/posts/draft-one.md", "Five more words are here.",
                                          "Five more words are here. And six more words right here."),
    "card": lambda r: _edit_line(r, "projects/demo/card.yaml", "tagline:", "tagline: A changed tagline for the demo"),
    "page": lambda r: _edit_line(r, "content/pages/about.md", "title:", "title: About this sample"),
    "add template": _add_template,
    "site.yaml": lambda r: edit_text(r, "site.yaml", "title: Sample Site", "title: Renamed Site"),
    "static file": lambda r: (r / "static/img/two.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>\n"),
}

DRAFT_EDITS = ("post body", "draft progress", "add post", "publish draft")
