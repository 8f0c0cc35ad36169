"""Search as a reader uses it: type a word from a note, the note appears; with JavaScript off the
control is a plain link to the tags page."""
from __future__ import annotations

import json
import re

import pytest

from browser.pagekit import axe_violations, screenshot


def index(real) -> dict:
    return json.loads((real.root / "search.json").read_text(encoding="utf-8"))


def doc(real, url: str) -> dict:
    data = index(real)
    row = next(d for d in data["docs"] if d[0] == url)
    return dict(zip(data["fields"], row))


def distinctive_word(text: str) -> str:
    """The longest plain word of `text` (what a reader remembers of a title or heading)."""
    return max(re.findall(r"[A-Za-z]{4,}", text), key=len)


def open_search(page) -> None:
    page.get_by_role("button", name="search").click()
    page.wait_for_selector("#search-q", state="visible")


@pytest.mark.parametrize("viewport,scheme", [("phone", "light"), ("phone", "dark"), ("desktop", "light")])
def test_a_word_from_a_post_finds_the_post(viewport, scheme, real, pages, visit, axe_source):
    post = doc(real, pages["post"])
    word = distinctive_word(post["title"])
    v = visit(real.url("/"), viewport, scheme)
    page = v.page
    page.wait_for_timeout(100)
    assert not [u for u in v.requests if u.endswith(("/search.json", "/search-ui.js"))], \
        "the search box or its index loads before anyone searches"

    open_search(page)
    assert page.evaluate("() => document.activeElement.id") == "search-q", "opening search does not focus the box"
    page.keyboard.type(word.lower(), delay=20)
    hit = page.locator(f'.search-results a[href="{pages["post"]}"]')
    hit.wait_for(timeout=5000)
    assert post["title"] in hit.inner_text()
    assert re.match(r"\d+ results?", page.locator(".search-status").inner_text())
    screenshot(page, f"search-{viewport}-{scheme}", full_page=False)
    problems = [f"axe: {x}" for x in axe_violations(page, axe_source)]
    problems += v.console_errors + [f"request left 127.0.0.1: {u}" for u in v.outside_requests]
    assert not problems, "\n".join(problems)

    page.keyboard.press("Enter")                        # Enter jumps to the first result
    assert page.evaluate("() => document.activeElement.closest('.search-results') !== null")
    page.keyboard.press("Escape")                       # Escape closes and goes back to the button
    assert page.locator("#search-panel").is_hidden()
    assert page.evaluate("() => document.activeElement.getAttribute('aria-expanded')") == "false"


def test_headings_tags_and_projects_are_searchable_and_misses_say_so(real, pages, visit):
    post = doc(real, pages["post"])
    project = doc(real, pages["project"])
    page = visit(real.url(pages["tag"]), "desktop").page
    page.keyboard.press("/")                            # the keyboard shortcut opens search
    page.wait_for_selector("#search-q", state="visible")

    def results(query: str) -> list[str]:
        page.fill("#search-q", query)
        page.wait_for_function("() => !/Loading/.test(document.querySelector('.search-status').textContent)")
        return page.eval_on_selector_all(".search-results a", "as => as.map(a => a.getAttribute('href'))")

    heading = next(h for h in post["headings"] if distinctive_word(h).lower() not in post["title"].lower())
    assert pages["post"] in results(distinctive_word(heading))
    assert pages["project"] in results(project["title"])
    # two words, each the start of a word in the document: both must match
    assert pages["post"] in results(" ".join(w[:4] for w in re.findall(r"[A-Za-z]{5,}", post["title"])[:2]))
    assert results("zqxjv nothing-like-this") == []
    status = page.locator(".search-status")
    assert "No note or project matches" in status.inner_text()
    assert status.locator("a").get_attribute("href") == "/tags/"


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
