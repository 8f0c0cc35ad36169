"""The collector's regional reads beyond IAM, S3, CloudTrail and KMS.

EC2 networking and instances, RDS, EFS, AWS Config, Security Hub, and the
CloudWatch side of section 4: the metric filters of every log group a trail
delivers to, the alarms of those regions, and the subscribers of every SNS
topic an alarm notifies. Same conventions as collector.py: each call named by
its IAM action, every answer wrapped as ``{"ok": ...}`` or ``{"error": ...}``.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import snapshot as snap

if TYPE_CHECKING:
    from .collector import Collector


def network(c: Collector, region: str) -> dict[str, Any]:
    """VPCs, their flow logs, network ACLs and instances (3.9, 5.1, 1.18)."""
    ec2 = c.client("ec2", region)

    def instances() -> list[dict[str, Any]]:
        pages = ec2.get_paginator("describe_instances").paginate()
        return [i for page in pages for r in page["Reservations"] for i in r["Instances"]
                if i.get("State", {}).get("Name") != "terminated"]

    return {
        "vpcs": c.paged("ec2:DescribeVpcs", ec2, "describe_vpcs", "Vpcs"),
        "flow_logs": c.paged("ec2:DescribeFlowLogs", ec2, "describe_flow_logs", "FlowLogs"),
        "network_acls": c.paged("ec2:DescribeNetworkAcls", ec2, "describe_network_acls", "NetworkAcls"),
        "instances": c.call("ec2:DescribeInstances", instances),
    }


def _rds(c: Collector, region: str) -> dict[str, Any]:
    rds = c.client("rds", region)
    return {"instances": c.paged("rds:DescribeDBInstances", rds, "describe_db_instances", "DBInstances")}


def _efs(c: Collector, region: str) -> dict[str, Any]:
    efs = c.client("efs", region)
    return {"file_systems": c.paged("elasticfilesystem:DescribeFileSystems", efs, "describe_file_systems",
                                    "FileSystems")}


def _config(c: Collector, region: str) -> dict[str, Any]:
    cfg = c.client("config", region)
    return {
        "recorders": c.call("config:DescribeConfigurationRecorders",
                            lambda: cfg.describe_configuration_recorders()["ConfigurationRecorders"]),
        "status": c.call("config:DescribeConfigurationRecorderStatus",
                         lambda: cfg.describe_configuration_recorder_status()["ConfigurationRecordersStatus"]),
    }


def _securityhub(c: Collector, region: str) -> dict[str, Any]:
    hub = c.client("securityhub", region)
    # "Account is not subscribed to AWS Security Hub" is the answer for a region without a hub.
    return {"hub": c.call("securityhub:DescribeHub", lambda: hub.describe_hub(), absent=("InvalidAccessException",))}


SERVICES: dict[str, Callable[[Collector, str], dict[str, Any]]] = {
    "rds": _rds, "efs": _efs, "config": _config, "securityhub": _securityhub}
"""Snapshot key -> reader of one region."""


def log_group_region_and_name(arn: str) -> tuple[str, str]:
    """arn:aws:logs:<region>:<account>:log-group:<name>[:*] -> (region, name)."""
    parts = arn.split(":")
    return parts[3], parts[6]


def monitoring(c: Collector, trails: list[dict[str, Any]]) -> dict[str, Any]:
    """Metric filters per trail log group, alarms per region, subscribers per alarmed SNS topic."""
    groups = sorted({t["CloudWatchLogsLogGroupArn"] for t in trails if t.get("CloudWatchLogsLogGroupArn")})
    filters: dict[str, Any] = {}
    alarms: dict[str, Any] = {}
    for arn in groups:
        region, name = log_group_region_and_name(arn)
        filters[arn] = c.paged("logs:DescribeMetricFilters", c.client("logs", region), "describe_metric_filters",
                               "metricFilters", logGroupName=name)
        if region not in alarms:
            alarms[region] = c.paged("cloudwatch:DescribeAlarms", c.client("cloudwatch", region),
                                     "describe_alarms", "MetricAlarms")
    topics: dict[str, Any] = {}
    for found in alarms.values():
        for alarm in [] if snap.failed(found) else found["ok"]:
            for topic in alarm.get("AlarmActions", []):
                if topic.startswith("arn:aws:sns:") and topic not in topics:
                    sns = c.client("sns", topic.split(":")[3])
                    topics[topic] = c.paged("sns:ListSubscriptionsByTopic", sns, "list_subscriptions_by_topic",
                                            "Subscriptions", TopicArn=topic)
    return {"metric_filters": filters, "alarms": alarms, "topics": topics}
