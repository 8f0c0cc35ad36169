"""A whole build of the sample site: every page type, its metadata, and reproducible output."""
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sitekit import run_shiplog, tree, write

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def built(site: Path) -> Path:
    result = run_shiplog("build", "--root", str(site), "--out", str(site / "_site"))
    assert result.code == 0, result.err
    assert "3 published, 1 in progress, 1 projects" in result.out
    return site / "_site"


def read(out: Path, rel: str) -> str:
    return (out / rel).read_text(encoding="utf-8")


def jsonld(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))


def test_every_page_type_is_written(built):
    for rel in ["index.html", "notes/index.html", "notes/page/2/index.html",
                "notes/code-heavy/index.html", "projects/index.html", "projects/demo/index.html",
                "projects/demo/src/__main__.py.html", "tags/index.html", "tags/python/index.html",
                "about/index.html", "feed.xml", "sitemap.xml", "robots.txt", "404.html",
                "projects.json", "static/site.css", "static/syntax.css", "img/one.svg"]:
        assert (built / rel).is_file(), rel
    assert not (built / "notes/draft-one").exists()       # drafts are not published


def test_home_shows_pitch_cards_and_latest_posts(built):
    html = read(built, "index.html")
    assert "<h1 id=\"who\">Sam Sample</h1>" in html and "Builds small things" in html
    assert "// systems shipped" in html and "Built. Not described." in html
    assert 'href="/projects/demo/">Demo</a>' in html and "Sums a range &amp; prints it" in html
    assert "sum of 1,000 numbers is 499,500" in html
    assert html.count('class="post-item"') == 2              # home.latest_posts
    assert jsonld(html)["@type"] == "Person"


def test_build_log_stats_drafts_and_pagination(built):
    html = read(built, "notes/index.html")
    assert "3 published · 1 in progress · last post May 2026" in html
    assert 'value="37"' in html and "37%" in html             # 15 written words of 40
    assert "Coming soon" in html and "Half written." in html
    assert html.count('class="post-item"') == 2 + 1            # 2 per page + 1 teaser
    assert 'href="/notes/page/2/" rel="next"' in html
    assert "The oldest post" in read(built, "notes/page/2/index.html")


def test_post_page(built):
    html = read(built, "notes/code-heavy/index.html")
    assert "<h1 id=\"page_title\">A code-heavy post</h1>" in html
    assert '<time datetime="2026-05-14">14 May 2026</time>' in html and "⏱ 1 min read" in html
    assert 'aria-label="Contents"' in html and 'href="#setup"' in html     # 3 headings -> TOC
    assert '<span class="k">def</span>' in html
    assert 'aria-labelledby="card-demo"' in html                            # its project card
    assert 'href="/notes/pictures/" rel="prev"' in html
    assert 'rel="canonical" href="https://example.test/notes/code-heavy/"' in html
    assert 'property="og:type" content="article"' in html and 'name="twitter:card"' in html
    data = jsonld(html)
    assert data["@type"] == "BlogPosting" and data["datePublished"] == "2026-05-14"
    assert 'aria-label="Contents"' not in read(built, "notes/oldest/index.html")   # no headings


def test_project_page_shows_card_figures_run_instructions_readme_sources_and_posts(built):
    html = read(built, "projects/demo/index.html")
    assert "sum of 1,000 numbers is 499,500" in html and "nested ok: True" in html
    assert "$ python -m projects.demo --n 1000 --json" in html
    assert re.search(r'source [0-9a-f]{16}', html)
    assert "Run it yourself" in html and "git clone https://code.example.test/sam/sample.git" in html
    assert "A module that adds numbers." in html                            # README
    assert 'href="/projects/demo/src/__main__.py.html"' in html
    assert 'href="/projects/demo/src/tests/test_demo.py.html"' in html      # tests listed
    assert 'href="/notes/code-heavy/"' in html                              # its posts
    assert jsonld(html)["@type"] == "SoftwareSourceCode"
    source = read(built, "projects/demo/src/__main__.py.html")
    assert 'id="L3"' in source and 'href="#L3"' in source


def test_tags_and_pages(built):
    tags = read(built, "tags/index.html")
    assert 'href="/tags/python/">Python</a>' in tags                       # most used spelling
    python = read(built, "tags/python/index.html")
    assert "A code-heavy post" in python and "A post with pictures" in python and "Demo" in python
    assert "I am a sample author." in read(built, "about/index.html")
    assert 'href="/about/">about</a>' in read(built, "index.html")         # pages in the nav


