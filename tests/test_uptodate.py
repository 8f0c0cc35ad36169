"""`shiplog build` with nothing changed answers from the last build's manifest (uptodate.py).

Every test runs the real CLI on real files. A change of any input, option or output file must
lead to a real build whose output equals a clean build's; nothing else may."""
from __future__ import annotations

import os
import pickle
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from generator.incremental.inventory import RACY_SECONDS
from generator.incremental.store import CACHE_DIR, SERVE_DIR
from generator.incremental.inventory import THEME_DIR
from sitekit import NEW_POST, SITES, Run, edit_text as edit, run_shiplog, tree, write

UP_TO_DATE = "; up to date)"


def shiplog_build(root: Path, *args: str, env: dict[str, str] | None = None) -> Run:
    result = run_shiplog("build", "--root", str(root), "--no-proofs", *args, env=env)
    assert result.code == 0, result.err
    return result


def manifests(root: Path) -> list[Path]:
    return sorted((root / CACHE_DIR).glob("uptodate-*.pickle"))


def assert_matches_clean_build(root: Path, out: Path, *args: str) -> None:
    clean = root.parent / f"clean-{out.name}"
    shutil.rmtree(clean, ignore_errors=True)
    shiplog_build(root, "--no-cache", "--out", str(clean), *args)
    got, want = tree(out), tree(clean)
    assert sorted(got) == sorted(want), "file sets differ from a clean build"
    assert [p for p in want if got[p] != want[p]] == [], "files differ from a clean build"


def _with_site_template(root: Path) -> None:
    write(root, "templates/post.html", (THEME_DIR / "post.html").read_text() + "<!-- the site's own -->\n")


def _with_proof_cache(root: Path) -> None:
    result = run_shiplog("build", "--root", str(root))          # runs the demo's proof once
    assert result.code == 0, result.err
    assert (root / ".shiplog-cache/proofs/demo.json").is_file()


PREPARE: dict[str, Callable[[Path], None]] = {
    "edit site template": _with_site_template,
    "edit proof cache": _with_proof_cache,
}

CHANGES: dict[str, Callable[[Path], None]] = {
    "edit post": lambda root: edit(root, "content/posts/oldest.md", "Hello, world.", "Hello, changed world."),
    "add post": lambda root: write(root, "content/posts/brand-new.md", NEW_POST),
    "delete post": lambda root: (root / "content/posts/pictures.md").unlink(),
    "rename post": lambda root: (root / "content/posts/oldest.md").rename(root / "content/posts/first.md"),
    "edit page": lambda root: edit(root, "content/pages/about.md", "title: About", "title: About me"),
    "add site template": _with_site_template,
    "edit site template": lambda root: edit(root, "templates/post.html", "the site's own", "edited"),
    "edit site.yaml": lambda root: edit(root, "site.yaml", "title: Sample Site", "title: Renamed Site"),
    "add static file": lambda root: write(root, "static/img/two.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>\n"),
    "edit card": lambda root: edit(root, "projects/demo/card.yaml", "Adds numbers", "Adds up numbers"),
    "edit project source": lambda root: edit(root, "projects/demo/__main__.py", "total = ", "total  = "),
    "add project source": lambda root: write(root, "projects/demo/notes.txt", "A new source file.\n"),
    "edit proof cache": lambda root: edit(root, ".shiplog-cache/proofs/demo.json", '"total": 499500',
                                          '"total": 499501'),
    "delete output file": lambda root: (root / "_site/notes/oldest/index.html").unlink(),
    "delete page index": lambda root: [p.unlink() for p in (root / CACHE_DIR).glob("pages-*.pickle")],
}


