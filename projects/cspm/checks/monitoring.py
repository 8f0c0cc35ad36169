"""Section 4: a metric filter, an alarm and an SNS subscriber per event class (CIS v1.5 4.1-4.15); Security Hub (4.16).

The audit of 4.1-4.15 is the benchmark's, step by step: take the CloudWatch Logs
log group of a multi-region trail that is logging and records all management
events; find a metric filter whose pattern is CIS's; find an alarm on that
filter's metric; the alarm must notify an SNS topic with at least one confirmed
subscription. A pattern matches when it has the same terms (field, operator,
value) as CIS's, in any order, spacing or quoting. The connectives are not
compared, because the benchmark's own text differs in them for 4.1.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..model import Result, Severity
from ..snapshot import Snapshot, Unavailable, unwrap
from .logging import TRAILS, why_not_3_1, trails
from .registry import MONITORING, control, not_evaluated, verdict

NEEDS = TRAILS + ("cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors", "logs:DescribeMetricFilters",
                  "cloudwatch:DescribeAlarms", "sns:ListSubscriptionsByTopic")


def _names(*events: str) -> str:
    return " || ".join(f"($.eventName = {e})" for e in events)


PATTERNS: dict[str, tuple[str, ...]] = {
    "4.1": ('{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && '
            '($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }',),
    "4.2": ('{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }',
            '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && '
            '($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }'),
    "4.3": ('{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',),
    "4.4": ("{ " + _names("DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy", "PutGroupPolicy", "PutRolePolicy",
                          "PutUserPolicy", "CreatePolicy", "DeletePolicy", "CreatePolicyVersion", "DeletePolicyVersion",
                          "AttachRolePolicy", "DetachRolePolicy", "AttachUserPolicy", "DetachUserPolicy",
                          "AttachGroupPolicy", "DetachGroupPolicy") + " }",),
    "4.5": ("{ " + _names("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging") + " }",),
    "4.6": ('{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',),
    "4.7": ("{ ($.eventSource = kms.amazonaws.com) && ((" + _names("DisableKey", "ScheduleKeyDeletion") + ")) }",),
    "4.8": ("{ ($.eventSource = s3.amazonaws.com) && ((" + _names(
        "PutBucketAcl", "PutBucketPolicy", "PutBucketCors", "PutBucketLifecycle", "PutBucketReplication",
        "DeleteBucketPolicy", "DeleteBucketCors", "DeleteBucketLifecycle", "DeleteBucketReplication") + ")) }",),
    "4.9": ("{ ($.eventSource = config.amazonaws.com) && ((" + _names(
        "StopConfigurationRecorder", "DeleteDeliveryChannel", "PutDeliveryChannel", "PutConfigurationRecorder") + ")) }",),
    "4.10": ("{ " + _names("AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress",
                           "RevokeSecurityGroupEgress", "CreateSecurityGroup", "DeleteSecurityGroup") + " }",),
    "4.11": ("{ " + _names("CreateNetworkAcl", "CreateNetworkAclEntry", "DeleteNetworkAcl", "DeleteNetworkAclEntry",
                           "ReplaceNetworkAclEntry", "ReplaceNetworkAclAssociation") + " }",),
    "4.12": ("{ " + _names("CreateCustomerGateway", "DeleteCustomerGateway", "AttachInternetGateway",
                           "CreateInternetGateway", "DeleteInternetGateway", "DetachInternetGateway") + " }",),
    "4.13": ("{ " + _names("CreateRoute", "CreateRouteTable", "ReplaceRoute", "ReplaceRouteTableAssociation",
                           "DeleteRouteTable", "DeleteRoute", "DisassociateRouteTable") + " }",),
    "4.14": ("{ " + _names("CreateVpc", "DeleteVpc", "ModifyVpcAttribute", "AcceptVpcPeeringConnection",
                           "CreateVpcPeeringConnection", "DeleteVpcPeeringConnection", "RejectVpcPeeringConnection",
                           "AttachClassicLinkVpc", "DetachClassicLinkVpc", "DisableVpcClassicLink",
                           "EnableVpcClassicLink") + " }",),
    "4.15": ("{ ($.eventSource = organizations.amazonaws.com) && ((" + _names(
        "AcceptHandshake", "AttachPolicy", "CreateAccount", "CreateOrganizationalUnit", "CreatePolicy",
        "DeclineHandshake", "DeleteOrganization", "DeleteOrganizationalUnit", "DeletePolicy", "DetachPolicy",
        "DisablePolicyType", "EnablePolicyType", "InviteAccountToOrganization", "LeaveOrganization", "MoveAccount",
        "RemoveAccountFromOrganization", "UpdatePolicy", "UpdateOrganizationalUnit") + ")) }",),
}
"""CIS v1.5.0's filter pattern(s) per control, as its audit procedures print them (4.2 offers two)."""

TERM = re.compile(r'\$\.([\w.]+)\s*(!=|=|NOT\s+EXISTS|EXISTS)\s*("[^"]*"|[^\s(){}|&"]+)?')


def terms(pattern: str) -> frozenset[tuple[str, str, str]]:
    """The (field, operator, value) terms of a filter pattern, quotes and spacing dropped."""
    return frozenset((f, " ".join(op.split()), (v or "").strip('"')) for f, op, v in TERM.findall(pattern))


def matches(pattern: str, cid: str) -> bool:
    return any(terms(pattern) == terms(cis) for cis in PATTERNS[cid])


def _subscribed(topic: str, topics: dict[str, Any]) -> tuple[bool, str]:
    subs = unwrap(topics.get(topic), f"subscriptions of {topic}")
    confirmed = [s for s in subs if str(s.get("SubscriptionArn", "")).startswith("arn:aws:sns:")]
    return bool(confirmed), f"{topic.rsplit(':', 1)[-1]} has {len(confirmed)} confirmed subscriber(s)"


