"""Search as a reader uses it, over the Pagefind index the build made: a phrase from the body of a
note, an identifier from a source page, a tag filter, the keyboard; with JavaScript off the control
is a plain link to the tags page."""
from __future__ import annotations

import gzip
import json
import re
from collections import Counter

import pytest

from browser.pagekit import axe_violations, screenshot


def fragments(real) -> dict[str, dict]:
    """What Pagefind holds of each indexed page (URL, title, filters, text), by URL."""
    pages = {}
    for path in (real.root / "pagefind" / "fragment").iterdir():
        data = json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
        pages[data["url"]] = data
    return pages


def only_here(pages: dict[str, dict], url: str, pattern: str, must: bool = True) -> str:
    """A word matching `pattern` that is in the text of the page at `url` and of no other page,
    nor in its title: what a reader remembers of a body, not of a heading."""
    counts: Counter[str] = Counter()
    for page in pages.values():
        counts.update({w.lower() for w in re.findall(pattern, page["content"])})
    title = pages[url]["meta"]["title"].lower()
    words = sorted({w for w in re.findall(pattern, pages[url]["content"])
                    if counts[w.lower()] == 1 and w.lower() not in title}, key=lambda w: (-len(w), w))
    assert words or not must, f"no word of {url} is on that page alone"
    return words[0] if words else ""


def open_search(page) -> None:
    page.get_by_role("button", name="search").click()
    page.wait_for_selector("#search-q", state="visible")


def results(page, query: str) -> list[str]:
    page.fill("#search-q", query)
    page.wait_for_function("() => /result|Nothing|unavailable/.test(document.querySelector('.search-status').textContent)")
    return page.eval_on_selector_all(".search-results .search-hit > a", "as => as.map(a => a.getAttribute('href'))")


@pytest.mark.parametrize("viewport,scheme", [("phone", "light"), ("phone", "dark"), ("desktop", "light")])
def test_a_phrase_from_a_post_body_finds_the_post(viewport, scheme, real, pages, visit, axe_source):
    index = fragments(real)
    word = only_here(index, pages["post"], r"\b[a-z]{8,}\b")
    v = visit(real.url("/"), viewport, scheme)
    page = v.page
    page.wait_for_timeout(100)
    assert not [u for u in v.requests if "/pagefind/" in u or u.endswith("/search-ui.js")], \
        "the search box or its index loads before anyone searches"

    open_search(page)
    assert page.evaluate("() => document.activeElement.id") == "search-q", "opening search does not focus the box"
    page.keyboard.type(word.lower(), delay=20)
    hit = page.locator(f'.search-results .search-hit > a[href="{pages["post"]}"]')
    hit.wait_for(timeout=10000)
    assert index[pages["post"]]["meta"]["title"] in hit.inner_text()
    marked = hit.locator("xpath=..").locator("mark").all_inner_texts()
    assert any(m.lower().startswith(word[:6]) for m in marked), f"the excerpt marks {marked}, not {word}"
    screenshot(page, f"search-{viewport}-{scheme}", full_page=False)
    problems = [f"axe: {x}" for x in axe_violations(page, axe_source)]
    problems += v.console_errors + [f"request left 127.0.0.1: {u}" for u in v.outside_requests]
    assert not problems, "\n".join(problems)


def test_an_identifier_from_a_source_page_finds_that_file(real, visit):
    index = fragments(real)
    identifier = r"\b[a-z]+_[a-z]+_[a-z_]+\b"
    source, name = next((url, word) for url, p in sorted(index.items()) if p["filters"]["kind"] == ["source"]
                        for word in [only_here(index, url, identifier, must=False)] if word)
    page = visit(real.url("/notes/"), "desktop").page
    open_search(page)
    assert source in results(page, name)


def test_the_tag_filter_narrows_results_to_that_tag(real, pages, visit):
    index = fragments(real)
    tag = index[pages["post"]]["filters"]["tag"][0]
    tagged = {url for url, p in index.items() if tag in p["filters"].get("tag", [])}
    page = visit(real.url("/"), "desktop").page
    open_search(page)
    page.wait_for_function("() => !document.querySelector('#search-tag').disabled")
    page.select_option("#search-tag", tag)
    page.wait_for_function("() => /result/.test(document.querySelector('.search-status').textContent)")
    found = page.eval_on_selector_all(".search-results .search-hit > a", "as => as.map(a => a.getAttribute('href'))")
    assert found and set(found) <= tagged
    assert page.locator(".search-status").inner_text().startswith(f"{len(tagged)} result")
    everything = results(page, "the")
    assert set(everything) <= tagged, "a query with a tag chosen finds pages without the tag"


def test_keyboard_opens_moves_goes_and_closes(real, pages, visit):
    index = fragments(real)
    word = only_here(index, pages["post"], r"\b[a-z]{8,}\b")
    page = visit(real.url(pages["tag"]), "desktop").page
    page.keyboard.press("/")                            # the keyboard shortcut opens search
    page.wait_for_selector("#search-q", state="visible")
    assert results(page, "zqxjv nothing-like-this") == []
    status = page.locator(".search-status")
    assert "Nothing matches" in status.inner_text() and status.locator("a").get_attribute("href") == "/tags/"
    found = results(page, word)
    assert pages["post"] in found
    page.focus("#search-q")
    page.keyboard.press("ArrowDown")                    # into the results
    assert page.evaluate("() => document.activeElement.closest('.search-results') !== null")
    page.keyboard.press("ArrowUp")                      # and back to the box
    assert page.evaluate("() => document.activeElement.id") == "search-q"
    page.keyboard.press("Escape")                       # Escape closes and goes back to the button
    assert page.locator("#search-panel").is_hidden()
    assert page.evaluate("() => document.activeElement.getAttribute('aria-expanded')") == "false"
    page.keyboard.press("/")
    page.keyboard.press("Enter")                        # Enter goes to the first result
    page.wait_for_url(real.url(found[0]))


def test_without_javascript_search_is_a_link_to_the_tags_page(real, visit):
    v = visit(real.url("/notes/"), "phone", js=False)
    page = v.page
    link = page.get_by_role("link", name="search")
    assert link.get_attribute("href") == "/tags/"
    assert page.locator("#search-q").count() == 0
    link.click()
    page.wait_for_url(real.url("/tags/"))
    assert page.locator("h1").inner_text() == "Tags"
    assert not v.console_errors and not v.outside_requests
