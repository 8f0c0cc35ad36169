"""``--graph``: the scanner's architecture as Graphviz DOT, drawn from the objects that wire it.

- AWS services: the collector's ``ACTIONS`` table, grouped by IAM service prefix;
- the check registry: ``CONTROLS``, counted per CIS section;
- the report formats: ``report.FORMATS``;
- the scheduled path: infra/*.tf as deployed (the EventBridge rule's target, the
  Lambda function's handler, and the resources its environment points at).
"""
from __future__ import annotations

import textwrap
from collections import Counter

from . import snapshot, terraform
from .checks import CONTROLS
from .collector import ACTIONS
from .report import FORMATS

WIDTH = 24  # characters per label line
RESOURCE = {"aws_sns_topic": ("SNS topic", "note"), "aws_dynamodb_table": ("DynamoDB table", "cylinder")}


def _label(*lines: str) -> str:
    return "\\n".join(part for line in lines for part in textwrap.wrap(line, WIDTH, break_long_words=False))


def _node(id_: str, shape: str, *lines: str) -> str:
    style = ", style=rounded" if shape == "box" else ""
    return f'  "{id_}" [shape={shape}{style}, label="{_label(*lines)}"];'


def dot() -> str:
    """The digraph; the same text for the same code and infra."""
    services = Counter(action.split(":")[0] for action in ACTIONS)
    sections = Counter(c.section for c in CONTROLS)  # CONTROLS is in benchmark order
    tf = terraform.load()
    rules = terraform.blocks(tf, "resource", "aws_cloudwatch_event_rule")
    targets = terraform.blocks(tf, "resource", "aws_cloudwatch_event_target")
    functions = terraform.blocks(tf, "resource", "aws_lambda_function")

    out = ["digraph cspm {", "  rankdir=TB;", "  compound=true;", "  ranksep=0.3;", "  nodesep=0.15;", "  node [shape=box, style=rounded];",
           '  label="cspm: CIS AWS Foundations v1.5 scanner";',
           "  subgraph cluster_aws {", '    label="AWS account, read only";']
    out += ["  " + _node(f"svc:{s}", "note", s, f"{n} call{'s' * (n > 1)}")
            for s, n in sorted(services.items())]
    # Two rows of services, so the picture stays about as wide as it is tall.
    names = sorted(services)
    half = (len(names) + 1) // 2
    out += [f'    "svc:{a}" -> "svc:{b}" [style=invis];' for a, b in zip(names[:half], names[half:])]
    out += ["  }", _node("collector", "box", "Collector", f"{len(ACTIONS)} IAM read actions"),
            _node("snapshot", "cylinder", "Snapshot", snapshot.SCHEMA),
            "  subgraph cluster_checks {", f'    label="Check registry: {len(CONTROLS)} checks";']
    out += ["  " + _node(f"sec:{s}", "box", s, f"{n} checks") for s, n in sections.items()]
    # One column of sections, so the picture stays narrow.
    out += [f'    "sec:{a}" -> "sec:{b}" [style=invis];' for a, b in zip(sections, list(sections)[1:])]
    out += ["  }", _node("report", "box", "Report", ", ".join(FORMATS))]
    out += [f'  "svc:{s}" -> collector;' for s in sorted(services)]
    first, last = f"sec:{next(iter(sections))}", f"sec:{next(reversed(sections))}"
    out += ["  collector -> snapshot;",
            f'  snapshot -> "{first}" [lhead=cluster_checks];',
            f'  "{last}" -> report [ltail=cluster_checks];']

    out += ["  subgraph cluster_schedule {", '    label="Scheduled, infra/*.tf";']
    for name, rule in sorted(rules.items()):
        out.append("  " + _node(f"rule:{name}", "note", "EventBridge rule",
                                terraform.value(tf, rule["schedule_expression"])))
    for name, fn in sorted(functions.items()):
        out.append("  " + _node(f"fn:{name}", "box", "Lambda", fn["handler"]))
        for var, ref in sorted(fn["environment"][0]["variables"].items()):
            if (m := terraform.REF.fullmatch(ref)) and m[1] in RESOURCE:
                kind, shape = RESOURCE[m[1]]
                out.append("  " + _node(f"{m[1]}:{m[2]}", shape, kind, m[2]))
                out.append(f'    "fn:{name}" -> "{m[1]}:{m[2]}" [label="{var}"];')
    out.append("  }")
    for t in targets.values():
        rule, fn = terraform.REF.search(t["rule"]), terraform.REF.fullmatch(t["arn"])
        if rule and fn:
            out.append(f'  "rule:{rule[2]}" -> "fn:{fn[2]}";')
    for name in sorted(functions):
        out += [f'  "fn:{name}" -> collector [style=dashed, constraint=false, label="collect"];',
                f'  "{last}" -> "fn:{name}" [ltail=cluster_checks, label="new FAILs"];']
    out.append("}")
    return "\n".join(out)
