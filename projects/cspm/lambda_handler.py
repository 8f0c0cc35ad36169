"""AWS Lambda entry point for the scheduled scan (deployed by infra/, triggered by EventBridge).

Environment: CSPM_TOPIC_ARN, CSPM_STATE_TABLE, optional CSPM_REGIONS (comma
separated; default every enabled region). Uses only boto3 and the standard
library, both present in the Lambda Python runtime.
"""
from __future__ import annotations

import logging
import os
from typing import Any

import boto3

from .alerts import DynamoState, run_once
from .collector import Collector
from .engine import scan

logging.getLogger().setLevel(logging.INFO)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    session = boto3.Session()
    regions = [r for r in os.environ.get("CSPM_REGIONS", "").split(",") if r] or None
    report = scan(Collector(session, regions).collect())
    state = DynamoState(session.client("dynamodb"), os.environ["CSPM_STATE_TABLE"], report.snapshot.account)
    outcome = run_once(report, session.client("sns"), os.environ["CSPM_TOPIC_ARN"], state)
    summary = report.summary()
    return {**outcome, **{k: summary[k] for k in ("controls", "passed", "failed", "not_evaluated")}}
