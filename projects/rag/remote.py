"""Clients for OpenAI-compatible HTTP APIs: ``/v1/embeddings`` and ``/v1/chat/completions``.

Plain urllib and JSON, no SDK: the request and response shapes are the ones the
OpenAI API documents, which local servers (this package's ``serve``, llama.cpp,
vLLM, Ollama's compatibility layer) also speak.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from typing import Sequence

import numpy as np


class RemoteError(RuntimeError):
    """The server answered with an error or with something that is not the documented shape."""


def post_json(url: str, payload: dict, api_key: str | None = None, timeout: float = 60.0) -> dict:
    """POST a JSON body and return the decoded JSON answer."""
    headers = {"Content-Type": "application/json"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    req = urllib.request.Request(url, data=json.dumps(payload).encode("utf-8"), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace")[:500]
        raise RemoteError(f"{url}: HTTP {exc.code}: {detail}") from exc
    except urllib.error.URLError as exc:
        raise RemoteError(f"{url}: {exc.reason}") from exc


def decode_embedding(item: dict) -> np.ndarray:
    """One ``data[i].embedding``: a float list, or base64 of little-endian float32."""
    emb = item.get("embedding")
    if isinstance(emb, str):
        return np.frombuffer(base64.b64decode(emb), dtype="<f4").astype(np.float32)
    if isinstance(emb, list):
        return np.asarray(emb, dtype=np.float32)
    raise RemoteError(f"unexpected embedding field: {type(emb).__name__}")


class HttpEmbedder:
    """Embeddings from an OpenAI-compatible endpoint (``base_url`` ends before ``/embeddings``)."""

    def __init__(self, base_url: str, model_id: str, api_key: str | None = None, batch_size: int = 64,
                 encoding_format: str = "float") -> None:
        self.url = base_url.rstrip("/") + "/embeddings"
        self.model_id = model_id
        self.api_key = api_key
        self.batch_size = batch_size
        self.encoding_format = encoding_format

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        rows: list[np.ndarray] = []
        for start in range(0, len(texts), self.batch_size):
            batch = list(texts[start : start + self.batch_size])
            body = post_json(self.url, {"model": self.model_id, "input": batch, "encoding_format": self.encoding_format},
                             self.api_key)
            data = sorted(body.get("data", []), key=lambda d: d["index"])
            if [d["index"] for d in data] != list(range(len(batch))):
                raise RemoteError(f"{self.url}: expected {len(batch)} embeddings, got indexes {[d['index'] for d in data]}")
            rows += [decode_embedding(d) for d in data]
        if not rows:
            return np.zeros((0, 0), dtype=np.float32)
        out = np.vstack(rows)
        return out / np.clip(np.linalg.norm(out, axis=1, keepdims=True), 1e-12, None)


class ChatClient:
    """Chat completions from an OpenAI-compatible endpoint."""

    def __init__(self, base_url: str, model: str, api_key: str | None = None, timeout: float = 120.0) -> None:
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.api_key = api_key
        self.timeout = timeout

    def complete(self, system: str, user: str) -> str:
        body = post_json(
            self.url,
            {"model": self.model, "temperature": 0,
             "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}]},
            self.api_key, self.timeout,
        )
        try:
            return str(body["choices"][0]["message"]["content"])
        except (KeyError, IndexError, TypeError) as exc:
            raise RemoteError(f"{self.url}: no choices[0].message.content in the answer") from exc
