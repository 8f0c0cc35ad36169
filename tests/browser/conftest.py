"""Real Chromium (Debian's /usr/bin/chromium) driven by Playwright, one browser for the session,
against the built sites served on 127.0.0.1."""
from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from browser.pagekit import AXE, CHROMIUM, CHROMIUM_ARGS, VIEWPORTS
from browser.sitebuild import Server, missing_tool, real_site, sample_site, serve

def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    chromium = shutil.which("chromium") or CHROMIUM
    if not Path(chromium).exists():
        missing_tool("chromium", "apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_tool("playwright (Python)", "pip install -e '.[test]'")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.is_file():
        missing_tool("axe-core", "npm ci in the repo root")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def real() -> Iterator[Server]:
    server = serve(real_site())
    yield server
    server.close()


@pytest.fixture(scope="session")
def sample() -> Iterator[Server]:
    server = serve(sample_site())
    yield server
    server.close()


@pytest.fixture(scope="session")
def pages(real: Server) -> dict[str, str]:
    """URL path of each kind of page the tests visit, picked from the built real site: the newest
    post, the first project card, the first tag of that post, and a path that does not exist."""
    out = real.root
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    post = urlsplit(re.search(r'<entry>.*?<link rel="alternate" type="text/html" href="([^"]+)"',
                              feed, re.S).group(1)).path
    project = urlsplit(json.loads((out / "projects.json").read_text())["projects"][0]["url"]).path
    post_html = (out / post.strip("/") / "index.html").read_text(encoding="utf-8")
    tag = re.search(r'<ul class="tags"[^>]*>\s*<li><a href="(/tags/[^"]+)"', post_html).group(1)
    return {"home": "/", "log": "/notes/", "post": post, "project": project, "tag": tag,
            "404": "/no-such-page/"}


@dataclass
class Visit:
    """One page open in a fresh context, with what it logged and asked for."""
    page: Any
    status: int
    console_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@pytest.fixture
def visit(browser: Any) -> Iterator[Any]:
    """visit(url, viewport="phone", scheme="light", js=True) -> Visit. Requests that would leave
    127.0.0.1 are recorded and aborted; console errors and uncaught exceptions are recorded."""
    contexts: list[Any] = []

    def open_(url: str, viewport: str = "phone", scheme: str = "light", js: bool = True) -> Visit:
        ctx = browser.new_context(viewport=VIEWPORTS[viewport], color_scheme=scheme,
                                  java_script_enabled=js, service_workers="block")
        contexts.append(ctx)
        seen = Visit(page=None, status=0)

        def route(r: Any) -> None:
            host = urlsplit(r.request.url).hostname
            seen.requests.append(r.request.url)
            if r.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
                r.continue_()
            else:
                seen.outside_requests.append(r.request.url)
                r.abort()

        ctx.route("**/*", route)
        page = ctx.new_page()
        page.on("console", lambda m: seen.console_errors.append(f"console.{m.type}: {m.text}")
                if m.type == "error" else None)
        page.on("pageerror", lambda e: seen.console_errors.append(f"uncaught: {e}"))
        response = page.goto(url, wait_until="load")
        seen.page, seen.status = page, response.status if response else 0
        return seen

    yield open_
    for ctx in contexts:
        ctx.close()
