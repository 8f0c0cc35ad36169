"""`shiplog serve`: build, serve the output over HTTP, rebuild on change, reload open pages.

    Watcher (watch.py) --change--> rebuild() --> LiveState.publish(build n, errors)
    HTTP GET /path      --> a file under the output folder (+ reload script, + overlay on error)
    HTTP GET /__shiplog/events --> Server-Sent Events: one `build` event per finished build
    HTTP GET /pagefind/...     --> the search index, made in the background after each build
                                   and held in memory (liveindex.py)

A failed build leaves the previous output folder in place (build() swaps only on success), so the
last good site keeps being served, with the errors laid over it until a build works again.
"""
from __future__ import annotations

import gc
import logging
import mimetypes
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from generator.engine import BuildResult, Engine, Options
from generator.incremental.store import SERVE_DIR
from generator.proofs import stop_running
from generator.errors import BuildFailed, SiteError
from generator.commands.liveindex import LiveIndex
from generator.commands.livereload import EVENTS_PATH, error_page, event_data, inject
from generator.commands.watch import Watcher

log = logging.getLogger(__name__)

KEEPALIVE_SECONDS = 15.0
SEARCH_PREFIX = "/pagefind/"
STOP_GRACE_SECONDS = 3.0


class LiveState:
    """The number and outcome of the newest build; SSE streams wait here for the next one."""

    def __init__(self) -> None:
        self.build = 0
        self.errors: list[SiteError] | None = None
        self.stopping = False
        self._changed = threading.Condition()

    def publish(self, errors: list[SiteError] | None) -> None:
        with self._changed:
            self.build += 1
            self.errors = errors
            self._changed.notify_all()

    def snapshot(self) -> tuple[int, list[SiteError] | None]:
        with self._changed:
            return self.build, self.errors

    def wait_after(self, build: int, timeout: float) -> None:
        with self._changed:
            self._changed.wait_for(lambda: self.build != build or self.stopping, timeout)

    def stop(self) -> None:
        with self._changed:
            self.stopping = True
            self._changed.notify_all()


def resolve_request(out: Path, raw_path: str) -> Path | None:
    """The file under `out` a URL path names, or None. Refuses '..', encoded or not, and symlinks
    that lead outside: only files under the output folder are ever served."""
    path = unquote(urlsplit(raw_path).path, errors="strict")
    parts = [p for p in path.split("/") if p]
    if "\\" in path or "\0" in path or any(p in (".", "..") for p in parts):
        return None
    base = out.resolve()
    target = base.joinpath(*parts)
    if target.is_dir():
        target = target / "index.html"
    try:
        real = target.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    return real if real.is_file() and real.is_relative_to(base) else None


