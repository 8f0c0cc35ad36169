"""The built sites, checked from the outside with real tools: every HTML page through the Nu HTML
Checker, feed.xml through feedparser, sitemap.xml against the pages on disk, and every internal
link and #anchor resolved on the output files (independently of `shiplog check`).

Both the repo's own site (built with --no-proofs) and the sample site tests/sites/basic."""
from __future__ import annotations

import functools
import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from browser.sitebuild import NODE_MODULES, html_pages, missing_tool, real_site, sample_site, url_of

VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
SITES = {"real": real_site, "sample": sample_site}


@pytest.fixture(params=list(SITES), scope="module")
def out(request) -> Path:
    return SITES[request.param]()


def base_url(out: Path) -> str:
    """The site's public address, as the output itself states it (robots.txt's Sitemap line)."""
    line = next(l for l in (out / "robots.txt").read_text().splitlines() if l.startswith("Sitemap:"))
    return line.split(":", 1)[1].strip().removesuffix("/sitemap.xml")


class Page(HTMLParser):
    """Ids, links and the robots meta of one HTML file."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[tuple[int, str]] = []
        self.noindex = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and "name" in a:
            self.ids.add(a["name"])
        for attr in ("href", "src"):
            if attr in a:
                self.refs.append((self.getpos()[0], a[attr]))
        if "srcset" in a:
            self.refs += [(self.getpos()[0], part.split()[0]) for part in a["srcset"].split(",") if part.strip()]
        if tag == "meta" and a.get("name") == "robots" and "noindex" in a.get("content", ""):
            self.noindex = True


@functools.cache
def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def local_file(out: Path, path: str) -> Path | None:
    """The output file a URL path is served from, as a static host would: folder -> index.html."""
    rel = unquote(path).lstrip("/")
    target = out / rel
    if path.endswith("/") or not rel:
        target = target / "index.html"
    elif target.is_dir():
        target = target / "index.html"
    return target if target.is_file() and target.resolve().is_relative_to(out.resolve()) else None


def test_every_html_page_and_stylesheet_passes_the_nu_html_checker(out):
    java = shutil.which("java")
    if not java:
        missing_tool("java", "apt-get install default-jre-headless")
    if not VNU.is_file():
        missing_tool("vnu-jar", "npm ci in the repo root")
    pages = html_pages(out)
    assert len(pages) > 10
    files = pages + sorted(out.rglob("*.css")) + sorted(out.rglob("*.svg"))   # the stylesheets too
    proc = subprocess.run([java, "-Xss4m", "-jar", str(VNU), "--format", "json", "--also-check-css",
                           "--also-check-svg", *map(str, files)],
                          capture_output=True, text=True, timeout=600)
    messages = json.loads(proc.stderr or proc.stdout)["messages"]
    errors = [f"{urlsplit(m.get('url', '')).path.removeprefix(str(out))}:{m.get('lastLine', '?')}: "
              f"{m['message']}" for m in messages if m["type"] in {"error", "non-document-error"}]
    assert not errors, f"{len(errors)} errors:\n" + "\n".join(errors[:50])


def test_feed_is_atom_and_every_entry_links_to_a_real_page(out):
    feedparser = _feedparser()
    base = base_url(out)
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title and feed.feed.updated_parsed
    assert feed.entries, "the feed has no entries"
    ids = [e.id for e in feed.entries]
    assert len(set(ids)) == len(ids), "entry ids repeat"
    for entry in feed.entries:
        assert entry.title and entry.published_parsed and entry.updated_parsed, entry.id
        assert entry.link.startswith(base + "/"), entry.link
        page = local_file(out, urlsplit(entry.link).path)
        assert page is not None, f"feed entry {entry.title!r} links to {entry.link}, which is not in the site"
        assert not parse(page).noindex, f"feed entry {entry.link} is a noindex page"


def _feedparser():
    try:
        import feedparser
    except ImportError:
        missing_tool("feedparser", "pip install -e '.[test]'")
    return feedparser


def test_sitemap_lists_every_public_page_and_nothing_else(out):
    base = base_url(out)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [e.text or "" for e in ET.parse(out / "sitemap.xml").getroot().findall("s:url/s:loc", ns)]
    assert len(set(locs)) == len(locs), "the sitemap repeats URLs"
    assert all(loc.startswith(base + "/") for loc in locs), [l for l in locs if not l.startswith(base)]
    listed = {urlsplit(loc).path for loc in locs}
    public = {url_of(out, p) for p in html_pages(out) if p.name != "404.html" and not parse(p).noindex}
    assert listed - public == set(), "listed but not a public page"
    assert public - listed == set(), "public pages missing from the sitemap"


def test_no_broken_internal_link_or_anchor(out):
    base = base_url(out)
    page_of = parse
    broken = []
    for path in html_pages(out):
        here = url_of(out, path)
        for line, ref in page_of(path).refs:
            if ref.startswith(base + "/") or ref == base:
                ref = ref[len(base):] or "/"
            parts = urlsplit(urljoin(here, ref))
            if parts.scheme in {"http", "https"} and ref.startswith(("http:", "https:", "//")):
                continue                                  # another site: not ours to check
            if parts.scheme in {"mailto", "tel", "data"}:
                continue
            where = f"{here} (line {line}) -> {ref}"
            if parts.scheme == "javascript":
                broken.append(f"{where}: javascript: URL")
                continue
            target = local_file(out, parts.path) if parts.path else path
            if target is None:
                broken.append(f"{where}: no such file")
            elif parts.fragment and (target.suffix != ".html"
                                     or unquote(parts.fragment) not in page_of(target).ids):
                broken.append(f"{where}: no element with id {parts.fragment!r}")
    assert not broken, f"{len(broken)} broken:\n" + "\n".join(broken[:60])