def test_feed_is_atom_with_full_content(built):
    feed = ET.fromstring(read(built, "feed.xml"))
    assert feed.tag == ATOM + "feed"
    entries = feed.findall(ATOM + "entry")
    assert [e.find(ATOM + "title").text for e in entries] == [
        "A code-heavy post", "A post with pictures", "The oldest post"]
    content = entries[0].find(ATOM + "content")
    assert content.get("type") == "html" and '<span class="k">def</span>' in content.text
    assert feed.find(ATOM + "updated").text == "2026-05-14T00:00:00Z"
    assert 'rel="alternate" type="application/atom+xml"' in read(built, "index.html")


def test_sitemap_lists_public_pages_only(built):
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    locs = [u.find(ns + "loc").text for u in ET.fromstring(read(built, "sitemap.xml"))]
    assert "https://example.test/notes/code-heavy/" in locs
    assert "https://example.test/notes/page/2/" in locs
    assert "https://example.test/about/" in locs
    assert not any("draft-one" in l or "404" in l for l in locs)
    for loc in locs:
        rel = loc.removeprefix("https://example.test/")
        assert (built / rel / "index.html").is_file() or (built / rel).is_file(), loc


def test_drafts_flag_publishes_drafts_marked_as_drafts(site):
    result = run_shiplog("build", "--root", str(site), "--out", str(site / "_site"), "--drafts")
    assert result.code == 0, result.err
    html = read(site / "_site", "notes/draft-one/index.html")
    assert "Draft, 37% written (15 of 40 words). Not published." in html
    assert '<meta name="robots" content="noindex">' in html


def test_two_builds_are_byte_identical(site, tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    assert run_shiplog("build", "--root", str(site), "--out", str(one)).code == 0
    assert run_shiplog("build", "--root", str(site), "--out", str(two),
                       env={"SOURCE_DATE_EPOCH": "1700000000"}).code == 0
    assert tree(one) == tree(two)


def test_a_deleted_post_disappears_on_rebuild(site, built):
    (site / "content/posts/oldest.md").unlink()
    assert run_shiplog("build", "--root", str(site), "--out", str(built)).code == 0
    assert not (built / "notes/oldest").exists()


def test_unknown_language_and_cjk_in_a_real_post(site, built):
    html = read(built, "notes/pictures/index.html")
    assert "日本語の文章です。" in html and "an HTML comment" not in html
    assert html.count('loading="lazy"') == 2 and html.count('fetchpriority="high"') == 1    # all but the first


def test_author_headings_never_clash_with_the_page_own_ids(site):
    write(site, "content/posts/oldest.md", "---\ntitle: T\ndate: 2026-03-01\n---\n## Title\n\n## Main content\n\n## Page title\n")
    assert run_shiplog("build", "--root", str(site), "--out", str(site / "_site")).code == 0
    ids = re.findall(r'\sid="([^"]+)"', read(site / "_site", "notes/oldest/index.html"))
    assert len(ids) == len(set(ids)), ids


def test_contents_nest_subsections_inside_their_section(site):
    """A flat list numbered the h3s too (1, 2, 3, then 8 after four sub-items); each section's
    sub-sections are now a list inside its item, so sections number 1, 2, 3, 4."""
    write(site, "content/posts/oldest.md", "---\ntitle: T\ndate: 2026-03-01\n---\n### Before\n\n"
          "## One\n\n## Two\n\n### Two a\n\n### Two b\n\n## Three\n")
    assert run_shiplog("build", "--root", str(site), "--out", str(site / "_site")).code == 0
    html = read(site / "_site", "notes/oldest/index.html")
    toc = re.search(r'<nav class="toc".*?</nav>', html, re.S).group(0)
    top = ET.fromstring(re.search(r"<ol>.*</ol>", toc, re.S).group(0))
    assert [li.find("a").text for li in top.findall("li")] == ["Before", "One", "Two", "Three"]
    two = top.findall("li")[2]
    assert [a.text for a in two.findall("ol/li/a")] == ["Two a", "Two b"]


def test_the_command_ends_at_once_with_its_output_and_caches_complete(site: Path):
    """`shiplog` leaves with os._exit after main() (cli.run): its output must still reach a pipe
    (block-buffered: PYTHONUNBUFFERED is unset here), and the load cache written by the background
    child must be whole for the next build."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}

    def shiplog(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True,
                              env=env, timeout=120)

    first = shiplog("build", "--root", str(site), "--out", str(site / "_site"))
    assert first.returncode == 0 and first.stdout.startswith("built ") and first.stdout.endswith("\n")
    assert list((site / ".shiplog-cache/render").glob("load-*.pickle"))
    (site / "content/posts/code-heavy.md").touch()          # read again, found unchanged in the cache
    again = shiplog("build", "--root", str(site), "--out", str(site / "_site"))
    assert again.returncode == 0 and "0 pages rendered" in again.stdout, again.stdout
    failed = shiplog("build", "--root", str(site / "missing"))
    assert failed.returncode == 1 and "no site.yaml here" in failed.stderr
