"""The command line: help, the proof's JSON object, traces, exit codes."""
from __future__ import annotations

import json

import pytest

from projects.saga.cli import main

REQUIRED = {"orders", "completed", "compensated", "stuck", "double_charges", "inventory_conserved",
            "money_conserved", "duplicates_delivered", "redeliveries", "dlq", "traces_connected", "breaker",
            "orders_per_min", "p99_ms"}


def test_help_names_the_fault_knobs(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    out = capsys.readouterr().out
    assert exit_.value.code == 0
    for flag in ("--duplicate-rate", "--failure-rate", "--crash-rate", "--outage", "--transport", "--trace"):
        assert flag in out


def test_json_is_one_object_with_the_proof_keys(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--orders", "30", "--poison", "1", "--json"]) == 0
    fig = json.loads(capsys.readouterr().out)
    assert REQUIRED <= fig.keys()
    assert fig["orders"] == 30 and fig["ok"] is True and fig["dlq"]["count"] == 1


def test_trace_prints_one_tree_across_services(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--orders", "10", "--trace", "3", "--no-reference"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("trace 1-") and "o-000003" in out[0]
    assert out[1].startswith("api ") and "PlaceOrder" in out[1]
    services = {line.split()[0] for line in out[1:] if line.startswith(" ")}
    assert {"inventory", "order"} <= services


def test_a_failed_invariant_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--orders", "60", "--duplicate-rate", "0.4", "--unsafe-no-idempotency", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["ok"] is False


def test_bad_outage_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--outage", "soon"])
    assert exit_.value.code == 2 and "START:SECONDS" in capsys.readouterr().err
