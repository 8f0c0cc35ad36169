"""Rule logic of the controls added for full CIS v1.5 coverage, on hand-made data the demo does not reach."""
from __future__ import annotations

import pytest

from projects.cspm.checks.ec2 import _nacl_opens
from projects.cspm.checks.logging import object_logging_trails
from projects.cspm.checks.monitoring import PATTERNS, audit_log_group, matches, terms
from projects.cspm.collector import short_message
from projects.cspm.snapshot import ok

GROUP = "arn:aws:logs:us-east-1:1:log-group:ct:*"
TOPIC = "arn:aws:sns:us-east-1:1:alarms"


@pytest.mark.parametrize("pattern, cid, expected", [
    (PATTERNS["4.3"][0], "4.3", True),
    # spacing, quoting and order do not matter
    ('{$.eventType!="AwsServiceEvent"&&$.userIdentity.invokedBy NOT EXISTS&&$.userIdentity.type=Root}', "4.3", True),
    ('{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }', "4.2", True),
    (PATTERNS["4.2"][1], "4.2", True),                                       # CIS's SSO-aware variant
    ('{ ($.eventName = "ConsoleLogin") }', "4.2", False),                    # misses the MFA term
    ('{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) }', "4.5", False),  # three events missing
    (PATTERNS["4.5"][0].replace("StopLogging", "StopLogin"), "4.5", False),  # a misspelt event catches nothing
    (PATTERNS["4.13"][0], "4.14", False),                                    # the right pattern, another control
])
def test_filter_patterns_match_on_terms(pattern, cid, expected):
    assert matches(pattern, cid) is expected


def test_every_cis_pattern_parses_into_terms():
    assert all(terms(p) for patterns in PATTERNS.values() for p in patterns)
    assert len(terms(PATTERNS["4.15"][0])) == 19  # eventSource and 18 Organizations events


def _filter(cid, metric="m"):
    return {"filterName": f"f{cid}", "filterPattern": PATTERNS[cid][0],
            "metricTransformations": [{"metricName": metric, "metricNamespace": "CIS"}]}


def _alarm(metric="m", actions=(TOPIC,)):
    return {"AlarmName": "a", "MetricName": metric, "Namespace": "CIS", "AlarmActions": list(actions)}


@pytest.mark.parametrize("filters, alarms, subscriptions, expected, words", [
    ([_filter("4.4")], [_alarm()], [{"SubscriptionArn": f"{TOPIC}:abc"}], True, "1 confirmed"),
    ([_filter("4.4")], [_alarm()], [{"SubscriptionArn": "PendingConfirmation"}], False, "0 confirmed"),
    ([_filter("4.4")], [_alarm("other")], [], False, "no alarm on CIS/m"),
    ([_filter("4.4")], [_alarm(actions=("arn:aws:automate:us-east-1:ec2:stop",))], [], False, "notifies no SNS topic"),
    ([_filter("4.5")], [_alarm()], [{"SubscriptionArn": f"{TOPIC}:abc"}], False, "no metric filter with the CIS 4.4"),
])
def test_filter_alarm_topic_chain(filters, alarms, subscriptions, expected, words):
    passed, evidence = audit_log_group("4.4", GROUP, filters, alarms, {TOPIC: ok(subscriptions)})
    assert passed is expected and words in evidence


def _entry(rule, action, proto="6", ports=(22, 22), cidr="0.0.0.0/0", egress=False):
    return {"RuleNumber": rule, "RuleAction": action, "Protocol": proto, "Egress": egress, "CidrBlock": cidr,
            "PortRange": {"From": ports[0], "To": ports[1]}}


@pytest.mark.parametrize("entries, port, opens", [
    ([_entry(100, "allow", "-1")], 22, True),
    ([_entry(10, "deny"), _entry(100, "allow", "-1")], 22, False),          # the lower number decides
    ([_entry(100, "allow", "-1"), _entry(10, "deny")], 22, False),          # whatever the listing order
    ([_entry(10, "deny"), _entry(100, "allow", "-1")], 3389, True),         # the deny covers only 22
    ([_entry(100, "allow", ports=(0, 1024))], 22, True),
    ([_entry(100, "allow", "17", ports=(0, 65535))], 22, False),            # UDP
    ([_entry(100, "allow", "-1", cidr="10.0.0.0/8")], 22, False),
    ([_entry(100, "allow", "-1", egress=True)], 22, False),
])
def test_nacl_first_matching_entry_decides(entries, port, opens):
    assert (_nacl_opens(entries, port) is not None) is opens