@pytest.fixture(scope="module")
def aged_sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """Copies of the sample site, one per test, whose files are all older than the racy window:
    the manifest trusts no file changed within RACY_SECONDS of its build, so without the wait
    a second build would never be up to date. (One wait for the whole module.)"""
    base = tmp_path_factory.mktemp("uptodate")
    names = [*CHANGES, "unchanged", "racy edit", "racy rule", "corrupt", "failed", "drafts", "out",
             "epoch", "serve out", "imports"]
    sites = {name: shutil.copytree(SITES / "basic", base / name.replace(" ", "-") / "site",
                                   ignore=shutil.ignore_patterns(".shiplog-cache", "_site", "__pycache__"))
             for name in names}
    for name, prepare in PREPARE.items():
        prepare(sites[name])
    time.sleep(RACY_SECONDS + 0.3)
    yield sites


def built_twice(root: Path, *args: str) -> Path:
    """Build, then build again: the second build must be answered from the manifest."""
    first = shiplog_build(root, *args)
    assert UP_TO_DATE not in first.out
    again = shiplog_build(root, *args)
    assert again.out.rstrip().endswith(UP_TO_DATE), again.out
    return root / "_site"


def test_nothing_changed_is_up_to_date_and_writes_nothing(aged_sites: dict[str, Path]) -> None:
    root = aged_sites["unchanged"]
    out = built_twice(root)
    before = {p: (p.stat().st_mtime_ns, p.stat().st_ino) for p in out.rglob("*")}
    contents = tree(out)
    third = shiplog_build(root)
    assert third.out.rstrip().endswith(UP_TO_DATE)
    assert "0 pages rendered" in third.out and "(3 published, 1 in progress, 1 projects;" in third.out
    assert {p: (p.stat().st_mtime_ns, p.stat().st_ino) for p in out.rglob("*")} == before
    assert tree(out) == contents
    assert_matches_clean_build(root, out)


def test_up_to_date_check_imports_no_heavy_library(aged_sites: dict[str, Path]) -> None:
    root = aged_sites["imports"]
    built_twice(root)
    result = run_shiplog("build", "--root", str(root), "--no-proofs", env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert result.out.rstrip().endswith(UP_TO_DATE)
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.err.splitlines() if "|" in line}
    assert "generator.commands.cli" in imported and "generator.incremental.uptodate" in imported
    assert not imported & {"jinja2", "markdown_it", "pygments", "yaml", "generator.load.read",
                           "generator.render.pages"}


@pytest.mark.parametrize("change", CHANGES)
def test_any_change_rebuilds_like_a_clean_build(aged_sites: dict[str, Path], change: str) -> None:
    root = aged_sites[change]
    out = built_twice(root)
    CHANGES[change](root)
    result = shiplog_build(root)
    assert UP_TO_DATE not in result.out
    assert_matches_clean_build(root, out)


def test_options_are_part_of_the_manifest(aged_sites: dict[str, Path]) -> None:
    root = aged_sites["drafts"]
    out = built_twice(root)
    drafts = shiplog_build(root, "--drafts")
    assert UP_TO_DATE not in drafts.out
    assert (out / "notes/draft-one/index.html").is_file()
    assert_matches_clean_build(root, out, "--drafts")
    assert UP_TO_DATE not in shiplog_build(root).out
    assert not (out / "notes/draft-one").exists()
    assert_matches_clean_build(root, out)


def test_each_output_folder_has_its_own_manifest(aged_sites: dict[str, Path]) -> None:
    root = aged_sites["out"]
    out = built_twice(root)
    other = root.parent / "other"
    assert UP_TO_DATE not in shiplog_build(root, "--out", str(other)).out
    assert tree(other) == tree(out)
    assert shiplog_build(root, "--out", str(other)).out.rstrip().endswith(UP_TO_DATE)
    assert shiplog_build(root).out.rstrip().endswith(UP_TO_DATE)
    assert len(manifests(root)) == 2


def test_source_date_epoch_is_an_option(aged_sites: dict[str, Path]) -> None:
    root = aged_sites["epoch"]
    built_twice(root)
    assert UP_TO_DATE not in shiplog_build(root, env={"SOURCE_DATE_EPOCH": "1700000000"}).out


