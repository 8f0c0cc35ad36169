"""Edge cases of the rule logic that the demo accounts do not reach, on hand-made data."""
from __future__ import annotations

import pytest

from projects.cspm.checks.ec2 import open_admin_ports
from projects.cspm.checks.iam import admin_statements, unused_credentials
from projects.cspm.checks.logging import captures_all_management_events
from projects.cspm.checks.s3 import denies_http, effective_block
from projects.cspm.model import Status
from projects.cspm.snapshot import Snapshot, ok

DENY = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}


@pytest.mark.parametrize("change, expected", [
    ({}, True),
    ({"Principal": {"AWS": ["*"]}}, True),
    ({"Action": ["s3:GetObject", "*"]}, True),
    ({"Resource": "arn:aws:s3:::b*"}, True),
    ({"Condition": {"Bool": {"aws:SecureTransport": False}}}, True),   # JSON boolean, not the string
    ({"Effect": "Allow"}, False),
    ({"Principal": {"AWS": "arn:aws:iam::1:root"}}, False),
    ({"Action": "s3:PutObject"}, False),                              # does not cover every action
    ({"Resource": "arn:aws:s3:::other/*"}, False),
    ({"Condition": {"Bool": {"aws:SecureTransport": "true"}}}, False),
])
def test_deny_http_statement_shapes(change, expected):
    assert denies_http({"Statement": [{**DENY, **change}]}, "b") is expected


def test_deny_http_accepts_a_single_statement_object():
    assert denies_http({"Statement": DENY}, "b")


def _sg(*rules):
    return {"IpPermissions": list(rules)}


@pytest.mark.parametrize("rule, ports", [
    ({"IpProtocol": "tcp", "FromPort": 0, "ToPort": 1024, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}, [22]),
    ({"IpProtocol": "tcp", "FromPort": 3000, "ToPort": 4000, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}, [3389]),
    ({"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}, [22, 3389]),
    ({"IpProtocol": "6", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}, [22]),
    ({"IpProtocol": "udp", "FromPort": 0, "ToPort": 65535, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}, []),
    ({"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}, []),
    ({"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}, []),
])
def test_admin_port_coverage(rule, ports):
    assert open_admin_ports(_sg(rule), "CidrIp", "IpRanges", "0.0.0.0/0") == ports


def test_ipv6_world_is_separate_from_ipv4():
    rule = {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}
    assert open_admin_ports(_sg(rule), "CidrIp", "IpRanges", "0.0.0.0/0") == []
    assert open_admin_ports(_sg(rule), "CidrIpv6", "Ipv6Ranges", "::/0") == [22]


@pytest.mark.parametrize("selectors, expected", [
    ({"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": True}]}, True),
    ({"EventSelectors": [{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}]}, False),
    ({"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": False}]}, False),
    ({"AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}]}, True),
    ({"AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]},
                                                     {"Field": "readOnly", "Equals": ["false"]}]}]}, False),
    ({"EventSelectors": [], "AdvancedEventSelectors": []}, False),
])
def test_management_event_capture(selectors, expected):
    assert captures_all_management_events(selectors) is expected


def test_account_level_block_covers_a_bucket_without_its_own():
    on = dict.fromkeys(("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), True)
    assert all(effective_block(None, on).values())
    assert not all(effective_block({"BlockPublicAcls": True}, None).values())


def test_admin_statement_needs_both_wildcards():
    assert admin_statements({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}})
    assert admin_statements({"Statement": [{"Effect": "Allow", "Action": ["*"], "Resource": ["*"]}]})
    assert not admin_statements({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b"}]})
    assert not admin_statements({"Statement": [{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]})
    assert not admin_statements({"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]})


def _report_row(**fields):
    row = {"user": "u", "arn": "arn:aws:iam::1:user/u", "user_creation_time": "2024-01-01T00:00:00+00:00",
           "password_enabled": "false", "password_last_used": "N/A", "password_last_changed": "N/A",
           "access_key_1_active": "false", "access_key_1_last_rotated": "N/A", "access_key_1_last_used_date": "N/A",
           "access_key_2_active": "false", "access_key_2_last_rotated": "N/A", "access_key_2_last_used_date": "N/A"}
    return {**row, **fields}


@pytest.mark.parametrize("fields, status, words", [
    ({"password_enabled": "true", "password_last_used": "no_information",
      "password_last_changed": "2024-05-01T00:00:00+00:00"}, Status.FAIL, "never used, set 61 days ago"),
    ({"password_enabled": "true", "password_last_used": "no_information",
      "password_last_changed": "2024-06-20T00:00:00+00:00"}, Status.PASS, "used within 45 days"),
    ({"access_key_2_active": "true", "access_key_2_last_rotated": "2024-05-01T00:00:00+00:00",
      "access_key_2_last_used_date": "N/A"}, Status.FAIL, "access key 2 never used, created 61 days ago"),
    ({"access_key_2_active": "true", "access_key_2_last_rotated": "2024-06-01T00:00:00+00:00",
      "access_key_2_last_used_date": "N/A"}, Status.PASS, "used within 45 days"),
    ({"access_key_1_active": "false", "access_key_1_last_rotated": "2020-01-01T00:00:00+00:00"},
     Status.PASS, "used within 45 days"),
])
def test_unused_credentials_follow_the_cis_fallbacks(fields, status, words):
    """CIS 1.12: never-used credentials are judged by when they were set or created; inactive ones are ignored."""
    snap = Snapshot({"account_id": "1", "regions": [], "collected_at": "2024-07-01T00:00:00+00:00",
                     "iam": {"credential_report": ok([_report_row(**fields)])}})
    [result] = list(unused_credentials(snap))
    assert result.status is status and words in result.evidence