def _trail(selectors, multi=True, logging=True, home="us-east-1"):
    return {"Name": "t", "HomeRegion": home, "IsMultiRegionTrail": multi, "status": ok({"IsLogging": logging}),
            "event_selectors": ok(selectors)}


def _basic(rw, *values):
    return {"EventSelectors": [{"ReadWriteType": rw, "IncludeManagementEvents": True,
                                "DataResources": [{"Type": "AWS::S3::Object", "Values": list(values)}]}]}


def _advanced(read_only=None, arn=None):
    fields = [{"Field": "eventCategory", "Equals": ["Data"]}, {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}]
    if read_only is not None:
        fields.append({"Field": "readOnly", "Equals": [read_only]})
    if arn is not None:
        fields.append({"Field": "resources.ARN", **arn})
    return {"AdvancedEventSelectors": [{"FieldSelectors": fields}]}


@pytest.mark.parametrize("trail, kind, logged", [
    (_trail(_basic("All", "arn:aws:s3")), "read", True),
    (_trail(_basic("WriteOnly", "arn:aws:s3")), "read", False),
    (_trail(_basic("WriteOnly", "arn:aws:s3:::b/")), "write", True),
    (_trail(_basic("WriteOnly", "arn:aws:s3:::other/")), "write", False),
    (_trail(_basic("All", "arn:aws:s3:::b/logs/")), "write", False),        # a prefix is not the bucket
    (_trail(_basic("All", "arn:aws:s3"), logging=False), "write", False),
    (_trail(_basic("All", "arn:aws:s3"), multi=False, home="eu-west-1"), "write", False),  # another region
    (_trail(_advanced()), "read", True),
    (_trail(_advanced("false")), "read", False),
    (_trail(_advanced("false", {"StartsWith": ["arn:aws:s3:::b/"]})), "write", True),
    (_trail(_advanced(arn={"NotStartsWith": ["arn:aws:s3:::b/"]})), "write", False),
])
def test_object_level_logging_selectors(trail, kind, logged):
    assert bool(object_logging_trails([trail], "b", "us-east-1", kind)) is logged


@pytest.mark.parametrize("status, message, expected", [
    (500, "<!DOCTYPE html><html><body>Internal Server Error" + "x" * 500, "ListAnalyzers answered HTTP 500"),
    (503, "Slow Down", "ListAnalyzers answered HTTP 503"),
    (404, "Not yet implemented", "ListAnalyzers: Not yet implemented"),
    (403, "User is not authorized\n to perform", "ListAnalyzers: User is not authorized to perform"),
])
def test_endpoint_errors_are_one_short_line(status, message, expected):
    assert short_message("ListAnalyzers", status, message) == expected


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_):  # type: ignore[no-untyped-def]
        yield self.body


def test_a_server_error_is_retried_within_the_sdk_budget_and_stored_as_one_line():
    """An endpoint answering HTTP 500 with an HTML page: three attempts (botocore's standard mode), one short line."""
    import boto3
    from botocore.awsrequest import AWSResponse

    from projects.cspm.collector import Collector
    attempts = []

    def server_error(request, **_):  # type: ignore[no-untyped-def]
        attempts.append(request.url)
        page = b"<!DOCTYPE html><html><head><title>500 Internal Server Error</title></head><body>" + b"x" * 2000
        return AWSResponse(request.url, 500, {"Content-Type": "text/html"}, _Raw(page))

    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")
    session.events.register("before-send.accessanalyzer.ListAnalyzers", server_error)
    found = Collector(session, ["us-east-1"], endpoint_url="http://127.0.0.1:9")._analyzers("us-east-1")
    assert len(attempts) == 3
    assert found["error"]["code"] == "HTTP 500"
    assert found["error"]["message"] == "ListAnalyzers answered HTTP 500"
