"""An account with nothing to look at: per-resource controls say so (NO_RESOURCES); account-level ones still judge."""
from __future__ import annotations

from projects.cspm import demo
from projects.cspm.collector import Collector
from projects.cspm.engine import scan


def test_empty_account_has_nothing_to_fail_but_missing_logging():
    """No users, buckets, trails or keys: per-resource controls report NO_RESOURCES; no crash."""
    with demo.moto_account_empty() as session:
        report = scan(Collector(session, demo.REGIONS, source="empty moto account").collect())
    status = {cr.control.id: cr.status for cr in report.controls}
    for cid in ("1.10", "1.11", "1.12", "1.13", "1.14", "1.15", "1.18", "1.19", "2.1.1", "2.1.2", "2.1.3",
                "2.1.5", "2.3.1", "2.3.2", "2.3.3", "2.4.1", "3.2", "3.3", "3.4", "3.6", "3.7", "3.8", "3.10",
                "3.11", "S3.9", "S3.14"):
        assert status[cid] == "NO_RESOURCES", cid
    assert status["3.1"] == "FAIL"          # no trail at all is a failure, not an absence of resources
    assert status["1.8"] == "FAIL"          # no password policy
    assert status["5.4"] == "FAIL"          # moto's default VPCs keep the default allow-all egress
    assert status["5.1"] == "FAIL"          # ... and default network ACLs that allow everything in
    for cid in ("3.5", "3.9", "4.16"):      # no recorder, no flow log, no Security Hub: regional failures
        assert status[cid] == "FAIL", cid
    for cid in ("4.1", "4.15"):             # no trail delivers to CloudWatch Logs
        assert status[cid] == "FAIL", cid
    # moto's GetAccountSummary hard-codes the root fields to 0 and its credential report has no root row:
    # without a fixture, "no root keys" and "no root MFA" would be an endpoint's defaults, not facts.
    for cid in ("1.4", "1.5", "1.6", "1.7"):
        assert status[cid] == "NOT_EVALUATED", cid
        cr = next(c for c in report.controls if c.control.id == cid)
        assert "no <root_account> row" in cr.results[0].evidence
