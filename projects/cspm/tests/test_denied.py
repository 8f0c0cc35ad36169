"""Access denied on any single API call: reported as NOT_EVALUATED with the action, never a crash."""
from __future__ import annotations

from typing import Any

import pytest

from projects.cspm import demo
from projects.cspm.checks import CONTROLS
from projects.cspm.collector import ACTIONS
from projects.cspm.demorun import collect
from projects.cspm.engine import Report, scan
from projects.cspm.model import Status

# IAM action -> (botocore service, API operation) where the names differ.
API = {
    "s3:ListAllMyBuckets": ("s3", "ListBuckets"),
    "s3:GetBucketPublicAccessBlock": ("s3", "GetPublicAccessBlock"),
    "s3:GetAccountPublicAccessBlock": ("s3control", "GetPublicAccessBlock"),
    "s3:GetEncryptionConfiguration": ("s3", "GetBucketEncryption"),
    "access-analyzer:ListAnalyzers": ("accessanalyzer", "ListAnalyzers"),
    "elasticfilesystem:DescribeFileSystems": ("efs", "DescribeFileSystems"),
}
# Denials that legitimately change no verdict, and why.
SILENT = {
    "ec2:DescribeRegions": "not called when regions are given",
    "s3:GetBucketLocation": "only labels each bucket's region; calls fall back to the home region",
    "iam:GetAccountSummary": "1.4/1.5 fall back to the credential report's <root_account> row",
    "iam:GenerateCredentialReport": "the report generated minutes earlier is still readable (AWS keeps it 4 h)",
    "ec2:DescribeVolumes": "volumes are context in 2.2.1's evidence, not part of any verdict",
    "iam:ListVirtualMFADevices": "1.6 reads it only when root has MFA; the bad account's root has none, a FAIL either way",
}


class _Http:
    status_code = 403
    raw = None  # botocore's GetBucketLocation parser skips bodiless responses


def deny(session: Any, action: str) -> None:
    """Make every call of `action` fail with AccessDenied, before it reaches moto."""
    service, op = API.get(action) or (action.split(":")[0], action.split(":")[1])

    def handler(model: Any, **_: Any) -> Any:
        if model.service_model.service_name == service and model.name == op:
            return _Http(), {"Error": {"Code": "AccessDenied", "Message": f"denied {action} (test)"}}
        return None

    session.events.register("before-call", handler)


@pytest.fixture(scope="module")
def live_bad():
    """The misconfigured account, kept live so each test can collect it again."""
    with demo.moto_account("bad") as (session, seeded):
        yield seeded, scan(collect(demo.session(), seeded))


def _verdicts(report: Report) -> dict[str, dict[str, str]]:
    return {cr.control.id: {r.resource: r.status.value for r in cr.results} for cr in report.controls}


def test_every_declared_need_is_a_collector_action():
    assert {n for c in CONTROLS for n in c.needs} <= set(ACTIONS)


@pytest.mark.parametrize("action", ACTIONS)
def test_denied_action_is_reported_not_hidden(live_bad, action):
    seeded, baseline = live_bad
    session = demo.session(shared=False)  # the deny hook must not leak into other tests
    deny(session, action)
    report = scan(collect(session, seeded))  # must not raise
    before, after = _verdicts(baseline), _verdicts(report)
    mentioned = []
    for cr in report.controls:
        cid = cr.control.id
        if action not in cr.control.needs:
            assert after[cid] == before[cid], f"{cid} changed although it does not read {action}"
            continue
        for r in cr.results:
            if before[cid].get(r.resource) != r.status.value:
                assert r.status is Status.NOT_EVALUATED, f"{cid} {r.resource}: {r.status} after denying {action}"
            if r.status is Status.NOT_EVALUATED and action in r.evidence:
                assert "AccessDenied" in r.evidence
                mentioned.append(cid)
    if action in SILENT:
        assert not mentioned
    else:
        assert mentioned, f"denying {action} left no NOT_EVALUATED trace"
