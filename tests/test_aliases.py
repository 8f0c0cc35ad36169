"""`aliases:` in front matter: redirect pages at a moved post's old addresses, errors at
path:line for an alias two posts claim, and a link checker that knows them."""
from __future__ import annotations

from pathlib import Path

import pytest

from sitekit import edit_text, run_shiplog, tree


def alias(site: Path, rel: str, value: str) -> None:
    edit_text(site, rel, "\ntitle:", f"\naliases: {value}\ntitle:")


def test_each_alias_is_a_redirect_page_outside_the_sitemap(site):
    alias(site, "content/posts/oldest.md", "[/blog/first-post, /old.html]")
    result = run_shiplog("build", "--root", str(site))
    assert result.code == 0, result.err
    page = (site / "_site/blog/first-post/index.html").read_text()
    assert '<link rel="canonical" href="https://example.test/notes/oldest/">' in page
    assert '<meta name="robots" content="noindex">' in page
    assert '<meta http-equiv="refresh" content="0; url=/notes/oldest/">' in page
    assert '<a href="/notes/oldest/">The oldest post</a>' in page
    assert (site / "_site/old.html").read_text() == page
    assert "first-post" not in (site / "_site/sitemap.xml").read_text()


def test_aliases_follow_edits_like_a_clean_build(site, tmp_path):
    assert run_shiplog("build", "--root", str(site)).code == 0
    alias(site, "content/posts/oldest.md", "[/blog/first-post/]")
    assert run_shiplog("build", "--root", str(site)).code == 0
    assert (site / "_site/blog/first-post/index.html").is_file()
    edit_text(site, "content/posts/oldest.md", "[/blog/first-post/]", "[/blog/renamed/]")
    assert run_shiplog("build", "--root", str(site)).code == 0
    assert not (site / "_site/blog/first-post/index.html").exists()
    clean = tmp_path / "clean"
    assert run_shiplog("build", "--root", str(site), "--no-cache", "--out", str(clean)).code == 0
    assert tree(site / "_site") == tree(clean)


def test_two_posts_claiming_one_alias_is_an_error_at_the_second(site):
    alias(site, "content/posts/oldest.md", "[/blog/x/]")
    alias(site, "content/posts/pictures.md", "[/blog/x]")
    result = run_shiplog("build", "--root", str(site))
    assert result.code == 1
    assert result.err.startswith("content/posts/pictures.md:2: alias '/blog/x/' is already taken: "
                                 "content/posts/oldest.md claims it as an alias")


@pytest.mark.parametrize("value, message", [
    ("[/notes/code-heavy/]", "alias '/notes/code-heavy/' is already taken: content/posts/code-heavy.md is published there"),
    ("[blog/x/]", "alias 'blog/x/' must be a site path starting with /"),
    ("[/tags/testing/]", "alias '/tags/testing/' is an address shiplog makes pages at"),
    ("[/a b/]", "alias '/a b/' is not a plain site path"),
])
def test_a_bad_alias_is_an_error_at_its_line(site, value, message):
    alias(site, "content/posts/oldest.md", value)
    result = run_shiplog("build", "--root", str(site))
    assert result.code == 1
    assert result.err.startswith(f"content/posts/oldest.md:2: {message}"), result.err
    assert not (site / "_site").exists()


def test_check_knows_aliases(site):
    alias(site, "content/posts/oldest.md", "[/blog/first-post/]")
    with (site / "content/posts/pictures.md").open("a") as f:
        f.write("\nSee [the first](/blog/first-post/) and [hello](/blog/first-post/#nope).\n")
    result = run_shiplog("check", "--root", str(site))
    lines = result.out.splitlines()
    assert any(l.endswith("warning: link '/blog/first-post/' goes through an old address of "
                          "/notes/oldest/ (an alias)") for l in lines), result.out
    assert any("broken link '/blog/first-post/#nope'" in l for l in lines)   # checked on the post itself
    assert "broken link '/blog/first-post/'" not in result.out
