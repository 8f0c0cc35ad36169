"""Scheduled mode: an EventBridge rule runs the scan daily; each *new* failure becomes one SNS alert.

"New" is relative to the failures the previous run saw, kept in one DynamoDB
item per account, so a standing finding alerts once, not every day, and a
finding that is fixed and later comes back alerts again.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .engine import Report, finding_dict
from .model import Control, Result

RULE_NAME = "cspm-daily-scan"
SCHEDULE = "rate(1 day)"


def install_schedule(events: Any, function_arn: str, rule_name: str = RULE_NAME) -> str:
    """Create (or update) the daily rule targeting the scanner function; returns the rule ARN."""
    rule = events.put_rule(Name=rule_name, ScheduleExpression=SCHEDULE, State="ENABLED",
                           Description="Daily CIS AWS Foundations v1.5 scan")
    events.put_targets(Rule=rule_name, Targets=[{"Id": "cspm-scanner", "Arn": function_arn}])
    return str(rule["RuleArn"])


def finding_key(control: Control, result: Result) -> str:
    return f"{control.id}|{result.resource}"


@dataclass(frozen=True, slots=True)
class DynamoState:
    """The set of open failure keys from the previous run: one item (partition key "account")."""

    dynamodb: Any
    table: str
    account: str

    def load(self) -> set[str]:
        item = self.dynamodb.get_item(TableName=self.table, Key={"account": {"S": self.account}},
                                      ConsistentRead=True).get("Item")
        return set(json.loads(item["open_failures"]["S"])) if item else set()

    def save(self, keys: set[str]) -> None:
        # A JSON string, not a string set: DynamoDB rejects empty sets.
        self.dynamodb.put_item(TableName=self.table, Item={
            "account": {"S": self.account}, "open_failures": {"S": json.dumps(sorted(keys))}})


def subject(control: Control, result: Result) -> str:
    """SNS subjects are limited to 100 characters."""
    text = f"[CSPM {control.severity.value}] {control.id} FAIL {result.resource.rsplit(':', 1)[-1]}"
    return text[:100]


def run_once(report: Report, sns: Any, topic_arn: str, state: DynamoState) -> dict[str, int]:
    """Publish one alert per failure not open in the previous run, then remember the open set."""
    previous = state.load()
    findings = report.findings()
    current = {finding_key(c, r) for c, r in findings}
    new = [(c, r) for c, r in findings if finding_key(c, r) not in previous]
    for c, r in new:
        sns.publish(TopicArn=topic_arn, Subject=subject(c, r),
                    Message=json.dumps({"account": report.snapshot.account, **finding_dict(c, r)}, indent=1),
                    MessageAttributes={"severity": {"DataType": "String", "StringValue": c.severity.value},
                                       "control": {"DataType": "String", "StringValue": c.id}})
    state.save(current)
    return {"alerts_sent": len(new), "open_failures": len(current), "resolved": len(previous - current)}
