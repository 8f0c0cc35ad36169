"""The proof run end to end: JSON keys, invariants, determinism, and that a broken merge is caught."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from projects.lambda_arch import cli, verify
from projects.lambda_arch.serving import answer
from projects.lambda_arch.timebase import HOUR_MS

ROOT = Path(__file__).resolve().parents[3]
ARGS = ["--events", "10000", "--hours", "28", "--seed", "3", "--checks", "4", "--json"]
TIMINGS = {"freshness_p50_ms", "freshness_p99_ms", "freshness_by_interval", "batch_query_ms", "compaction_ms_total", "events_per_s"}


@pytest.fixture(scope="module")
def report() -> dict:
    out = subprocess.run([sys.executable, "-m", "projects.lambda_arch", *ARGS], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)   # stdout is exactly one JSON object


def test_report_keys_and_invariants(report) -> None:
    required = {"events", "merge_checks", "merge_mismatches", "late_events_recovered", "duplicate_drift_healed",
                "freshness_p99_ms", "batch_query_ms", "events_per_s"}
    assert required <= report.keys()
    assert report["merge_mismatches"] == 0 and report["invariants_failed"] == []
    assert report["merge_checks"] > 100
    assert report["late_events"] > 0 and report["late_events_recovered"] == report["late_events"]
    assert report["duplicate_drift_healed"] > 0 and report["recompute_cross_check"] is True
    # Past the 24 h TTL a stale batch view loses far more than one inside it.
    lost = {s["lag_h"]: s["missing_events"] for s in report["stale_batch"]}
    assert lost[26] > 10 * max(1, lost[22])


def test_same_seed_same_figures(report, capsys) -> None:
    assert cli.main(ARGS) == 0
    again = json.loads(capsys.readouterr().out)
    strip = lambda r: {k: v for k, v in r.items() if k not in TIMINGS}  # noqa: E731
    assert strip(again) == strip(report)


def test_a_merge_that_double_counts_the_boundary_is_caught(monkeypatch, capsys) -> None:
    def off_by_one_hour(view, speed, start, end, now, etype=None):
        shifted = type(view)(view.cutoff_ms - HOUR_MS, view.minute_ms, view.event_type, view.events,
                             view.amount_cents)
        return answer(shifted, speed, start, end, now, etype)   # reads one ingest hour the batch already has

    monkeypatch.setattr(verify, "answer", off_by_one_hour)
    assert cli.main(ARGS) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["merge_mismatches"] > 0
    assert "INVARIANT FAILED: merge_mismatches" in captured.err


def test_help_lists_options_and_subcommands() -> None:
    out = subprocess.run([sys.executable, "-m", "projects.lambda_arch", "--help"], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    for flag in ("--events", "--duplicate-rate", "--late-rate", "--seed", "--json", "serve", "token"):
        assert flag in out


def test_freshness_series_is_one_row_per_batch_interval(report) -> None:
    rows = report["freshness_by_interval"]
    assert 0 < len(rows) <= min(60, report["batch_runs"])
    hours = [r["until_h"] for r in rows]
    assert hours == sorted(set(hours)) and all(h % 2 == 0 for h in hours)   # --batch-every 2
    assert all(0 < r["p50_ms"] <= r["p99_ms"] for r in rows)
    # The run's p99 over all deliveries lies within the per-interval p99s it is made of.
    p99s = [r["p99_ms"] for r in rows]
    assert min(p99s) - 0.01 <= report["freshness_p99_ms"] <= max(p99s) + 0.01


def test_every_chart_on_the_card_reads_fields_the_run_prints(report) -> None:
    card = yaml.safe_load((ROOT / "projects/lambda_arch/card.yaml").read_text())
    assert card["charts"]
    for chart in card["charts"]:
        rows = report[chart["data"]]
        made = {name for t in chart["spec"].get("transform", [])
                for name in ([t["as"]] if isinstance(t.get("as"), str) else t.get("as", []))}
        folded = {name for t in chart["spec"].get("transform", []) for name in t.get("fold", [])}
        fields = {e["field"] for e in chart["spec"]["encoding"].values() if "field" in e}
        assert (fields - made) | folded <= rows[0].keys()


def test_aws_options_without_aws_are_one_clear_error(capsys) -> None:
    for args in (["--faults"], ["--endpoint-url", "http://127.0.0.1:5000"]):
        with pytest.raises(SystemExit) as exit_:
            cli.main(args)
        assert exit_.value.code == 1
        assert "go with --aws" in capsys.readouterr().err


def test_an_unreachable_endpoint_is_one_line_and_exit_1() -> None:
    out = subprocess.run([sys.executable, "-m", "projects.lambda_arch", "--aws", "--endpoint-url",
                          "http://127.0.0.1:9", "--events", "100", "--hours", "1"], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 1 and out.stdout == ""
    assert out.stderr.startswith("error: AWS at http://127.0.0.1:9: Could not connect")
    assert len(out.stderr.strip().splitlines()) == 1
