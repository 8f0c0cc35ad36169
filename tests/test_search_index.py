"""The full-text index: what Pagefind is given, that it is kept in the store by the pages it
indexes, and that serve answers it from memory. Finding words in it is tested in real Chromium
(tests/browser/test_search.py)."""
from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import cbor2
import pytest

from generator.engine import build
from generator.errors import BuildFailed
from generator.searchindex import run_pagefind

INDEX = "pagefind"


def fragments(out: Path) -> dict[str, dict]:
    """Each indexed page's fragment (its URL, title, filters and text), by URL."""
    pages = {}
    for path in (out / INDEX / "fragment").iterdir():
        data = json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
        pages[data["url"]] = data
    return pages


def stored(root: Path) -> list[Path]:
    return sorted((root / ".shiplog-cache/blobs/pagefind").glob("*"))


@pytest.fixture
def built(site: Path) -> Path:
    build(site, site / "_site")
    return site / "_site"


def test_posts_pages_and_projects_are_indexed_lists_are_not(site: Path, built: Path) -> None:
    pages = fragments(built)
    assert "/notes/oldest/" in pages and "/projects/" not in pages and "/tags/" not in pages
    assert not [url for url in pages if url.startswith("/tags/")] and "/" not in pages
    oldest = pages["/notes/oldest/"]
    assert "Hello, world." in oldest["content"]                     # the body, every word of it
    assert "min read" not in oldest["content"]                      # the meta line is left out
    assert oldest["filters"]["kind"] == ["note"]
    for url, page in pages.items():
        assert page["filters"]["kind"][0] in {"note", "page", "project", "source"}, url


def test_source_pages_are_indexed_without_line_numbers(site: Path, built: Path) -> None:
    sources = {url: p for url, p in fragments(built).items() if p["filters"]["kind"] == ["source"]}
    assert sources, "no source page indexed"
    page = next(iter(sources.values()))
    first_words = page["content"].split()[:12]
    assert not any(word.isdigit() for word in first_words), first_words


def test_an_edit_outside_indexed_pages_reuses_the_stored_index(site: Path, built: Path) -> None:
    [blob] = stored(site)
    made = blob.stat().st_mtime_ns
    css = site / "static" / "extra.css"
    css.parent.mkdir(exist_ok=True)
    css.write_text("body { color: red }\n")
    build(site, built)
    assert stored(site) == [blob] and blob.stat().st_mtime_ns == made     # Pagefind did not run
    post = site / "content/posts/oldest.md"
    post.write_text(post.read_text().replace("Hello, world.", "Hello, indexed world."))
    build(site, built)
    assert len(stored(site)) == 2
    assert "Hello, indexed world." in fragments(built)["/notes/oldest/"]["content"]
    build(site, site / "clean", incremental=False)
    assert tree(built / INDEX) == tree(site / "clean" / INDEX)        # one store, the same bytes


def test_no_search_leaves_the_index_out_and_the_next_build_puts_it_back(site: Path, built: Path) -> None:
    build(site, built, search=False)
    assert not (built / INDEX).exists()
    build(site, built)
    assert (built / INDEX / "pagefind.js").is_file()


def test_a_missing_pagefind_binary_is_one_clear_error(site: Path, built: Path, monkeypatch) -> None:
    before = tree(built)
    post = site / "content/posts/oldest.md"
    post.write_text(post.read_text().replace("Hello, world.", "Hello, other world."))
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(site / "no-such-pagefind"))
    with pytest.raises(BuildFailed) as failed:
        build(site, site / "_site", incremental=False)
    message = str(failed.value)
    assert "Pagefind binary" in message and "no-such-pagefind" in message and "--no-search" in message
    assert tree(built) == before                                      # the last good site stays


def test_two_pagefind_runs_agree_by_content(built: Path, tmp_path: Path) -> None:
    """Pagefind lists a filter's pages in hash-map order, which changes from run to run: the bytes
    of filter files differ, their content does not. Everything else is byte-identical."""
    pages = tmp_path / "pages"
    shutil.copytree(built, pages, ignore=shutil.ignore_patterns(INDEX))
    one, two = tmp_path / "one", tmp_path / "two"
    run_pagefind(pages, one)
    run_pagefind(pages, two)
    assert content(one) == content(two)


def content(index: Path) -> dict:
    files = {}
    for path in sorted(index.rglob("*")):
        if path.suffix == ".pf_filter":
            data = cbor2.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
            name, values = data
            files[f"filter {name}"] = sorted((v, tuple(ids)) for v, ids in values)
        elif path.is_file() and path.suffix not in (".pf_meta",) and path.name != "pagefind-entry.json":
            files[path.relative_to(index).as_posix()] = path.read_bytes()
    return files


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_serve_indexes_after_each_good_build_and_answers_from_memory(site: Path) -> None:
    import time

    from generator.commands.liveindex import LiveIndex
    from generator.engine import Engine, Options

    engine = Engine(site, site / "_serve", Options(drafts=True, search=False), keep_warm=True)
    index = LiveIndex(site, engine.out)

    def served_text(url: str, deadline: float = 60.0) -> str:
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            if index.ready():
                for name in index.files or {}:
                    if name.startswith("fragment/"):
                        data = json.loads(gzip.decompress(index.get(name)).removeprefix(b"pagefind_dcd"))
                        if data["url"] == url:
                            return data["content"]
            time.sleep(0.05)
        raise AssertionError(f"{url} never indexed")

    try:
        assert not index.ready()
        index.refresh(engine.build().written)
        assert "Hello, world." in served_text("/notes/oldest/")
        assert not (engine.out / INDEX).exists()                     # memory only, never the folder
        post = site / "content/posts/oldest.md"
        post.write_text(post.read_text().replace("Hello, world.", "Hello, served world."))
        index.refresh(engine.build({str(post)}).written)
        end = time.monotonic() + 60
        while "served world" not in served_text("/notes/oldest/"):
            assert time.monotonic() < end, "the edit never reached the index"
            time.sleep(0.05)
    finally:
        index.stop()
