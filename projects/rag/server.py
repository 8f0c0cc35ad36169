"""``serve``: the local model behind an OpenAI-compatible ``/v1/embeddings`` endpoint.

Binds 127.0.0.1 by default. Accepts ``input`` as a string or a list of strings and
``encoding_format`` ``float`` (default) or ``base64``, answers with the documented
``{"object": "list", "data": [...], "model", "usage"}`` shape, and reports errors as
``{"error": {"message", "type"}}``. Inputs longer than the model's 256-token window
are truncated, as sentence-transformers does.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .embedder import MAX_TOKENS, OnnxEmbedder

log = logging.getLogger("rag.serve")
MAX_INPUTS = 2048
MAX_BODY = 8 << 20


class BadRequest(ValueError):
    """The request does not follow the embeddings API."""


def parse_inputs(body: dict) -> tuple[list[str], str]:
    """The input texts and the encoding format of an embeddings request."""
    raw = body.get("input")
    texts = [raw] if isinstance(raw, str) else raw
    if not isinstance(texts, list) or not texts or not all(isinstance(t, str) for t in texts):
        raise BadRequest("'input' must be a non-empty string or list of strings (token arrays are not supported)")
    if len(texts) > MAX_INPUTS:
        raise BadRequest(f"at most {MAX_INPUTS} inputs per request")
    fmt = body.get("encoding_format", "float")
    if fmt not in ("float", "base64"):
        raise BadRequest("'encoding_format' must be 'float' or 'base64'")
    return texts, fmt


def make_handler(embedder: OnnxEmbedder) -> type[BaseHTTPRequestHandler]:
    lock = threading.Lock()  # one inference at a time: the session already uses every core

    class Handler(BaseHTTPRequestHandler):
        server_version = "rag-embeddings/1"

        def log_message(self, fmt: str, *args: object) -> None:
            log.info("%s %s", self.address_string(), fmt % args)

        def send(self, status: int, obj: dict) -> None:
            data = json.dumps(obj).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def error(self, status: int, message: str, kind: str = "invalid_request_error") -> None:
            self.send(status, {"error": {"message": message, "type": kind}})

        def do_GET(self) -> None:
            if self.path.rstrip("/") == "/v1/models":
                self.send(200, {"object": "list", "data": [{"id": embedder.model_id, "object": "model", "owned_by": "local"}]})
            else:
                self.error(404, f"no route for GET {self.path}", "not_found")

        def do_POST(self) -> None:
            if self.path.rstrip("/") != "/v1/embeddings":
                return self.error(404, f"no route for POST {self.path}", "not_found")
            length = int(self.headers.get("Content-Length") or 0)
            if length <= 0 or length > MAX_BODY:
                return self.error(413 if length > MAX_BODY else 400, "missing or oversized body")
            try:
                body = json.loads(self.rfile.read(length))
                if not isinstance(body, dict):
                    raise BadRequest("body must be a JSON object")
                texts, fmt = parse_inputs(body)
            except (json.JSONDecodeError, BadRequest) as exc:
                return self.error(400, str(exc))
            with lock:
                vectors = embedder.embed(texts)
            tokens = sum(min(embedder.count_tokens(t), MAX_TOKENS) for t in texts)
            data = [
                {"object": "embedding", "index": i,
                 "embedding": base64.b64encode(v.astype("<f4").tobytes()).decode() if fmt == "base64" else v.tolist()}
                for i, v in enumerate(vectors)
            ]
            self.send(200, {"object": "list", "data": data, "model": embedder.model_id,
                            "usage": {"prompt_tokens": tokens, "total_tokens": tokens}})

    return Handler


def make_server(embedder: OnnxEmbedder, host: str = "127.0.0.1", port: int = 8089) -> ThreadingHTTPServer:
    """A server bound and ready; call ``serve_forever`` (port 0 picks a free port)."""
    return ThreadingHTTPServer((host, port), make_handler(embedder))


def start_background(embedder: OnnxEmbedder) -> tuple[ThreadingHTTPServer, str]:
    """Serve on a free loopback port in a daemon thread; returns the server and its ``/v1`` base URL."""
    server = make_server(embedder, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/v1"
