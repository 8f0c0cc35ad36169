"""The ``--demo`` run: scan the seeded accounts and check the scanner's own claims.

Self-checks (any failure makes the CLI exit 3):
- the misconfigured account's FAIL set equals exactly the seeded set;
- the remediated account has zero FAILs;
- every control fails in the bad account and passes in the remediated one,
  unless moto cannot answer it (then NOT_EVALUATED in both, with the reason)
  or CIS marks it Manual (then MANUAL in both);
- a snapshot saved to JSON and scanned again gives identical results;
- the schedule: day 1 alerts once per finding, an unchanged day 2 sends
  nothing, a new open SSH group on day 3 sends exactly one alert, and the SQS
  subscriber of the SNS topic receives every alert.
"""
from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any

import boto3

from . import demo, fixtures
from .alerts import DynamoState, install_schedule, run_once
from .collector import Collector
from .engine import Report, scan
from .model import Status
from .parity import compare, load_table
from .snapshot import Snapshot

log = logging.getLogger("cspm.demo")
FUNCTION_ARN = f"arn:aws:lambda:{demo.HOME}:{demo.ACCOUNT}:function:cspm-scanner"


@dataclass
class DemoRun:
    report: Report
    snapshot: Snapshot
    facts: dict[str, Any] = field(default_factory=dict)
    failed_checks: list[str] = field(default_factory=list)

    def check(self, name: str, ok: bool, detail: str = "") -> None:
        self.facts.setdefault("self_checks", {})[name] = ok
        if not ok:
            self.failed_checks.append(f"{name}: {detail}")
            log.error("self-check failed: %s %s", name, detail)


def collect(s: boto3.Session, seeded: demo.Seeded) -> Snapshot:
    snapshot = Collector(s, demo.REGIONS, source=f"moto demo account ({seeded.variant})").collect()
    fixtures.apply(snapshot, seeded.fixture, f"demo fixture, {seeded.variant} account")
    return snapshot


def run() -> DemoRun:
    t0 = time.perf_counter()
    with demo.moto_account("bad") as (s, seeded):
        t_seed = time.perf_counter()
        snapshot = collect(s, seeded)
        t_collect = time.perf_counter()
        report = scan(snapshot)
        out = DemoRun(report, snapshot)
        schedule = _schedule(s, seeded, report)
    with demo.moto_account("remediated") as (s, fixed_seeded):
        fixed = scan(collect(s, fixed_seeded))

    found = {(c.id, r.resource) for c, r in report.findings()}
    missed, unexpected = seeded.expected_failures - found, found - seeded.expected_failures
    out.check("bad_account_fail_set_exact", not missed and not unexpected,
              f"missed {sorted(missed)}, unexpected {sorted(unexpected)}")
    fixed_summary = fixed.summary()
    out.check("remediated_account_no_fail", fixed_summary["failed"] == 0,
              str([(f["control"], f["resource"]) for f in fixed_summary["findings"]]))
    both = _fail_and_pass_cases(report, fixed)
    out.check("every_control_has_fail_and_pass_case", not both["neither"], str(both["neither"]))
    again = scan(Snapshot(json.loads(json.dumps(snapshot.data))))
    out.check("snapshot_roundtrip_identical", [cr.results for cr in again.controls] == [cr.results for cr in report.controls])
    out.check("schedule_alerts", schedule.pop("ok"), json.dumps(schedule))

    parity = compare(report, load_table()["rows"])
    out.facts.update({
        "prowler_parity": {k: parity[k] for k in ("controls_both_judge", "controls_agree", "resources_both_judge",
                                                  "resources_agree")},
        "expected_failures": len(seeded.expected_failures),
        "expected_failures_found": len(seeded.expected_failures & found),
        "missed": sorted(map(list, missed)), "unexpected": sorted(map(list, unexpected)),
        "missed_count": len(missed), "unexpected_count": len(unexpected),
        "controls_fail_and_pass": len(both["fail_and_pass"]),
        "controls_not_evaluable_in_moto": both["not_evaluated"],
        "controls_manual": both["manual"],
        "remediated": {k: fixed_summary[k] for k in ("passed", "failed", "not_evaluated", "no_resources", "resources")},
        "schedule": schedule,
        "timings": {"seed_s": round(t_seed - t0, 3), "collect_s": round(t_collect - t_seed, 3),
                    "evaluate_s": round(report.duration_s, 6), "total_s": round(time.perf_counter() - t0, 3)},
    })
    return out


def _fail_and_pass_cases(bad: Report, fixed: Report) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {"fail_and_pass": [], "not_evaluated": [], "manual": [], "neither": []}
    for b, f in zip(bad.controls, fixed.controls):
        if b.with_status(Status.FAIL) and f.status == "PASS":
            groups["fail_and_pass"].append(b.control.id)
        elif b.status == f.status == "MANUAL":
            groups["manual"].append(b.control.id)
        elif b.status == f.status == "NOT_EVALUATED":
            groups["not_evaluated"].append(b.control.id)
        else:
            groups["neither"].append(b.control.id)
    return groups


def _schedule(s: boto3.Session, seeded: demo.Seeded, report: Report) -> dict[str, Any]:
    """Install the daily rule and replay three daily runs against this moto account."""
    events, sns, sqs = (s.client(n, region_name=demo.HOME) for n in ("events", "sns", "sqs"))
    rule_arn = install_schedule(events, FUNCTION_ARN)
    rule = events.describe_rule(Name=rule_arn.rsplit("/", 1)[-1])
    topic = sns.create_topic(Name="cspm-alerts")["TopicArn"]
    queue = sqs.create_queue(QueueName="cspm-alerts-inbox")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    dynamodb = s.client("dynamodb", region_name=demo.HOME)
    dynamodb.create_table(TableName="cspm-state", BillingMode="PAY_PER_REQUEST",
                          AttributeDefinitions=[{"AttributeName": "account", "AttributeType": "S"}],
                          KeySchema=[{"AttributeName": "account", "KeyType": "HASH"}])
    state = DynamoState(dynamodb, "cspm-state", demo.ACCOUNT)

    day1 = run_once(report, sns, topic, state)
    day2 = run_once(report, sns, topic, state)
    ec2 = s.client("ec2", region_name=demo.HOME)
    demo.security_group(ec2, "debug-ssh", [demo.tcp_rule(22, "0.0.0.0/0")])
    day3 = run_once(scan(collect(s, seeded)), sns, topic, state)
    delivered = _drain(sqs, queue)
    findings = len(report.findings())
    return {
        "ok": day1["alerts_sent"] == findings and day2["alerts_sent"] == 0 and day3["alerts_sent"] == 1
        and delivered == findings + 1,
        "rule": rule["Name"], "expression": rule["ScheduleExpression"],
        "alerts_day1": day1["alerts_sent"], "alerts_day2_unchanged": day2["alerts_sent"],
        "alerts_day3_new_ssh_group": day3["alerts_sent"], "alerts_delivered_to_sqs": delivered,
    }


def _drain(sqs: Any, queue: str) -> int:
    n = 0
    while batch := sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", []):
        n += len(batch)
        sqs.delete_message_batch(QueueUrl=queue, Entries=[
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)])
    return n
