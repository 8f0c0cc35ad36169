"""What full-text search costs: for the repository's own site and for the 10,000-post corpus,

- the clean build with and without the index (`--no-search`), empty store each time;
- Pagefind's own time on the indexed pages, and the index's size on disk;
- the bytes a reader's first query downloads, measured in Chromium (the search script, Pagefind's
  script and WebAssembly, the entry, the index chunks and the fragments of the results shown),
  beside search.json, the index this replaced (its size from a build at --old-commit).

    .venv/bin/python -m bench.search [--sizes real,10000] [--repeats 1] [--old-commit 8a94dd6]

Whole `shiplog build` processes; medians of --repeats runs.
"""
from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.sites import prepare

REPO = Path(__file__).resolve().parent.parent
PY = REPO / ".venv" / "bin" / "python"
WORK = REPO / "bench" / "out"


def site_root(size: str) -> Path:
    return REPO if size == "real" else prepare(WORK, "shiplog", int(size))


def clean_build(root: Path, out: Path, search: bool) -> float:
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(root / ".shiplog-cache", ignore_errors=True) if root != REPO else \
        shutil.rmtree(root / ".shiplog-cache/blobs/pagefind", ignore_errors=True)
    subprocess.run(["sync"], check=True)
    cmd = [str(PY), "-m", "generator", "build", "--no-proofs", "--root", str(root), "--out", str(out)]
    start = time.monotonic()
    subprocess.run(cmd + ([] if search else ["--no-search"]), cwd=REPO, check=True, capture_output=True)
    return time.monotonic() - start


def pagefind_alone(out: Path) -> float:
    from generator.searchindex import run_pagefind, snapshot_pages
    with tempfile.TemporaryDirectory(dir=out.parent) as scratch:
        pages = Path(scratch) / "pages"
        snapshot_pages(out, [p.relative_to(out).as_posix() for p in out.rglob("*.html")], pages)
        start = time.monotonic()
        run_pagefind(pages, Path(scratch) / "index")
        return time.monotonic() - start


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def first_query_bytes(out: Path, word: str) -> tuple[int, int]:
    """(bytes, requests) the browser fetched for search from opening the box to the results."""
    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(out))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    sizes: list[int] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{httpd.server_address[1]}/")
            page.wait_for_load_state("networkidle")
            page.on("response", lambda r: sizes.append(len(r.body())) if "/pagefind/" in r.url
                    or r.url.endswith("search-ui.js") else None)
            page.get_by_role("button", name="search").click()
            page.fill("#search-q", word)
            page.wait_for_function("() => /result|Nothing/.test(document.querySelector('.search-status').textContent)")
            page.wait_for_load_state("networkidle")
            browser.close()
    finally:
        httpd.shutdown()
    return sum(sizes), len(sizes)


def old_search_json(root: Path, commit: str) -> int:
    """search.json's size in a build by the generator at `commit` (before Pagefind)."""
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "old"
        subprocess.run(["git", "worktree", "add", "--detach", str(tree), commit], cwd=REPO, check=True,
                       capture_output=True)
        try:
            site = root if root != REPO else tree
            out = Path(tmp) / "site"
            subprocess.run([str(PY), "-m", "generator", "build", "--no-proofs", "--root", str(site),
                            "--out", str(out)], cwd=tree, check=True, capture_output=True)
            return (out / "search.json").stat().st_size
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=REPO, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="real,10000")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--old-commit", default="8a94dd6")
    parser.add_argument("--word", default="idempotency")
    args = parser.parse_args()
    rows = []
    for size in args.sizes.split(","):
        root = site_root(size)
        out = WORK / "search" / size
        out.parent.mkdir(parents=True, exist_ok=True)
        without = statistics.median(clean_build(root, out, False) for _ in range(args.repeats))
        with_index = statistics.median(clean_build(root, out, True) for _ in range(args.repeats))
        alone = pagefind_alone(out)
        pages = len(list((out / "pagefind" / "fragment").iterdir()))
        query, requests = first_query_bytes(out, args.word)
        rows.append((size, pages, without, with_index, alone, folder_bytes(out / "pagefind"), query, requests,
                     old_search_json(root, args.old_commit)))
        print(rows[-1], file=sys.stderr, flush=True)
    print("| site | pages indexed | build, no search | build with index | Pagefind alone | index on disk "
          "| first query downloads | search.json before |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for size, pages, without, with_index, alone, disk, query, requests, old in rows:
        print(f"| {size} | {pages:,} | {without:.1f} s | {with_index:.1f} s (+{(with_index / without - 1) * 100:.0f}%) "
              f"| {alone:.1f} s | {disk / 1e6:.1f} MB | {query / 1e3:.0f} KB in {requests} requests "
              f"| {old / 1e3:.0f} KB |")


if __name__ == "__main__":
    main()
