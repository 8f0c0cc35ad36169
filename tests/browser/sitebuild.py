"""Built sites for the browser and validity tests, served over real HTTP on 127.0.0.1.

The real site (repo root: content/ + projects/) is built once per test process with --no-proofs
(the figures come from the proof cache; running the proofs takes minutes), and so is the
sample site tests/sites/basic. Both land in a temp folder removed at exit.
"""
from __future__ import annotations

import atexit
import functools
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent.parent
REPO = TESTS.parent
SAMPLE = TESTS / "sites" / "basic"
NODE_MODULES = REPO / "node_modules"
SCREENSHOTS = REPO / "test-output" / "screenshots"
CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@functools.cache
def _tmp() -> Path:
    path = Path(tempfile.mkdtemp(prefix="shiplog-built-"))
    atexit.register(shutil.rmtree, path, True)
    return path


def _build(root: Path, out: Path) -> Path:
    proc = subprocess.run([sys.executable, "-m", "generator", "build", "--no-proofs",
                           "--root", str(root), "--out", str(out)],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        raise AssertionError(f"building {root} failed:\n{proc.stdout}\n{proc.stderr}")
    return out


@functools.cache
def real_site() -> Path:
    """The repo's own site (content/ + projects/), built without running the proofs.
    SHIPLOG_SITE_ROOT=folder tries the same tests on another site."""
    return _build(Path(os.environ.get("SHIPLOG_SITE_ROOT") or REPO), _tmp() / "real")


@functools.cache
def sample_site() -> Path:
    """tests/sites/basic, copied first so no build files land in the fixture."""
    root = _tmp() / "sample-src"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".shiplog-cache", "_site", "__pycache__"))
    return _build(root, _tmp() / "sample")


def html_pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def url_of(out: Path, page: Path) -> str:
    """The URL path a reader uses for an output file (index.html -> its folder)."""
    rel = page.relative_to(out).as_posix()
    if rel == "index.html":
        return "/"
    if rel.endswith("/index.html"):
        return "/" + rel[: -len("index.html")]
    return "/" + rel


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files from one folder; a missing path gets 404.html with status 404, like a host."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet test output
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


_Handler.extensions_map = {**_Handler.extensions_map, ".xml": "application/xml", ".json": "application/json",
                           ".svg": "image/svg+xml", ".js": "text/javascript", ".css": "text/css"}


@dataclass
class Server:
    root: Path
    base: str
    httpd: http.server.ThreadingHTTPServer

    def url(self, path: str) -> str:
        return self.base + path

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def serve(root: Path) -> Server:
    """Serve `root` on 127.0.0.1 on a free port, in a daemon thread."""
    handler = functools.partial(_Handler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True, name=f"serve {root.name}").start()
    return Server(root, f"http://127.0.0.1:{httpd.server_address[1]}", httpd)


def missing_tool(what: str, how: str) -> None:
    """A tool the tests need is not installed: fail under CI (setup must install it), else skip loudly."""
    message = f"{what} is missing ({how}); run `bash tests/setup_system.sh` as root"
    if CI:
        pytest.fail(f"CI=true and {message}", pytrace=False)
    sys.stderr.write(f"\nSKIPPING: {message}\n")
    pytest.skip(message)
