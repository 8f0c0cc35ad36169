"""The command line: one JSON object on stdout, a useful --help, exit status from the checks."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from projects.tar import cli, tar_model

ROOT = Path(__file__).resolve().parents[3]
CARD = Path(__file__).resolve().parents[1] / "card.yaml"


def run_module(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "projects.tar", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_json_has_the_documented_shape() -> None:
    done = run_module("--nodes", "2", "--buyers", "2", "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)  # the whole of stdout is one object; logs went to stderr
    assert out["config"]["nodes"] == 2 and out["config"]["buyers"] == 2
    p, a = out["partial"], out["atomic"]
    assert (p["states"], p["violation"], p["violation_state"], p["trace_length"]) == (7056, True, 226, 5)
    assert p["expected_states"] == (4 + 16 + 64) ** 2
    assert [s["action"] for s in p["trace"]][0] == "Init" and len(p["trace"]) == 6
    assert p["trace"][-1]["changes"]["breach"] == ["{}", "{b1@n1}"]
    assert (a["states"], a["violation"], a["violation_state"], a["trace"]) == (576, False, None, [])
    assert out["checks"] == {"passed": True, "failures": []}
    assert out["states_per_second"] > 0
    assert "checking partial" in done.stderr


def test_card_claims_format_against_the_proof_run() -> None:
    card = yaml.safe_load(CARD.read_text())
    done = run_module(*card["proof"]["args"])
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["checks"]["passed"]
    for claim in card["claims"]:
        claim.format_map(out)
    for section in card["sections"]:
        assert not any(ch.isdigit() for ch in section["body"]), section["label"]


def test_text_output_and_trace_chart(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--nodes", "1", "--buyers", "1", "--mode", "partial", "--trace"]) == 0
    text = capsys.readouterr().out
    assert "Safety VIOLATED at state 11 of 14, shortest trace 5 steps" in text
    assert "served BREACH" in text and "atomic" not in text


def test_a_failed_check_exits_1(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(tar_model, "expected_states", lambda *a: 1)
    assert cli.main(["--nodes", "1", "--buyers", "1", "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert not out["checks"]["passed"] and "hand count is 1" in out["checks"]["failures"][0]


def test_help_and_bad_arguments() -> None:
    helped = run_module("--help")
    assert helped.returncode == 0 and "--mode" in helped.stdout and "exit status" in helped.stdout
    assert run_module("--nodes", "0").returncode == 2
    assert run_module("--nodes", "7", "--buyers", "3").returncode == 2
