"""Read the deployment in infra/*.tf (python-hcl2) as plain data: for --graph and the tests."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

INFRA = Path(__file__).with_name("infra")
REF = re.compile(r"\$\{(aws_\w+)\.(\w+)\.\w+\}")
"""A reference to another resource's attribute: ``${aws_sns_topic.alerts.arn}``."""


def unquote(value: Any) -> Any:
    """python-hcl2 keeps the quotes of string literals and block labels; drop them."""
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    if isinstance(value, list):
        return [unquote(v) for v in value]
    if isinstance(value, dict):
        return {unquote(k): unquote(v) for k, v in value.items()}
    return value


def load(folder: Path = INFRA) -> dict[str, list[Any]]:
    """Every top-level block of every .tf file, merged by kind (``resource``, ``variable``, ...)."""
    import hcl2  # only --graph and the tests need it; the Lambda package does not

    merged: dict[str, list[Any]] = {}
    for path in sorted(folder.glob("*.tf")):
        with path.open() as f:
            for key, blocks in unquote(hcl2.load(f)).items():
                merged.setdefault(key, []).extend(blocks)
    return merged


def blocks(tf: dict[str, list[Any]], kind: str, type_: str) -> dict[str, dict[str, Any]]:
    """``{name: body}`` of every ``kind "type_" "name"`` block."""
    return {name: body for entry in tf.get(kind, []) for name, body in entry.get(type_, {}).items()}


def variable_default(tf: dict[str, list[Any]], name: str) -> Any:
    return next(v[name]["default"] for v in tf["variable"] if name in v)


def value(tf: dict[str, list[Any]], text: str) -> Any:
    """``text``, or the default of the variable it names (``${var.schedule_expression}``)."""
    m = re.fullmatch(r"\$\{var\.(\w+)\}", text)
    return variable_default(tf, m[1]) if m else text
