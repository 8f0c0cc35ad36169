"""`shiplog serve` as the author runs it: a real subprocess on a free port, real HTTP, real edits."""
from __future__ import annotations

import http.client
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

BASIC = Path(__file__).parent / "sites" / "basic"
IGNORE = shutil.ignore_patterns(".shiplog-cache", "_site", "__pycache__")
REPO = Path(__file__).resolve().parent.parent
DEADLINE = 15.0


class Server:
    def __init__(self, proc: subprocess.Popen[str], url: str, root: Path) -> None:
        self.proc, self.url, self.root = proc, url, root
        self.port = int(url.rsplit(":", 1)[1].strip("/"))

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url.rstrip("/") + path, timeout=5) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def raw_status(self, path: str) -> int:
        """Send the path exactly as written (urllib would normalise '..' away)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            conn.putrequest("GET", path, skip_accept_encoding=True)
            conn.endheaders()
            resp = conn.getresponse()
            body = resp.read()
            assert b"title: Sample Site" not in body
            return resp.status
        finally:
            conn.close()

    def wait_for(self, path: str, predicate, what: str) -> str:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + DEADLINE
        status, body = self.get(path)
        while not predicate(status, body):
            if time.monotonic() > deadline:
                pytest.fail(f"timed out waiting for {what}; last response {status}:\n{body[-2000:]}")
            time.sleep(0.05)
            status, body = self.get(path)
        return body


class EventStream:
    """Reads the SSE stream in a thread; events land in a queue as parsed JSON."""

    def __init__(self, server: Server) -> None:
        self.events: queue.Queue[dict] = queue.Queue()  # type: ignore[type-arg]
        # A plain socket, so close() can cut the stream while the reader thread is blocked on it.
        self.sock = socket.create_connection(("127.0.0.1", server.port), timeout=30)
        self.sock.sendall(b"GET /__shiplog/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        self.stream = self.sock.makefile("rb")
        head = b""
        while not head.endswith(b"\r\n\r\n"):
            head += self.stream.readline()
        assert head.startswith(b"HTTP/1.1 200") and b"Content-Type: text/event-stream" in head
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        name, data = "", ""
        try:
            for raw in self.stream:
                line = raw.decode().rstrip("\n")
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    data = line[6:]
                elif not line and name:
                    self.events.put(dict(json.loads(data), event=name))
                    name, data = "", ""
        except (OSError, ValueError):
            pass

    def next(self, predicate=lambda e: True) -> dict:  # type: ignore[no-untyped-def,type-arg]
        deadline = time.monotonic() + DEADLINE
        while True:
            try:
                event = self.events.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                pytest.fail("no matching build event before the deadline")
            if predicate(event):
                return event

    def close(self) -> None:
        self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()


def start_server(tmp_path: Path) -> Iterator[Server]:
    root = tmp_path / "site"
    shutil.copytree(BASIC, root, ignore=IGNORE)
    env = dict(os.environ, PYTHONPATH=str(REPO), PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--root", str(root), "--port", "0"],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    url = None
    deadline = time.monotonic() + DEADLINE
    while url is None and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        match = re.search(r"serving (http://127\.0\.0\.1:\d+/)", line)
        url = match.group(1) if match else None
    if url is None:
        proc.kill()
        pytest.fail("serve did not start: " + proc.communicate()[1])
    # Keep draining stdout so the server never blocks on a full pipe.
    threading.Thread(target=proc.stdout.read, daemon=True).start()
    srv = Server(proc, url, root)
    yield srv
    if proc.poll() is None:
        proc.kill()
        proc.wait()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """A server of its own, for tests that edit the site."""
    yield from start_server(tmp_path)


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for the tests that only read."""
    yield from start_server(tmp_path_factory.mktemp("shared"))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_serves_pages_with_reload_script_but_site_on_disk_stays_clean(shared: Server) -> None:
    server = shared
    status, body = server.get("/notes/oldest/")
    assert status == 200 and "The oldest post" in body
    assert 'id="shiplog-livereload"' in body and "/__shiplog/events" in body
    on_disk = (server.root / ".shiplog-cache/serve/notes/oldest/index.html").read_text()
    assert "shiplog-livereload" not in on_disk and "The oldest post" in on_disk
    status, css = server.get("/static/site.css")
    assert status == 200 and "shiplog-livereload" not in css
    status, body = server.get("/img/one.svg")
    assert status == 200 and "<svg" in body


def test_the_search_index_is_served_from_memory_once_made(shared: Server) -> None:
    entry = shared.wait_for("/pagefind/pagefind-entry.json", lambda status, body: status == 200,
                            "the search index")
    assert json.loads(entry)["languages"]["en"]["page_count"] > 3
    with urllib.request.urlopen(shared.url + "pagefind/pagefind.js", timeout=5) as resp:
        assert resp.headers["Content-Type"].startswith("text/javascript") and b"export" in resp.read()
    assert shared.get("/pagefind/no-such-file")[0] == 404
    assert not (shared.root / ".shiplog-cache/serve/pagefind").exists()


def test_drafts_are_shown_and_marked_in_serve_mode(shared: Server) -> None:
    server = shared
    status, body = server.get("/notes/draft-one/")
    assert status == 200
    assert 'class="draft-banner"' in body and "Not published" in body


def test_edit_rebuilds_page_and_sends_reload_event(server: Server) -> None:
    events = EventStream(server)
    first = events.next()
    assert first["ok"] is True and first["build"] == 1  # starting the watcher does not rebuild
    edit(server.root / "content/posts/oldest.md", "Hello, world.", "Hello, live reload.")
    event = events.next(lambda e: e["build"] > first["build"])
    assert event["ok"] is True and event["errors"] == []
    body = server.wait_for("/notes/oldest/", lambda s, b: "Hello, live reload." in b, "the edited page")
    assert f"const served = {event['build']};" in body
    events.close()


