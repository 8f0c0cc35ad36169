"""Breaker calibration, measured on whole runs rather than asserted from the config."""
from __future__ import annotations

import pytest

from projects.saga.cli import execute, parser, scenario_from


def run(*argv: str) -> dict:
    _, fig = execute(scenario_from(parser().parse_args(list(argv))), reference=False)
    return fig


@pytest.mark.parametrize("seed", range(4))
def test_five_percent_transient_errors_never_trip_the_breaker(seed: int) -> None:
    fig = run("--orders", "400", "--seed", str(seed), "--failure-rate", "0.05")
    b = fig["breaker"]
    assert b["failures"] > 0, "the transient errors must actually happen"
    assert b["trips"] == 0 and b["shed"] == 0 and b["state"] == "closed"


def test_full_outage_trips_within_the_window_sheds_load_and_recloses() -> None:
    fig = run("--orders", "400", "--failure-rate", "0.05", "--outage", "5:8")
    b = fig["breaker"]
    assert fig["ok"]
    assert b["trips"] >= 1 and b["trips_outside_outage"] == 0
    assert b["calls_before_open"] <= 20  # BreakerConfig.window
    assert b["open_after_ms"] < 8000
    assert b["open_seconds"] > 4.0  # most of the outage was spent not calling the gateway at all
    assert b["closed_after_recovery_ms"] is not None and b["state"] == "closed"
