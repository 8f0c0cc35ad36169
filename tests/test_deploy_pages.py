"""`shiplog deploy` to a GitHub Pages branch, pushed to a real bare repository in a temp folder."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from generator.commands.deploy import deploy
from generator.errors import SiteError
from sitekit import run_shiplog, write

GIT_ENV = {"GIT_AUTHOR_NAME": "Sam", "GIT_AUTHOR_EMAIL": "sam@example.test",
           "GIT_COMMITTER_NAME": "Sam", "GIT_COMMITTER_EMAIL": "sam@example.test"}


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A site in a git checkout whose `origin` is a bare repository; returns (site, bare)."""
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    bare = tmp_path / "remote.git"
    git("init", "-q", "--bare", str(bare), cwd=tmp_path)
    root = tmp_path / "site"
    write(root, "site.yaml", "title: T\nbase_url: https://t.example\nauthor: {name: A}\n"
                             "deploy:\n  pages:\n    pages: origin\n    cname: t.example\n")
    write(root, "_site/index.html", "<p>home</p>")
    write(root, "_site/notes/a/index.html", "<p>a</p>")
    write(root, "_site/_hidden/x.css", "x{}")
    git("init", "-q", cwd=root)
    git("remote", "add", "origin", str(bare), cwd=root)
    git("add", "site.yaml", cwd=root)
    git("commit", "-q", "-m", "site", cwd=root)
    return root, bare


def branch_files(bare: Path, branch: str = "gh-pages") -> dict[str, str]:
    names = git("ls-tree", "-r", "--name-only", branch, cwd=bare).split()
    return {n: git("show", f"{branch}:{n}", cwd=bare) for n in names}


class Said(list):
    def __call__(self, line: str) -> None:
        self.append(line)


def test_the_site_lands_on_gh_pages_with_nojekyll_and_cname(repo):
    root, bare = repo
    said = Said()
    assert deploy(root, yes=True, say=said) == 0
    assert branch_files(bare) == {".nojekyll": "", "CNAME": "t.example\n", "index.html": "<p>home</p>",
                                  "notes/a/index.html": "<p>a</p>", "_hidden/x.css": "x{}"}
    source = git("rev-parse", "--short", "HEAD", cwd=root).strip()
    assert git("log", "-1", "--format=%s", "gh-pages", cwd=bare).strip() == \
        f"Publish the site from {source} (shiplog deploy)"
    assert "5 files changed" in said
    assert git("status", "--porcelain", cwd=root) == "?? _site/\n"     # the checkout is untouched


def test_history_is_kept_and_an_unchanged_site_makes_no_commit(repo):
    root, bare = repo
    deploy(root, yes=True, say=Said())
    (root / "_site/notes/a/index.html").unlink()
    write(root, "_site/index.html", "<p>home, changed</p>")
    said = Said()
    deploy(root, yes=True, say=said)
    assert said[1:4] == ["  update  index.html", "  delete  notes/a/index.html", "2 files changed"]
    assert "notes/a/index.html" not in branch_files(bare)
    assert len(git("log", "--format=%H", "gh-pages", cwd=bare).split()) == 2
    said = Said()
    assert deploy(root, yes=True, say=said) == 0
    assert said[-1] == "nothing to do: the branch already holds this site"
    assert len(git("log", "--format=%H", "gh-pages", cwd=bare).split()) == 2


def test_dry_run_and_refusal_push_nothing(repo):
    root, bare = repo
    said = Said()
    assert deploy(root, dry_run=True, say=said) == 0
    assert said[-1] == "dry run: nothing was changed"
    assert deploy(root, say=said, ask=lambda q: "no") == 1
    assert git("branch", "--list", cwd=bare) == ""


def test_another_branch_and_a_url_remote(repo, tmp_path):
    root, bare = repo
    other = tmp_path / "other.git"
    git("init", "-q", "--bare", str(other), cwd=tmp_path)
    write(root, "site.yaml", "title: T\nbase_url: https://t.example\nauthor: {name: A}\n"
                             f"deploy:\n  pages:\n    pages: {other.as_uri()}\n    branch: site\n")
    assert deploy(root, yes=True, say=Said()) == 0
    assert "CNAME" not in branch_files(other, "site")
    assert ".nojekyll" in branch_files(other, "site")


def test_an_unreachable_remote_is_an_error_at_its_line(repo, tmp_path):
    root, _ = repo
    write(root, "site.yaml", "title: T\nbase_url: https://t.example\nauthor: {name: A}\n"
                             f"deploy:\n  pages:\n    pages: {(tmp_path / 'gone.git').as_uri()}\n")
    result = run_shiplog("deploy", "--root", str(root), "--yes")
    assert result.code == 1
    assert result.err.startswith("site.yaml:6: git failed while reaching file://")
    assert "Traceback" not in result.err


def test_a_name_that_is_no_remote_is_an_error(repo):
    root, _ = repo
    write(root, "site.yaml", "title: T\nbase_url: https://t.example\nauthor: {name: A}\n"
                             "deploy:\n  pages:\n    pages: upstream\n    cname: Not A Domain\n")
    result = run_shiplog("deploy", "--root", str(root), "--yes")
    assert result.code == 1
    assert result.err.startswith("site.yaml:7: cname must be a bare domain like example.dev, not 'not a domain'")
    write(root, "site.yaml", "title: T\nbase_url: https://t.example\nauthor: {name: A}\n"
                             "deploy:\n  pages:\n    pages: upstream\n")
    with pytest.raises(SiteError, match="'upstream' is neither a git remote of this site"):
        deploy(root, yes=True, say=Said())