def test_another_build_into_the_folder_is_seen(aged_sites: dict[str, Path]) -> None:
    """Any build into the output folder (here serve's own, with drafts) rewrites its page index."""
    from generator.engine import build

    root = aged_sites["serve out"]
    out = built_twice(root)
    build(root, out, drafts=True, proofs=False)
    assert (out / "notes/draft-one/index.html").is_file()
    assert UP_TO_DATE not in shiplog_build(root).out
    assert not (out / "notes/draft-one").exists()
    assert_matches_clean_build(root, out)
    assert not (root / SERVE_DIR).exists()


def test_same_size_edit_within_the_racy_window_is_seen(aged_sites: dict[str, Path]) -> None:
    """An edit that keeps the size and the mtime, made right after the build: only ctime shows it."""
    root = aged_sites["racy edit"]
    out = built_twice(root)
    post = root / "content/posts/oldest.md"
    st = post.stat()
    edit(root, "content/posts/oldest.md", "Hello, world.", "Hello, World.")
    os.utime(post, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert post.stat().st_size == st.st_size and post.stat().st_mtime_ns == st.st_mtime_ns
    assert UP_TO_DATE not in shiplog_build(root).out
    assert "Hello, World." in (out / "notes/oldest/index.html").read_text()
    assert_matches_clean_build(root, out)


def test_a_file_changed_just_before_a_build_is_not_trusted_by_the_next(aged_sites: dict[str, Path]) -> None:
    """git's racy-clean rule: a file whose mtime is within RACY_SECONDS of when the manifest's
    signatures were taken could change again without changing them, so it is never trusted.
    (An mtime a little in the future stands for "just now" without a timing-dependent test.)"""
    root = aged_sites["racy rule"]
    built_twice(root)
    post = root / "content/posts/oldest.md"
    soon = time.time_ns() + 5 * 10**9
    os.utime(post, ns=(soon, soon))
    first = shiplog_build(root)
    assert UP_TO_DATE not in first.out
    data = pickle.loads(manifests(root)[0].read_bytes())
    assert data["inputs"][str(post)][0] == soon and data["taken_ns"] < soon
    second = shiplog_build(root, "--debug")              # nothing changed since, but not trusted
    assert UP_TO_DATE not in second.out
    assert "changed too close to the last build" in second.err


def test_a_corrupt_manifest_means_a_normal_build(aged_sites: dict[str, Path]) -> None:
    root = aged_sites["corrupt"]
    out = built_twice(root)
    [manifest] = manifests(root)
    manifest.write_bytes(b"not a pickle")
    result = shiplog_build(root)
    assert UP_TO_DATE not in result.out and result.err == ""
    assert shiplog_build(root).out.rstrip().endswith(UP_TO_DATE)
    manifest.write_bytes(pickle.dumps({"format": 1}))         # readable, but not a manifest
    assert UP_TO_DATE not in shiplog_build(root).out
    assert_matches_clean_build(root, out)


def test_a_failed_build_leaves_no_manifest(aged_sites: dict[str, Path]) -> None:
    root = aged_sites["failed"]
    out = built_twice(root)
    (out / "notes/oldest/index.html").unlink()                 # so the next build is a real one
    edit(root, "content/posts/oldest.md", "date: 2026-03-01", "date: not-a-date")
    failed = run_shiplog("build", "--root", str(root), "--no-proofs")
    assert failed.code == 1 and "bad date" in failed.err
    assert manifests(root) == []
    edit(root, "content/posts/oldest.md", "date: not-a-date", "date: 2026-03-01")
    assert UP_TO_DATE not in shiplog_build(root).out
    assert_matches_clean_build(root, out)


def test_no_cache_builds_always_and_leaves_no_manifest(site: Path) -> None:
    shiplog_build(site)
    assert len(manifests(site)) == 1
    result = shiplog_build(site, "--no-cache")
    assert UP_TO_DATE not in result.out and "0 unchanged" in result.out
    assert manifests(site) == []
