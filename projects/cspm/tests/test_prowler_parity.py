"""Verdict for verdict against Prowler 5 on the same seeded account (pinned in prowler_cis15_bad_account.json).

Every disagreement is listed here with its reason; the README explains each one
with the benchmark's text. A new disagreement, or a known one that goes away,
fails the test.
"""
from __future__ import annotations

from projects.cspm.parity import compare, load_table

LOG_GROUP = "arn:aws:logs:us-east-1:123456789012:log-group:cloudtrail/acme"
KNOWN = {
    **{f"{cid} {LOG_GROUP}": "Prowler checks filter and alarm only: not the multi-region trail (audit steps 1-2) "
                             "nor an active SNS subscriber (step 7)"
       for cid in ("4.4", "4.5", "4.6", "4.7", "4.8", "4.9", "4.10", "4.11", "4.12", "4.14")},
    "5.2 arn:aws:ec2:eu-west-1:123456789012:security-group/sg-4f1a7592fbfbbb19a": "::/0 is 5.3, not 5.2",
    "5.3 arn:aws:ec2:eu-west-1:123456789012:security-group/sg-717024f931d096c99": "0.0.0.0/0 is 5.2, not 5.3",
    "5.3 arn:aws:ec2:us-east-1:123456789012:security-group/sg-bb833fb50beb33a0a": "0.0.0.0/0 is 5.2, not 5.3",
    "2.3.3 arn:aws:rds:us-east-1:123456789012:db:orders-db": "CIS asks PubliclyAccessible=false; Prowler also "
                                                             "accepts a public instance behind closed groups",
    "2.3.1 arn:aws:rds:us-east-1:123456789012:db:ledger-db": "Prowler adds rds.force_ssl; CIS 2.3.1 is at rest",
    "1.12 arn:aws:iam::123456789012:user/bob": "Prowler's console-password check crashed on moto",
    "1.19 arn:aws:iam::123456789012:server-certificate/api-current": "moto hard-codes Expiration 2012; fixture",
    "2.1.3 arn:aws:s3:::acme-access-logs": "moto does not store MFADelete; fixture",
    "2.1.3 arn:aws:s3:::acme-data": "moto does not store MFADelete; fixture",
}


def test_the_pinned_table_names_its_source():
    table = load_table()
    assert table["source"].startswith("Prowler 5.") and "cis_1.5_aws" in table["source"]
    assert {r["status"] for r in table["rows"]} <= {"PASS", "FAIL", "MANUAL"}


def test_every_disagreement_with_prowler_is_a_known_one(bad):
    parity = compare(bad.report, load_table()["rows"])
    assert set(parity["resource_disagreements"]) == set(KNOWN)
    assert parity["resources_agree"] == parity["resources_both_judge"] - len(KNOWN)
    assert parity["resources_both_judge"] >= 90
    # Root facts come from the credential report's root row, which moto lacks: Prowler reports nothing there.
    assert parity["only_this_scanner"] == ["1.4", "1.5", "1.6", "1.7"]
    # CIS marks 1.21 and 2.1.4 Manual; Prowler judges them, this scanner lists them for review.
    assert set(parity["not_judged_here"]) == {"1.21", "2.1.4"}
    # Overall, a control disagrees when its only failing resource is disputed (above), and for 3.5,
    # where Prowler gave no row for us-east-1, whose recorder leaves out global resource types.
    assert set(parity["control_disagreements"]) == {"2.3.3", "3.5", "4.4", "4.5", "4.6", "4.7", "4.8", "4.9",
                                                    "4.10", "4.11", "4.12", "4.14"}