def test_broken_file_keeps_last_good_page_with_overlay_then_recovers(server: Server) -> None:
    events = EventStream(server)
    first = events.next()
    post = server.root / "content/posts/oldest.md"
    good = post.read_text()
    post.write_text(good.replace("date: 2026-03-01", "date: 2026-02-30\ntitel: typo"))
    failed = events.next(lambda e: e["build"] > first["build"])
    assert failed["ok"] is False
    texts = [e["text"] for e in failed["errors"]]
    assert any(t.startswith("content/posts/oldest.md:3: bad date '2026-02-30'") for t in texts), texts
    assert any(t.startswith("content/posts/oldest.md:4: unknown front-matter key 'titel'") for t in texts), texts
    status, body = server.get("/notes/oldest/")
    assert status == 200 and "The oldest post" in body and "Hello, world." in body  # the last good page
    assert 'id="shiplog-overlay"' in body
    assert "content/posts/oldest.md:3: bad date" in body and "content/posts/oldest.md:4: unknown" in body
    post.write_text(good.replace("Hello, world.", "Hello again."))
    fixed = events.next(lambda e: e["build"] > failed["build"] and e["ok"])
    assert fixed["errors"] == []
    body = server.wait_for("/notes/oldest/", lambda s, b: "Hello again." in b, "the fixed page")
    assert 'id="shiplog-overlay"' not in body
    events.close()


def test_template_error_names_template_line(server: Server) -> None:
    events = EventStream(server)
    first = events.next()
    templates = server.root / "templates"
    templates.mkdir(exist_ok=True)
    (templates / "page.html").write_text('{% extends "base.html" %}\n{% block main %}\n{{ page.nope }}\n{% endblock %}\n')
    failed = events.next(lambda e: e["build"] > first["build"])
    assert failed["ok"] is False
    assert failed["errors"][0]["text"].startswith("templates/page.html:3: rendering content/pages/about.md")
    (templates / "page.html").unlink()
    events.next(lambda e: e["build"] > failed["build"] and e["ok"])
    events.close()


@pytest.mark.parametrize("path", [
    "/../site.yaml", "/%2e%2e/site.yaml", "/%2E%2E/%2E%2E/etc/passwd", "/notes/..%2f..%2fsite.yaml",
    "/..%2fsite.yaml", "/%252e%252e/site.yaml", "/static/../../site.yaml", "/..\\site.yaml",
    "/%5c..%5csite.yaml", "/%00", "/.shiplog-cache/serve/index.html",
])
def test_traversal_paths_are_404(shared: Server, path: str) -> None:
    assert shared.raw_status(path) == 404


def test_unknown_page_is_404_with_the_sites_404_page(shared: Server) -> None:
    server = shared
    status, body = server.get("/no/such/page/")
    assert status == 404 and "shiplog-livereload" in body


def test_ctrl_c_stops_cleanly(server: Server) -> None:
    server.proc.send_signal(signal.SIGINT)
    assert server.proc.wait(timeout=DEADLINE) == 0
    assert server.proc.stderr is not None
    assert "Traceback" not in server.proc.stderr.read()


def in_chromium(work) -> None:  # type: ignore[no-untyped-def]
    """Run work(page) in a real Chromium tab, in a thread of its own: Playwright's sync API refuses
    to start where another sync Playwright (the browser tests' session fixture) already runs."""
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.skip("chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    failure: list[BaseException] = []

    def run() -> None:
        try:
            with sync_api.sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
                try:
                    work(browser.new_page())
                finally:
                    browser.close()
        except BaseException as exc:  # re-raised in the test's thread
            failure.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=120)
    assert not thread.is_alive(), "the browser test hung"
    if failure:
        raise failure[0]


@pytest.mark.browser
def test_open_page_reloads_shows_overlay_and_recovers_in_chromium(server: Server) -> None:
    timeout = DEADLINE * 1000
    post = server.root / "content/posts/oldest.md"
    good = post.read_text()

    def work(page) -> None:  # type: ignore[no-untyped-def]
        page.goto(server.url + "notes/oldest/")
        assert "Hello, world." in page.inner_text("main")
        # No wait for the EventSource: if the rebuild lands before it connects, its first event
        # carries a newer build number than the page was served with, and the page reloads anyway.
        post.write_text(good.replace("Hello, world.", "Hello from the editor."))
        page.wait_for_function("document.querySelector('main').innerText.includes('Hello from the editor.')",
                               timeout=timeout)
        post.write_text(good.replace("date: 2026-03-01", "date: 2026-02-30"))
        page.wait_for_selector("#shiplog-overlay", timeout=timeout)
        assert "content/posts/oldest.md:3: bad date '2026-02-30'" in page.inner_text("#shiplog-overlay")
        assert "Hello from the editor." in page.inner_text("main")  # the last good page stays under it
        post.write_text(good.replace("Hello, world.", "Fixed again."))
        page.wait_for_function("document.querySelector('main').innerText.includes('Fixed again.')"
                               " && !document.getElementById('shiplog-overlay')", timeout=timeout)

    in_chromium(work)


def test_drafts_default_on_and_no_drafts_switch() -> None:
    from generator.commands.cli import make_parser
    assert make_parser().parse_args(["serve"]).drafts is True
    args = make_parser().parse_args(["serve", "--no-drafts"])
    assert args.drafts is False and args.host == "127.0.0.1" and args.port == 8000
