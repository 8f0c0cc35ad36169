"""Full-text search: the Pagefind index of a built site.

Pagefind reads the built pages, keeps only what sits inside `data-pagefind-body` (posts, pages,
project pages and source pages carry it; lists and tag pages do not) and writes `pagefind/`: an
entry file, index chunks and one fragment per page, which its JavaScript fetches as a query needs
them. The index depends on nothing but those pages, so it is kept in the store under a digest of
their bytes: a build that changed no indexed page copies the stored index instead of running
Pagefind again, which is most of a rebuild's time at 10,000 posts.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import io
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from generator.errors import SiteError
from generator.incremental.store import Blobs, keep_newest

INDEX_DIR = "pagefind"
MARK = b"data-pagefind-body"
EXCLUDE = (".ln",)
"""Selectors Pagefind skips inside an indexed page: the line numbers of source pages."""
UNUSED = re.compile(r"pagefind-(component-|modular-)?ui\.(js|css)|pagefind-highlight\.js|wasm\.unknown\.pagefind")
"""Pagefind's own search widgets, its highlighter and the index for pages of no language: the site
has its own search box (static/search-ui.js) and indexes everything as English."""
KEEP_INDEXES = 2
"""Stored indexes kept: at 10,000 posts one is about 60 MB."""


def pagefind_version() -> str:
    try:
        return version("pagefind-bin")
    except PackageNotFoundError:
        return "unknown"


def snapshot_pages(site: Path, html_paths: Iterable[str], into: Path) -> list[tuple[str, bytes]]:
    """Hard-link the pages Pagefind will index into `into`, keeping their paths (copy where links
    are refused), and return (path, bytes) of each in a stable order. The output is only ever
    updated by renaming new files into place, so a link keeps the page as it was when linked:
    the index is made from exactly the bytes its key names, even while serve rebuilds."""
    pages = []
    for rel in sorted(p for p in html_paths if p.endswith(".html")):
        dest = into / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(site / rel, dest)
        except FileNotFoundError:
            continue
        except OSError:
            shutil.copyfile(site / rel, dest)
        data = dest.read_bytes()
        if MARK in data:
            pages.append((rel, data))
        else:
            dest.unlink()
    return pages


def index_key(blobs: Blobs, pages: list[tuple[str, bytes]]) -> str:
    parts: list[str | bytes] = [pagefind_version(), *EXCLUDE]
    for rel, data in pages:
        parts += [rel, hashlib.sha256(data).digest()]
    return blobs.key(*parts)


def run_pagefind(site: Path, into: Path) -> int:
    """Index the pages under `site` into the folder `into`; the number of pages indexed."""
    try:
        from pagefind.index import IndexConfig, PagefindIndex
        from pagefind.service import get_executable
    except ImportError:
        raise SiteError("full-text search needs Pagefind, which is not installed",
                        hint="run `make install` (it installs pagefind[bin] from PyPI), "
                             "or build with --no-search") from None
    binary = get_executable()
    if binary is None or not binary.is_file():
        raise SiteError(f"full-text search needs the Pagefind binary, and {binary or 'none'} is not one",
                        hint="run `make install` (it installs pagefind[bin]), unset PAGEFIND_BINARY_PATH, "
                             "or build with --no-search")

    async def index() -> int:
        config = IndexConfig(exclude_selectors=list(EXCLUDE), force_language="en",
                             output_path=str(into))
        async with PagefindIndex(config) as pagefind:       # leaving it writes the files
            found = await pagefind.add_directory(str(site))
        return int(found["page_count"])

    try:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(index())
        # This thread already runs an event loop (Playwright's sync API does): Pagefind gets its own.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, index()).result()
    except SiteError:
        raise
    except Exception as exc:                                # the binary's own errors
        raise SiteError(f"Pagefind could not index the site: {exc}") from None


def _zip(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:   # fragments are gzip already
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and not UNUSED.fullmatch(p.name)):
            info = zipfile.ZipInfo(path.relative_to(folder).as_posix(), date_time=(1980, 1, 1, 0, 0, 0))
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def _unzip(data: bytes, folder: Path) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(folder)


def stored_index(root: Path, site: Path, html_paths: Iterable[str]) -> tuple[str, bytes]:
    """(key, zip of the index folder) for the site's indexed pages: from the store, or made."""
    blobs = Blobs(root, "pagefind", "1")
    with tempfile.TemporaryDirectory(prefix=".pagefind-", dir=site.parent) as scratch:
        pages = Path(scratch) / "pages"
        key = index_key(blobs, snapshot_pages(site, html_paths, pages))
        found = blobs.get(key)
        if found is None:
            run_pagefind(pages, Path(scratch) / INDEX_DIR)
            found = _zip(Path(scratch) / INDEX_DIR)
            blobs.put(key, found)
            keep_newest(blobs.folder, "*", KEEP_INDEXES)
    return key, found


def write_index(root: Path, site: Path, html_paths: Iterable[str]) -> list[str]:
    """Put the index in `site/pagefind/`, swapped in whole; the paths of its files."""
    _, data = stored_index(root, site, html_paths)
    target = site / INDEX_DIR
    fresh = site / f".{INDEX_DIR}.new-{os.getpid()}"
    old = site / f".{INDEX_DIR}.old-{os.getpid()}"
    shutil.rmtree(fresh, ignore_errors=True)
    try:
        _unzip(data, fresh)
        if target.exists():
            os.replace(target, old)
        os.replace(fresh, target)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [f"{INDEX_DIR}/{name}" for name in archive.namelist()]


def index_in_memory(root: Path, site: Path, html_paths: Iterable[str]) -> tuple[str, dict[str, bytes]]:
    """(key, {path under /pagefind/: bytes}), for serve, which answers from memory."""
    key, data = stored_index(root, site, html_paths)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return key, {name: archive.read(name) for name in archive.namelist()}
