"""The Terraform in infra/ is parsed and held to the code it deploys, so it cannot rot silently."""
from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from projects.cspm import alerts, lambda_handler, terraform
from projects.cspm.collector import ACTIONS

PKG = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def tf() -> dict[str, Any]:
    return terraform.load()


def block(tf: dict[str, Any], kind: str, type_: str, name: str) -> dict[str, Any]:
    found = terraform.blocks(tf, kind, type_)
    assert name in found, f"{kind} {type_}.{name} not in infra/"
    return found[name]


variable_default = terraform.variable_default


def test_every_tf_file_parses(tf):
    assert {"resource", "data", "variable", "output", "terraform"} <= set(tf)


def test_rule_runs_daily_on_the_scanner(tf):
    rule = block(tf, "resource", "aws_cloudwatch_event_rule", "daily")
    assert rule["schedule_expression"] == "${var.schedule_expression}"
    assert variable_default(tf, "schedule_expression") == alerts.SCHEDULE == "rate(1 day)"
    assert rule["name"] == "${var.name}-daily-scan" and variable_default(tf, "name") + "-daily-scan" == alerts.RULE_NAME
    target = block(tf, "resource", "aws_cloudwatch_event_target", "scanner")
    assert target["arn"] == "${aws_lambda_function.scanner.arn}"
    permission = block(tf, "resource", "aws_lambda_permission", "events")
    assert permission["principal"] == "events.amazonaws.com"
    assert permission["source_arn"] == "${aws_cloudwatch_event_rule.daily.arn}"


def _statements(tf: dict[str, Any]) -> dict[str, dict[str, Any]]:
    doc = block(tf, "data", "aws_iam_policy_document", "scanner")
    return {s["sid"]: s for s in doc["statement"]}


def test_role_grants_exactly_the_collector_actions(tf):
    read = _statements(tf)["ReadAccountSecurityState"]
    assert sorted(read["actions"]) == sorted(ACTIONS)
    assert not any(a.endswith("*") for a in read["actions"])


def test_role_can_publish_and_keep_state_on_its_own_resources_only(tf):
    st = _statements(tf)
    assert st["PublishAlerts"]["actions"] == ["sns:Publish"]
    assert st["PublishAlerts"]["resources"] == ["${aws_sns_topic.alerts.arn}"]
    assert st["RememberOpenFailures"]["resources"] == ["${aws_dynamodb_table.state.arn}"]
    table = block(tf, "resource", "aws_dynamodb_table", "state")
    assert table["hash_key"] == "account"  # DynamoState's key


def test_lambda_points_at_real_code_and_environment(tf):
    fn = block(tf, "resource", "aws_lambda_function", "scanner")
    assert fn["runtime"] == "python3.11"
    module, func = fn["handler"].rsplit(".", 1)
    assert module == "cspm.lambda_handler" and callable(getattr(lambda_handler, func))
    source = Path(lambda_handler.__file__).read_text()
    read = set(re.findall(r'os\.environ(?:\.get\(|\[)"(CSPM_[A-Z_]+)"', source))
    provided = set(fn["environment"][0]["variables"])
    assert read == provided


def test_lambda_package_needs_nothing_beyond_boto3(tmp_path):
    """The Lambda runtime has boto3 but not moto, yaml or hcl2: the handler must import without them."""
    code = ("import sys\n"
            "for m in ('moto', 'yaml', 'hcl2', 'pytest', 'jinja2'): sys.modules[m] = None\n"
            "import projects.cspm.lambda_handler\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=PKG.parents[1], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_package_uses_relative_imports_only():
    """Deployed as top-level `cspm`, so no module may import `projects.cspm` by absolute name."""
    for path in PKG.rglob("*.py"):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                assert not node.module.startswith("projects"), f"{path.name}: from {node.module}"
