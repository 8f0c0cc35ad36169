"""The whole proof run on AWS interfaces (Kinesis, DynamoDB, S3, Glue) against moto's server over HTTP,
with every stream fault injected: the same invariants as the embedded run, and the same answers."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from projects.lambda_arch import aws, moto_kinesis
from projects.lambda_arch.events import Workload
from projects.lambda_arch.pipeline import RunConfig, run

ROOT = Path(__file__).resolve().parents[3]
WORKLOAD = Workload(1000, duplicate_rate=0.05, late_rate=0.05, seed=3, hours=6)
SERVED = ("events", "deliveries", "merge_checks", "merge_mismatches", "merge_exact", "serving_answers_sha256",
          "late_events", "late_events_recovered", "late_beyond_ttl", "duplicate_drift_healed",
          "duplicate_drift_max", "stale_batch", "recompute_cross_check")
FAULTS = ("put_throttled", "put_entries_failed", "get_throttled", "iterators_expired", "consumers_killed",
          "shards_split")


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> tuple[dict, dict]:
    server, url = moto_kinesis.start()
    try:
        on_aws = aws.run(RunConfig(WORKLOAD, tmp_path_factory.mktemp("aws"), 2, 3), url, faults=True, reshard=True)
    finally:
        server.stop()
    embedded = run(RunConfig(WORKLOAD, tmp_path_factory.mktemp("embedded"), 2, 3))
    return on_aws, embedded


def test_every_stream_fault_happened_and_was_absorbed(runs) -> None:
    on_aws, _ = runs
    stream = on_aws["stream"]
    assert stream["kind"].startswith("Kinesis")
    assert all(stream["faults"].get(kind, 0) >= 1 for kind in FAULTS), stream["faults"]
    assert stream["faults"]["put_entries_retried"] == stream["faults"]["put_entries_failed"]
    assert set(stream["consumer_restarts"]) == {"speed-lambda", "firehose"}
    assert stream["replayed_deltas_skipped"] > 0 and stream["backoff_s"] > 0


def test_the_invariants_hold_on_aws(runs) -> None:
    on_aws, _ = runs
    assert on_aws["merge_mismatches"] == 0 and on_aws["merge_checks"] > 40
    assert on_aws["late_events"] > 0 and on_aws["late_events_lost"] == 0
    assert on_aws["duplicate_drift_healed"] > 0 and on_aws["recompute_cross_check"] is True
    assert on_aws["aws"]["services"] == ["kinesis", "dynamodb", "s3", "glue"]


def test_embedded_and_aws_serve_the_same_answers(runs) -> None:
    on_aws, embedded = runs
    assert {k: on_aws[k] for k in SERVED} == {k: embedded[k] for k in SERVED}


def test_the_command_line_runs_on_a_server_it_is_given() -> None:
    server, url = moto_kinesis.start()
    try:
        out = subprocess.run([sys.executable, "-m", "projects.lambda_arch", "--aws", "--endpoint-url", url,
                              "--faults", "--events", "300", "--hours", "2", "--checks", "2", "--json"],
                             cwd=ROOT, capture_output=True, text=True, timeout=300)
    finally:
        server.stop()
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["invariants_failed"] == [] and report["aws"]["endpoint"] == url
    faults = report["stream"]["faults"]
    assert faults["consumers_killed"] >= 1 and faults["iterators_expired"] >= 1
    assert "shards_split" not in faults          # another server's SplitShard is not trusted to be AWS's
