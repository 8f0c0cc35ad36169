"""The API as a real process on 127.0.0.1: 401 for every bad token, 200 with the merged numbers otherwise."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from projects.lambda_arch.auth import KeySet, mint
from projects.lambda_arch.batch import BatchView
from projects.lambda_arch.objectstore import LocalObjectStore
from projects.lambda_arch.serving import answer
from projects.lambda_arch.speed_sqlite import SqliteSpeedStore

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("api")
    proc = subprocess.Popen(
        [sys.executable, "-m", "projects.lambda_arch", "serve", "--port", "0", "--data", str(tmp / "data"),
         "--keys", str(tmp / "keys"), "--events", "3000", "--hours", "30"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline()   # printed once data and keys are ready
        assert line.startswith("serving http://127.0.0.1:"), line
        yield line.split()[1].rstrip("/"), tmp
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def keys(server) -> KeySet:
    return KeySet.load_or_create(server[1] / "keys")


def get(server, path: str, token: str | None = None) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return requests.get(server[0] + path, headers=headers, timeout=10)


def test_metrics_with_a_valid_token_match_the_serving_layer(server, keys) -> None:
    res = get(server, "/api/metrics?from=2025-03-03T12:00:00Z&to=2025-03-04T06:00:00Z", mint(keys))
    assert res.status_code == 200
    body = res.json()
    data = server[1] / "data"
    manifest = json.loads((data / "manifest.json").read_text())
    store = SqliteSpeedStore(data / "speed.sqlite", readonly=True)
    expect = answer(BatchView.load(LocalObjectStore(data), manifest["cutoff_ms"]), store,
                    body["window"]["from_ms"], body["window"]["to_ms"], manifest["now_ms"])
    assert body["totals"] == {"events": expect.events, "amount_cents": expect.amount_cents}
    assert body["totals"]["events"] > 0
    assert sum(p["events"] for p in body["series"]) == expect.events
    assert {p["source"] for p in body["series"]} >= {"batch", "speed"}   # window spans the cutoff


def test_type_filter_and_bad_requests(server, keys) -> None:
    token = mint(keys)
    purchases = get(server, "/api/metrics?type=purchase", token).json()
    assert set(purchases["by_type"]) <= {"purchase"}
    assert get(server, "/api/metrics?type=nonsense", token).status_code == 400
    assert get(server, "/api/metrics?from=2025-03-04T00:00:00Z&to=2025-03-03T00:00:00Z", token).status_code == 400


@pytest.mark.parametrize("case", ["missing", "expired", "wrong_issuer", "wrong_use", "tampered"])
def test_bad_tokens_get_401(server, keys, case) -> None:
    token = {
        "missing": None,
        "expired": lambda: mint(keys, ttl_s=-5),
        "wrong_issuer": lambda: mint(keys, issuer="https://cognito-idp.us-east-1.amazonaws.com/us-east-1_X"),
        "wrong_use": lambda: mint(keys, token_use="id"),
        "tampered": lambda: _tamper(mint(keys)),
    }[case]
    res = get(server, "/api/metrics", token() if token else None)
    assert res.status_code == 401
    assert res.headers["WWW-Authenticate"].startswith("Bearer")
    assert res.json() == {"error": "invalid or missing token"}   # no hint about which check failed


def _tamper(token: str) -> str:
    header, payload, sig = token.split(".")
    flipped = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1]
    return f"{header}.{flipped}.{sig}"


def test_public_pages(server, keys) -> None:
    page = get(server, "/")
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    assert "/api/metrics" in page.text
    assert get(server, "/.well-known/jwks.json").json() == keys.jwks
    assert get(server, "/api/health").json()["ok"] is True
    assert get(server, "/nope").status_code == 404


def test_token_subcommand_mints_a_token_the_server_accepts(server) -> None:
    out = subprocess.run([sys.executable, "-m", "projects.lambda_arch", "token", "--keys", str(server[1] / "keys")],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    assert get(server, "/api/metrics", out).status_code == 200
