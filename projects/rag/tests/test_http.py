"""The OpenAI-compatible embeddings server and clients, over real sockets on 127.0.0.1."""

from __future__ import annotations

import json
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from projects.rag.answer import answer, template
from projects.rag.embedder import MODEL_ID
from projects.rag.remote import ChatClient, HttpEmbedder, RemoteError, post_json
from projects.rag.server import start_background


@pytest.fixture(scope="module")
def server(embedder):
    srv, url = start_background(embedder)
    yield url
    srv.shutdown()
    srv.server_close()


@pytest.mark.parametrize("fmt", ["float", "base64"])
def test_client_gets_the_same_vectors_as_in_process(server, embedder, fmt):
    texts = ["replay the DLQ", "rotate an access key", "TLC state explosion"]
    remote = HttpEmbedder(server, MODEL_ID, batch_size=2, encoding_format=fmt).embed(texts)
    assert remote.shape == (3, 384)
    assert np.abs(remote - embedder.embed(texts)).max() < 1e-6


def test_response_follows_the_embeddings_api(server):
    body = post_json(server + "/embeddings", {"model": MODEL_ID, "input": "one string"})
    assert body["object"] == "list" and body["model"] == MODEL_ID
    assert body["data"][0]["object"] == "embedding" and body["data"][0]["index"] == 0
    assert len(body["data"][0]["embedding"]) == 384
    assert body["usage"]["prompt_tokens"] == body["usage"]["total_tokens"] == 4  # [CLS] one string [SEP]
    with urllib.request.urlopen(server + "/models") as resp:
        assert json.loads(resp.read())["data"][0]["id"] == MODEL_ID


@pytest.mark.parametrize("payload", [{"input": []}, {"input": [1, 2]}, {"input": "x", "encoding_format": "int8"}])
def test_bad_requests_get_a_400_with_an_error_object(server, payload):
    with pytest.raises(RemoteError, match="HTTP 400.*invalid_request_error"):
        post_json(server + "/embeddings", payload)


def test_unknown_route_is_404(server):
    with pytest.raises(RemoteError, match="HTTP 404"):
        post_json(server + "/completions", {"prompt": "x"})


class FakeChat(BaseHTTPRequestHandler):
    """A minimal chat-completions server that records the request and answers with a citation."""

    seen: list[dict] = []

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeChat.seen.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
        data = json.dumps({"choices": [{"message": {"role": "assistant", "content": "Use start-message-move-task [x]."}}]})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data.encode())


def test_chat_adapter_sends_the_prompt_templates(corpus_retriever):
    srv = ThreadingHTTPServer(("127.0.0.1", 0), FakeChat)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        chat = ChatClient(f"http://127.0.0.1:{srv.server_address[1]}/v1", "tiny", api_key="k")
        result = answer(corpus_retriever, "How do I replay the SAGA DLQ?", k=3, chat=chat)
    finally:
        srv.shutdown()
        srv.server_close()
    assert result.mode == "chat" and result.text == "Use start-message-move-task [x]."
    req = FakeChat.seen[-1]
    assert req["path"] == "/v1/chat/completions" and req["auth"] == "Bearer k"
    system, user = req["body"]["messages"]
    assert system == {"role": "system", "content": template("system").template}
    assert user["content"] == result.prompt
    for chunk in result.passages:
        assert f"[{chunk.chunk_id}]" in user["content"]
    assert any(c.doc_id == "corpus/saga-dlq-replay" for c in result.passages)
