"""lastmod from git: one `git log` gives each post the day its file last changed, shown as an
"updated" line and used as the sitemap's lastmod; no history (no git, a shallow clone) falls back
to the front-matter date."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

from sitekit import edit_text, run_shiplog


def git(root: Path, *args: str, day: str = "2026-06-10T12:00:00Z") -> None:
    env = {"GIT_AUTHOR_NAME": "Sam", "GIT_AUTHOR_EMAIL": "s@example.test", "GIT_COMMITTER_NAME": "Sam",
           "GIT_COMMITTER_EMAIL": "s@example.test", "GIT_AUTHOR_DATE": day, "GIT_COMMITTER_DATE": day,
           "PATH": "/usr/bin:/bin"}
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env=env)


def committed(site: Path) -> Path:
    git(site, "init", "-q")
    git(site, "add", ".", day="2026-03-01T09:00:00Z")
    git(site, "commit", "-q", "-m", "first", day="2026-03-01T09:00:00Z")
    edit_text(site, "content/posts/oldest.md", "Hello, world.", "Hello, changed world.")
    git(site, "commit", "-q", "-am", "edit", day="2026-06-10T12:00:00Z")
    return site


def lastmods(site: Path) -> dict[str, str]:
    text = (site / "_site/sitemap.xml").read_text()
    return dict(re.findall(r"<loc>https://example.test(/notes/[^<]+/)</loc><lastmod>([^<]+)</lastmod>", text))


def test_a_post_changed_after_its_date_says_so(site):
    committed(site)
    result = run_shiplog("build", "--root", str(site))
    assert result.code == 0, result.err
    page = (site / "_site/notes/oldest/index.html").read_text()
    assert 'updated <time datetime="2026-06-10">10 June 2026</time>' in page
    assert lastmods(site)["/notes/oldest/"] == "2026-06-10"
    untouched = (site / "_site/notes/pictures/index.html").read_text()
    assert "updated" not in untouched          # last committed before its own date
    assert lastmods(site)["/notes/pictures/"] == re.search(r"date: (\S+)", (
        site / "content/posts/pictures.md").read_text())[1]


def test_without_history_the_date_stands(site, tmp_path):
    committed(site)
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", site.as_uri(), str(shallow)], check=True)
    assert run_shiplog("build", "--root", str(shallow)).code == 0
    assert "updated" not in (shallow / "_site/notes/oldest/index.html").read_text()
    assert lastmods(shallow)["/notes/oldest/"] == "2026-03-01"
    plain = tmp_path / "plain"
    subprocess.run(["cp", "-r", str(site), str(plain)], check=True)
    subprocess.run(["rm", "-rf", str(plain / ".git"), str(plain / "_site")], check=True)
    assert run_shiplog("build", "--root", str(plain)).code == 0
    assert "updated" not in (plain / "_site/notes/oldest/index.html").read_text()


def test_a_commit_alone_makes_the_next_build_look_again(site):
    committed(site)
    assert run_shiplog("build", "--root", str(site)).code == 0
    edit_text(site, "content/posts/pictures.md", "date: 2026-04-02", "date: 2026-02-01")
    assert run_shiplog("build", "--root", str(site)).code == 0          # edited, not yet committed
    assert 'updated <time datetime="2026-03-01">' in (site / "_site/notes/pictures/index.html").read_text()
    git(site, "commit", "-q", "-am", "redate", day="2026-07-01T08:00:00Z")
    result = run_shiplog("build", "--root", str(site))
    assert "up to date" not in result.out
    assert 'updated <time datetime="2026-07-01">' in (site / "_site/notes/pictures/index.html").read_text()