class Handler(BaseHTTPRequestHandler):
    server: LiveServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib signature)
        log.debug("%s " + format, self.address_string(), *args)

    def do_HEAD(self) -> None:
        self.respond(head=True)

    def do_GET(self) -> None:
        if urlsplit(self.path).path == EVENTS_PATH:
            self.events()
        else:
            self.respond(head=False)

    def search_file(self, url_path: str, head: bool) -> None:
        index = self.server.index
        if not index.ready():
            why = index.error or "the search index is still being made"
            self.send_body(HTTPStatus.SERVICE_UNAVAILABLE, "text/plain; charset=utf-8", f"{why}\n".encode(), head)
            return
        body = index.get(url_path.removeprefix(SEARCH_PREFIX))
        if body is None:
            self.send_body(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found\n", head)
            return
        ctype = "text/javascript; charset=utf-8" if url_path.endswith(".js") else \
            "application/json" if url_path.endswith(".json") else "application/octet-stream"
        self.send_body(HTTPStatus.OK, ctype, body, head)

    def respond(self, head: bool) -> None:
        out, state = self.server.out, self.server.state
        build, errors = state.snapshot()
        url_path = urlsplit(self.path).path
        if url_path.startswith(SEARCH_PREFIX):
            self.search_file(url_path, head)
            return
        try:
            file = resolve_request(out, self.path)
        except UnicodeDecodeError:
            file = None
        if file is not None and file.name == "index.html" and not url_path.endswith(("/", ".html")):
            self.redirect(url_path + "/")
            return
        status = HTTPStatus.OK
        if file is None:
            status = HTTPStatus.NOT_FOUND
            file = resolve_request(out, "/404.html")
        if file is None:
            if errors and not out.is_dir():
                self.send_body(HTTPStatus.INTERNAL_SERVER_ERROR, "text/html; charset=utf-8",
                               error_page(build, errors).encode(), head)
            else:
                self.send_body(status, "text/plain; charset=utf-8", b"not found\n", head)
            return
        ctype = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        try:
            body = file.read_bytes()
        except OSError:  # swapped away between resolve and read; the next request sees the new site
            self.send_body(HTTPStatus.SERVICE_UNAVAILABLE, "text/plain; charset=utf-8", b"rebuilding\n", head)
            return
        if ctype == "text/html":
            body = inject(body.decode("utf-8"), build, errors).encode("utf-8")
        if ctype.startswith("text/") or ctype in ("application/json", "application/xml", "image/svg+xml"):
            ctype += "; charset=utf-8"
        self.send_body(status, ctype, body, head)

    def redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def send_body(self, status: HTTPStatus, ctype: str, body: bytes, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def events(self) -> None:
        """One `build` event now and after every build; a comment line keeps idle streams open."""
        state = self.server.state
        self.close_connection = True
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        sent = -1
        try:
            while not state.stopping:
                build, errors = state.snapshot()
                if build != sent:
                    self.wfile.write(f"event: build\ndata: {event_data(build, errors)}\n\n".encode())
                    sent = build
                else:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
                state.wait_after(sent, KEEPALIVE_SECONDS)
        except (BrokenPipeError, ConnectionResetError):
            pass


class LiveServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], out: Path, state: LiveState, index: LiveIndex) -> None:
        self.out = out
        self.state = state
        self.index = index
        super().__init__(address, Handler)


@dataclass
class Reporter:
    """What serve tells the CLI, which does the printing."""
    serving: Callable[[str], None]
    built: Callable[[BuildResult], None]
    failed: Callable[[list[SiteError]], None]


def serve(root: Path, reporter: Reporter, *, host: str = "127.0.0.1", port: int = 8000,
          out: Path | None = None, drafts: bool = True, proofs: bool = True) -> None:
    """Build, then serve and rebuild on change until interrupted (KeyboardInterrupt propagates)."""
    engine = Engine(root, out, Options(drafts, proofs, search=False), keep_warm=True, default_out=SERVE_DIR)
    root, out, warm = engine.root, engine.out, engine.warm
    assert warm is not None
    state = LiveState()
    index = LiveIndex(root, out)
    lock = threading.Lock()

    def rebuild(changed: set[str] | None = None) -> None:
        with lock:
            first = warm.records is None
            result = None
            try:
                result = engine.build(changed)
            except BuildFailed as exc:
                state.publish(exc.errors)
                reporter.failed(exc.errors)
            except Exception as exc:  # a bug must not take the preview down; show it instead
                log.error("rebuild crashed:\n%s", traceback.format_exc())
                errors = [SiteError(f"internal error in shiplog: {exc!r} (run with --debug for the traceback)")]
                state.publish(errors)
                reporter.failed(errors)
            else:
                state.publish(None)
                reporter.built(result)
                index.refresh(result.written)               # after the reload: it never waits
            if first and result is not None:
                # What the first build loaded lives as long as the server: it is taken out of the
                # collector's walks (records are acyclic: refcounting frees the ones an edit replaces).
                gc.collect()
                gc.freeze()

    rebuild()
    server = LiveServer((host, port), out, state, index)
    watcher = Watcher(root, rebuild)
    watcher.start()
    try:
        bound_host, bound_port = server.server_address[:2]
        shown = bound_host.decode() if isinstance(bound_host, bytes) else bound_host
        reporter.serving(f"http://{shown}:{bound_port}/")
        server.serve_forever(poll_interval=0.2)
    finally:
        # Stop at once whatever the moment: no new rebuild, proof runs killed, and a rebuild in
        # progress given a moment to finish (its writes are atomic either way).
        state.stop()
        index.stop()
        watcher.stop()
        stop_running()
        if lock.acquire(timeout=STOP_GRACE_SECONDS):
            lock.release()
        server.server_close()
