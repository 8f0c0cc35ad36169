"""The dashboard API: stateless JSON over http.server, bound to 127.0.0.1.

Stateless means nothing about a client lives in the process: every request
carries its own bearer token, checked against the JWKS, and reads the stores
afresh. Any number of copies could answer behind a load balancer, as Lambda
functions behind API Gateway would.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .auth import AuthError, Verifier
from .batch import BatchView
from .dashboard import PAGE
from .events import EVENT_TYPES
from .objectstore import LocalObjectStore
from .pipeline import MANIFEST
from .serving import answer
from .speed_sqlite import SqliteSpeedStore
from .timebase import DAY_MS, HOUR_MS, MINUTE_MS, iso, parse_time

log = logging.getLogger(__name__)
MAX_WINDOW_MS = 7 * DAY_MS
DEFAULT_WINDOW_MS = 6 * HOUR_MS


class BadRequest(Exception):
    pass


@dataclass(frozen=True)
class Api:
    """Configuration only: where the data is and how to check tokens."""

    data_dir: Path
    verifier: Verifier
    jwks: dict[str, Any]

    def manifest(self) -> dict[str, Any]:
        return json.loads((self.data_dir / MANIFEST).read_text())

    def metrics(self, query: dict[str, list[str]]) -> dict[str, Any]:
        """Merged metrics for ?from=&to= (epoch ms or ISO; default the last 6 h of events) and optional ?type=."""
        m = self.manifest()
        now = m["now_ms"]
        try:
            end = parse_time(query["to"][0]) if "to" in query else m["events_end_ms"]
            start = parse_time(query["from"][0]) if "from" in query else end - DEFAULT_WINDOW_MS
        except ValueError as err:
            raise BadRequest(f"bad time: {err}") from err
        start, end = start - start % MINUTE_MS, end - end % MINUTE_MS
        if not 0 < end - start <= MAX_WINDOW_MS:
            raise BadRequest("need from < to, at most 7 days apart")
        etype = query.get("type", [None])[0]
        if etype is not None and etype not in EVENT_TYPES:
            raise BadRequest(f"type must be one of {', '.join(EVENT_TYPES)}")
        view = BatchView.load(LocalObjectStore(self.data_dir), m["cutoff_ms"])
        store = SqliteSpeedStore(self.data_dir / m["speed_store"], readonly=True)
        try:
            got = answer(view, store, start, end, now, etype)
        finally:
            store.close()
        return {
            "window": {"from": iso(start), "to": iso(end), "from_ms": start, "to_ms": end},
            "now": iso(now), "now_ms": now, "batch_cutoff": iso(view.cutoff_ms), "batch_cutoff_ms": view.cutoff_ms,
            "totals": {"events": got.events, "amount_cents": got.amount_cents},
            "by_type": got.by_type(),
            "series": [{"minute": iso(p.minute_ms), "minute_ms": p.minute_ms, "event_type": p.event_type,
                        "events": p.events, "amount_cents": p.amount_cents, "source": p.source}
                       for p in got.points],
        }


def make_handler(api: Api) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "pulse"

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            url = urlsplit(self.path)
            if url.path == "/":
                return self._send(HTTPStatus.OK, PAGE.encode(), "text/html; charset=utf-8")
            if url.path == "/.well-known/jwks.json":
                return self._json(HTTPStatus.OK, api.jwks)
            if url.path == "/api/health":
                m = api.manifest()
                return self._json(HTTPStatus.OK, {"ok": True, "now_ms": m["now_ms"], "events_end_ms": m["events_end_ms"]})
            if url.path != "/api/metrics":
                return self._json(HTTPStatus.NOT_FOUND, {"error": "not found"})
            auth = self.headers.get("Authorization", "")
            if not auth.startswith("Bearer "):
                return self._unauthorized("missing bearer token")
            try:
                api.verifier.verify(auth[len("Bearer "):].strip())
            except AuthError as err:
                return self._unauthorized(str(err))
            try:
                return self._json(HTTPStatus.OK, api.metrics(parse_qs(url.query)))
            except BadRequest as err:
                return self._json(HTTPStatus.BAD_REQUEST, {"error": str(err)})

        def _unauthorized(self, reason: str) -> None:
            log.info("401: %s", reason)  # the reason stays in the log; clients learn only that it failed
            self._json(HTTPStatus.UNAUTHORIZED, {"error": "invalid or missing token"},
                       {"WWW-Authenticate": 'Bearer error="invalid_token"'})

        def _json(self, status: HTTPStatus, body: Any, headers: dict[str, str] | None = None) -> None:
            self._send(status, json.dumps(body).encode(), "application/json", headers)

        def _send(self, status: HTTPStatus, body: bytes, ctype: str, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, fmt: str, *args: Any) -> None:
            log.info("%s %s", self.address_string(), fmt % args)

    return Handler


def make_server(api: Api, port: int) -> ThreadingHTTPServer:
    """An HTTP server on 127.0.0.1:`port` (0 picks a free port). Loopback only, by design."""
    return ThreadingHTTPServer(("127.0.0.1", port), make_handler(api))