def audit_log_group(cid: str, group: str, filters: list[dict[str, Any]], alarms: list[dict[str, Any]],
                    topics: dict[str, Any]) -> tuple[bool, str]:
    """Steps 3-7 of the CIS audit on one log group: filter -> metric -> alarm -> subscribed SNS topic."""
    found = [f for f in filters if matches(f.get("filterPattern", ""), cid)]
    if not found:
        return False, f"no metric filter with the CIS {cid} pattern ({len(filters)} filters on the log group)"
    notes = []
    for f in found:
        for t in f.get("metricTransformations", []):
            on_metric = [a for a in alarms if a.get("MetricName") == t["metricName"]
                         and a.get("Namespace") == t["metricNamespace"]]
            if not on_metric:
                notes.append(f"filter {f['filterName']}: no alarm on {t['metricNamespace']}/{t['metricName']}")
            for a in on_metric:
                sns = [x for x in a.get("AlarmActions", []) if x.startswith("arn:aws:sns:")]
                if not sns:
                    notes.append(f"alarm {a['AlarmName']} notifies no SNS topic")
                for topic in sns:
                    ok, detail = _subscribed(topic, topics)
                    if ok:
                        return True, f"filter {f['filterName']} -> alarm {a['AlarmName']} -> {detail}"
                    notes.append(f"alarm {a['AlarmName']}: {detail}")
    return False, "; ".join(notes)


def _monitored(snap: Snapshot, cid: str) -> Iterator[Result]:
    cw = snap.section("cloudwatch")
    with_groups = [t for t in trails(snap) if t.get("CloudWatchLogsLogGroupArn")]
    if not with_groups:
        yield verdict(False, f"arn:aws:cloudtrail::{snap.account}:trail/*", "no trail delivers to CloudWatch Logs")
        return
    for group in sorted({t["CloudWatchLogsLogGroupArn"] for t in with_groups}):
        region, resource = group.split(":")[3], group.removesuffix(":*")
        feeding = [t for t in with_groups if t["CloudWatchLogsLogGroupArn"] == group]
        unqualified = {t["Name"]: why_not_3_1(t) for t in feeding}
        try:
            ok, detail = audit_log_group(cid, group, unwrap(cw.get("metric_filters", {}).get(group), "metric filters"),
                                         unwrap(cw.get("alarms", {}).get(region), "alarms"), cw.get("topics", {}))
        except Unavailable as e:
            yield not_evaluated(resource, e, region)
            continue
        if all(unqualified.values()):
            trail_why = "; ".join(f"trail {n}: {', '.join(w)}" for n, w in unqualified.items())
            yield verdict(False, resource, f"fed by no multi-region trail logging all management events ({trail_why}); "
                                           f"{detail}", region)
        else:
            yield verdict(ok, resource, detail, region)


TITLES = {
    "4.1": ("unauthorized API calls", 1, Severity.MEDIUM),
    "4.2": ("Management Console sign-in without MFA", 1, Severity.MEDIUM),
    "4.3": ("usage of 'root' account", 1, Severity.HIGH),
    "4.4": ("IAM policy changes", 1, Severity.MEDIUM),
    "4.5": ("CloudTrail configuration changes", 1, Severity.MEDIUM),
    "4.6": ("AWS Management Console authentication failures", 2, Severity.LOW),
    "4.7": ("disabling or scheduled deletion of customer created CMKs", 2, Severity.MEDIUM),
    "4.8": ("S3 bucket policy changes", 1, Severity.MEDIUM),
    "4.9": ("AWS Config configuration changes", 2, Severity.LOW),
    "4.10": ("security group changes", 2, Severity.MEDIUM),
    "4.11": ("changes to Network Access Control Lists (NACL)", 2, Severity.LOW),
    "4.12": ("changes to network gateways", 1, Severity.LOW),
    "4.13": ("route table changes", 1, Severity.LOW),
    "4.14": ("VPC changes", 1, Severity.LOW),
    "4.15": ("AWS Organizations changes", 1, Severity.LOW),
}


def _register(cid: str, what: str, level: int, severity: Severity) -> None:
    def check(snap: Snapshot) -> Iterator[Result]:
        yield from _monitored(snap, cid)
    check.__name__ = f"metric_filter_{cid.replace('.', '_')}"
    control(cid, f"Ensure a log metric filter and alarm exist for {what}", MONITORING, severity,
            f"aws logs put-metric-filter on the trail's log group with the CIS {cid} pattern, "
            "aws cloudwatch put-metric-alarm on its metric with --alarm-actions <SNS topic>, and subscribe to the topic.",
            needs=NEEDS, level=level)(check)


for _cid, (_what, _level, _severity) in TITLES.items():
    _register(_cid, _what, _level, _severity)


@control("4.16", "Ensure AWS Security Hub is enabled", MONITORING, Severity.MEDIUM,
         "aws securityhub enable-security-hub in every region.", needs=("securityhub:DescribeHub",), level=2)
def security_hub(snap: Snapshot) -> Iterator[Result]:
    for region in snap.regions:
        resource = f"arn:aws:securityhub:{region}:{snap.account}:hub/default"
        try:
            hub = unwrap(snap.regional("securityhub", region).get("hub"), "Security Hub")
        except Unavailable as e:
            yield not_evaluated(resource, e, region)
            continue
        yield verdict(hub is not None, resource,
                      f"subscribed since {hub.get('SubscribedAt')}" if hub else "not subscribed in this region", region)
