"""The chart series in --json: latency percentiles and the breaker's timeline agree with the
run's other figures, and every chart on the card names rows and fields the proof run prints."""
from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from projects.saga.breaker import CLOSED, HALF_OPEN, OPEN
from projects.saga.cli import main
from projects.saga.report import TIMELINE_ROWS, breaker_timeline

CARD = Path(__file__).resolve().parents[1] / "card.yaml"


@pytest.fixture(scope="module")
def outage_run() -> dict:
    """A run whose gateway outage trips the breaker (capsys is per test, so stdout is captured here)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["--orders", "400", "--outage", "8:6", "--no-reference", "--json"]) == 0
    return json.loads(out.getvalue())


def test_latency_percentiles_rise_and_match_the_headline_percentiles(outage_run):
    rows = outage_run["latency_percentiles"]
    assert [r["percentile"] for r in rows] == ["p50", "p75", "p90", "p95", "p99", "max"]
    ms = [r["ms"] for r in rows]
    assert ms == sorted(ms) and ms[0] > 0
    by_name = {r["percentile"]: r["ms"] for r in rows}
    assert (by_name["p50"], by_name["p95"], by_name["p99"]) == (
        outage_run["p50_ms"], outage_run["p95_ms"], outage_run["p99_ms"])


def test_breaker_timeline_is_the_breakers_own_record(outage_run):
    rows, brk = outage_run["breaker_timeline"], outage_run["breaker"]
    assert rows[0] == {"t_ms": 0.0, "state": CLOSED}
    assert len(rows) == brk["state_changes"] + 1 <= TIMELINE_ROWS
    assert all(r["state"] in (CLOSED, OPEN, HALF_OPEN) for r in rows)
    assert all(a["t_ms"] <= b["t_ms"] and a["state"] != b["state"] for a, b in zip(rows, rows[1:]))
    assert rows[-1]["state"] == brk["state"]
    trips = [b for a, b in zip(rows, rows[1:]) if a["state"] == CLOSED and b["state"] == OPEN]
    assert len(trips) == brk["trips"] >= 1
    start_ms = outage_run["settings"]["outage"][0] * 1000
    assert trips[0]["t_ms"] - start_ms == pytest.approx(brk["open_after_ms"], abs=0.2)
    # Time spent open, summed from the timeline, is the breaker's open_seconds.
    ends = [r["t_ms"] for r in rows[1:]] + [outage_run["sim_seconds"] * 1000]
    open_ms = sum(end - r["t_ms"] for r, end in zip(rows, ends) if r["state"] == OPEN)
    assert open_ms / 1000 == pytest.approx(brk["open_seconds"], abs=0.2)


def test_a_flapping_breaker_keeps_the_timeline_short():
    flaps = [(i * 1.0, CLOSED if i % 2 else OPEN, OPEN if i % 2 else CLOSED) for i in range(1, 200)]
    run = SimpleNamespace(payment=SimpleNamespace(breaker=SimpleNamespace(stats=SimpleNamespace(transitions=flaps))))
    rows = breaker_timeline(run)
    assert len(rows) == TIMELINE_ROWS and rows[1] == {"t_ms": 1000.0, "state": OPEN}


def fields(node) -> set[str]:
    """Every "field" a Vega-Lite spec names."""
    if isinstance(node, dict):
        return ({node["field"]} if isinstance(node.get("field"), str) else set()) | set().union(
            *(fields(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(fields(v) for v in node))
    return set()


def test_every_card_chart_has_its_rows_and_fields_in_the_proof_run(capsys):
    card = yaml.safe_load(CARD.read_text())
    assert main(card["proof"]["args"]) == 0
    proof = json.loads(capsys.readouterr().out)
    assert len(card["charts"]) == 2
    for chart in card["charts"]:
        rows = proof[chart["data"]]
        assert rows and all(isinstance(r, dict) for r in rows)
        transforms = chart["spec"].get("transform", [])
        assert all(set(re.findall(r"datum\.(\w+)", t["calculate"])) <= set(rows[0]) for t in transforms)
        assert fields(chart["spec"]) <= set(rows[0]) | {t["as"] for t in transforms}, chart["title"]
