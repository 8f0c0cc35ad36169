"""The seeded accounts: exact FAIL set when misconfigured, zero FAILs when remediated."""
from __future__ import annotations

import json

import pytest

from projects.cspm import snapshot as snap
from projects.cspm.checks import CONTROLS
from projects.cspm.engine import scan
from projects.cspm.model import Status

CIS_REQUIRED = {"1.4", "1.5", "1.8", "1.9", "1.10", "1.12", "1.13", "1.14", "1.15", "1.16", "1.17", "2.1.1",
                "2.1.2", "2.1.3", "2.1.5", "2.2.1", "3.1", "3.2", "3.4", "3.6", "3.7", "5.2", "5.3", "5.4"}


def test_registry_covers_the_issue_list_and_labels_extras():
    ids = {c.id for c in CONTROLS}
    assert CIS_REQUIRED <= ids
    extras = {c.id: c for c in CONTROLS if not c.is_cis}
    assert set(extras) == {"S3.14", "S3.9"}
    assert all("not CIS" in c.framework and c.level is None for c in extras.values())
    assert all(c.level in (1, 2) for c in CONTROLS if c.is_cis)


def test_bad_account_fails_exactly_the_seeded_misconfigurations(bad):
    found = {(c.id, r.resource) for c, r in bad.report.findings()}
    assert found == bad.seeded.expected_failures


def test_remediated_account_has_no_failures(remediated):
    assert remediated.report.findings() == []
    assert remediated.report.summary()["failed"] == 0


@pytest.mark.parametrize("control", [c.id for c in CONTROLS])
def test_each_control_has_a_failing_and_a_passing_case(bad, remediated, control):
    b = next(cr for cr in bad.report.controls if cr.control.id == control)
    f = next(cr for cr in remediated.report.controls if cr.control.id == control)
    if b.control.assessment == "Manual" and b.status == "MANUAL":  # listed for review, never judged
        assert f.status == "MANUAL" and all(r.status is Status.MANUAL for r in (*b.results, *f.results))
        return
    if control == "1.20":  # moto has no Access Analyzer: reported, never a fake PASS
        for cr in (b, f):
            assert cr.status == "NOT_EVALUATED"
            assert all("access-analyzer:ListAnalyzers" in r.evidence for r in cr.results)
        return
    assert b.with_status(Status.FAIL), f"{control} never fails in the bad account"
    assert f.status == "PASS" and f.results, f"{control} does not pass once remediated"


def test_partial_passes_exist_inside_the_bad_account(bad):
    """Failing controls still pass compliant resources (alice, the log bucket, the eu-west-1 key)."""
    mixed = [cr.control.id for cr in bad.report.controls if cr.with_status(Status.FAIL) and cr.with_status(Status.PASS)]
    assert {"1.10", "1.12", "1.16", "2.1.1", "2.2.1", "3.8", "5.2"} <= set(mixed)


def test_fixture_facts_are_named_in_the_evidence(bad):
    by_id = {cr.control.id: cr for cr in bad.report.controls}
    for cid in ("1.4", "1.5", "2.1.3"):
        assert all("fixture" in r.evidence for r in by_id[cid].results), cid
    assert not any("fixture" in r.evidence for r in by_id["1.8"].results)
    assert len(bad.snapshot.data["fixtures"]) == 4


def test_snapshot_round_trip_rescans_identically(bad, tmp_path):
    path = tmp_path / "acct.json"
    snap.save(bad.snapshot, path)
    again = scan(snap.load(path))
    assert [cr.results for cr in again.controls] == [cr.results for cr in bad.report.controls]


def test_snapshot_of_another_schema_is_refused(tmp_path):
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"schema": "something-else"}))
    with pytest.raises(ValueError, match="cspm-snapshot/1"):
        snap.load(path)


def test_ages_are_judged_at_collection_time(bad):
    """Rescanning an old snapshot must not age its keys: checks use collected_at, not the wall clock."""
    data = json.loads(json.dumps(bad.snapshot.data))
    data["collected_at"] = "2999-01-01T00:00:00+00:00"
    later = scan(snap.Snapshot(data))
    stale = next(cr for cr in later.controls if cr.control.id == "1.14")
    assert len(stale.with_status(Status.FAIL)) == 3  # alice's 30-day key and bob's new one are now ancient too
