"""--graph follows the code's own tables, and results_by_section (a chart series) adds up to the totals."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter

import pytest

from projects.cspm import alerts, cli, graph, terraform
from projects.cspm.checks import CONTROLS
from projects.cspm.collector import ACTIONS
from projects.cspm.report import FORMATS, render

NODE = re.compile(r'^\s*"([^"]+)" \[shape=\w+(?:, style=\w+)?, label="([^"]*)"\];$', re.M)


@pytest.fixture(scope="module")
def dot() -> str:
    return graph.dot()


def nodes(dot: str) -> dict[str, str]:
    """``{node id: label as one line}``."""
    return {m[1]: m[2].replace("\\n", " ") for m in NODE.finditer(dot)}


def test_every_section_of_the_registry_appears_with_its_count(dot):
    drawn = {k[4:]: label for k, label in nodes(dot).items() if k.startswith("sec:")}
    counts = Counter(c.section for c in CONTROLS)
    assert set(drawn) == set(counts)
    for section, n in counts.items():
        assert drawn[section].endswith(f" {n} checks"), section
    assert f"Check registry: {len(CONTROLS)} checks" in dot


def test_every_service_the_collector_calls_appears_with_its_count(dot):
    drawn = {k[4:]: label for k, label in nodes(dot).items() if k.startswith("svc:")}
    counts = Counter(a.split(":")[0] for a in ACTIONS)
    assert {s: int(label.split()[-2]) for s, label in drawn.items()} == counts
    assert all(f'"svc:{s}" -> collector;' in dot for s in counts)
    assert all(f in nodes(dot)["report"] for f in FORMATS)


def test_scheduled_path_is_the_terraform_wiring(dot):
    n = nodes(dot)
    assert n["rule:daily"] == f"EventBridge rule {alerts.SCHEDULE}"
    assert n["fn:scanner"] == "Lambda cspm.lambda_handler.handler"
    assert '"rule:daily" -> "fn:scanner";' in dot
    env = terraform.blocks(terraform.load(), "resource", "aws_lambda_function")["scanner"]["environment"][0]
    assert '"fn:scanner" -> "aws_sns_topic:alerts" [label="CSPM_TOPIC_ARN"];' in dot
    assert '"fn:scanner" -> "aws_dynamodb_table:state" [label="CSPM_STATE_TABLE"];' in dot
    assert {"CSPM_TOPIC_ARN", "CSPM_STATE_TABLE"} <= set(env["variables"])


def test_graph_is_small_deterministic_and_plain(dot):
    assert dot == graph.dot()
    assert len(nodes(dot)) <= 28  # 13 AWS services, 6 sections, the scheduled path
    assert not re.search(r"color|font", dot)
    # Short lines, so it reads at 700 px; an identifier (the Lambda handler) is never broken.
    assert all(len(line) <= 28 for label in re.findall(r'label="([^"]*)"', dot) for line in label.split("\\n")
               if not label.startswith("cspm:"))


def test_cli_prints_the_graph_without_scanning(dot, capsys):
    assert cli.main(["--graph"]) == 0
    assert capsys.readouterr().out == dot + "\n"


@pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz not installed")
def test_graph_renders_with_graphviz(dot):
    done = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "<svg" in done.stdout, done.stderr


def test_results_by_section_add_up_to_the_totals(bad):
    doc = json.loads(render(bad.report, "json"))
    rows = doc["results_by_section"]
    assert all(set(r) == {"section", "controls", "pass", "fail", "not_evaluated", "manual"} for r in rows)
    assert [r["section"] for r in rows] == list(doc["by_section"])  # benchmark order
    assert sum(r["controls"] for r in rows) == doc["controls"]
    for key, status in (("pass", "PASS"), ("fail", "FAIL"), ("not_evaluated", "NOT_EVALUATED")):
        assert sum(r[key] for r in rows) == doc["results"][status]
    for r in rows:
        assert r["controls"] == doc["by_section"][r["section"]]["controls"]
