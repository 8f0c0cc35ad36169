"""--graph draws the wiring a run builds: the stream's real readers, the store and lake in use,
and it changes when a component is swapped."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from projects.lambda_arch.graph import to_dot
from projects.lambda_arch.speed_dynamodb import DynamoSpeedStore, create_table
from projects.lambda_arch.wiring import embedded

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def printed() -> str:
    out = subprocess.run([sys.executable, "-m", "projects.lambda_arch", "--graph"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is installed by make install")
def test_the_graph_parses_with_dot(printed) -> None:
    svg = subprocess.run(["dot", "-Tsvg"], input=printed, text=True, check=True, capture_output=True).stdout
    assert svg.count('class="node"') == 11      # producers, stream, 2 speed, 5 batch, serving, API


def test_it_names_the_components_the_run_connects(printed, tmp_path) -> None:
    wired = embedded(tmp_path)
    try:
        assert wired.stream.readers == ["speed-lambda", "firehose"]
        layer = {wired.speed.consumer.name: "speed", wired.archive.consumer.name: "archive"}
        for reader in wired.stream.readers:
            assert f'"stream" -> "{layer[reader]}" [label="{reader}"];' in printed
        assert "SQLite" in printed and "local files" in printed and "DuckDB" in printed
        assert f"batch {wired.speed.batch_size}" in printed
        assert printed == to_dot(wired)
    finally:
        wired.close()


def test_no_colours_or_fonts_baked_in(printed) -> None:
    for attribute in ("color", "fontname", "bgcolor", "fillcolor"):
        assert attribute not in printed


def test_swapping_a_component_changes_the_picture(tmp_path, monkeypatch) -> None:
    for k, v in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                 "AWS_DEFAULT_REGION": "eu-west-1"}.items():
        monkeypatch.setenv(k, v)
    with mock_aws():
        client = boto3.client("dynamodb")
        create_table(client, "pulse-speed")
        wired = embedded(tmp_path, DynamoSpeedStore(client, "pulse-speed"), lambda_batch=50)
        wired.stream.consumer("audit")              # a third reader on the same stream
        dot = to_dot(wired)
        wired.close()
    assert "DynamoDB pulse-speed" in dot and "SQLite" not in dot
    assert "batch 50" in dot
    assert '"stream" -> "reader:audit" [label="audit"];' in dot


def test_the_aws_wiring_is_drawn_without_a_request() -> None:
    out = subprocess.run([sys.executable, "-m", "projects.lambda_arch", "--aws", "--graph", "--endpoint-url",
                          "http://127.0.0.1:9"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr           # port 9 answers nothing: no call was made
    for part in ("Kinesis, 4 shards", "DynamoDB pulse-speed", "DynamoDB pulse-leases", "S3 pulse-lake",
                 "Glue pulse", '"speed" -> "leases" [label="checkpoint"'):
        assert part in out.stdout
    if shutil.which("dot"):
        subprocess.run(["dot", "-Tsvg"], input=out.stdout, text=True, check=True, capture_output=True)
