"""The command line: exit codes, formats, snapshots, and the card's proof run."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from projects.cspm import snapshot as snap
from projects.cspm.cli import main

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def snapshots(bad, remediated, tmp_path):
    paths = {"bad": tmp_path / "bad.json", "remediated": tmp_path / "fixed.json"}
    snap.save(bad.snapshot, paths["bad"])
    snap.save(remediated.snapshot, paths["remediated"])
    return paths


@pytest.mark.parametrize("fail_on, code", [("none", 0), ("low", 1), ("high", 1), ("critical", 1)])
def test_fail_on_threshold_for_the_bad_account(snapshots, capsys, fail_on, code):
    assert main(["--snapshot", str(snapshots["bad"]), "--fail-on", fail_on]) == code
    assert "1 Identity and Access Management" in capsys.readouterr().out


def test_remediated_account_passes_even_at_the_lowest_threshold(snapshots, capsys):
    assert main(["--snapshot", str(snapshots["remediated"]), "--fail-on", "low", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["failed"] == 0


def test_fail_on_counts_only_failures_at_or_above(snapshots, tmp_path, capsys):
    """Leave only the low-severity 1.9 failing: --fail-on medium passes, --fail-on low fails."""
    data = json.loads(snapshots["remediated"].read_text())
    data["iam"]["password_policy"]["ok"]["PasswordReusePrevention"] = 5
    path = tmp_path / "reuse.json"
    path.write_text(json.dumps(data))
    assert main(["--snapshot", str(path), "--fail-on", "medium"]) == 0
    assert main(["--snapshot", str(path), "--fail-on", "low"]) == 1
    capsys.readouterr()


def test_formats_write_to_output_file(snapshots, tmp_path):
    for fmt in ("sarif", "html", "json"):
        out = tmp_path / f"report.{fmt}"
        assert main(["--snapshot", str(snapshots["bad"]), "--format", fmt, "-o", str(out)]) == 0
        text = out.read_text()
        assert text.startswith("<!doctype html>") if fmt == "html" else json.loads(text)


def test_unreadable_snapshot_is_a_usage_error(tmp_path, capsys):
    bad = tmp_path / "nope.json"
    bad.write_text("{}")
    assert main(["--snapshot", str(bad)]) == 2
    assert "cspm: error:" in capsys.readouterr().err


@pytest.mark.parametrize("text, words", [
    ("{not json", "not JSON"),
    ('["root"]', "expected a JSON object"),
    ('{"roots": {}}', "unknown fixture keys ['roots']"),
    ('{"root": {"mfa_active": "yes"}}', 'root: expected {"mfa_active": true|false'),
    ('{"root": {"mfa_active": true, "password_last_used_days_ago": -3}}', "password_last_used_days_ago must be"),
    ('{"s3_mfa_delete": {"acme-data": "on"}}', 's3_mfa_delete: acme-data: expected "Enabled" or "Disabled"'),
    ('{"server_certificate_expiration": {"www": "next year"}}', "server_certificate_expiration: www: expected an ISO"),
    ('{"cloudwatch_delivery_age_hours": {"acme-main": "1h"}}', "cloudwatch_delivery_age_hours: acme-main: expected hours"),
])
def test_a_bad_fixture_file_is_one_message_naming_file_and_key(snapshots, tmp_path, capsys, text, words):
    fixture = tmp_path / "fixture.json"
    fixture.write_text(text)
    assert main(["--snapshot", str(snapshots["bad"]), "--fixture", str(fixture)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"cspm: error: {fixture}: ") and words in err, err


def test_unknown_profile_is_a_collection_error_not_a_traceback(capsys):
    assert main(["--profile", "no-such-profile-cspm-test"]) == 2
    assert "could not be found" in capsys.readouterr().err


def test_help_names_the_modes_and_exit_codes():
    out = subprocess.run([sys.executable, "-m", "projects.cspm", "--help"], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    for word in ("--demo", "--snapshot", "--save-snapshot", "--endpoint-url", "--fail-on", "sarif", "exit codes"):
        assert word in out


def test_card_proof_run_prints_one_json_object_and_self_checks_pass(tmp_path):
    """Exactly the card's proof.args; stdout must be the JSON alone."""
    import yaml
    card = yaml.safe_load((ROOT / "projects/cspm/card.yaml").read_text())
    result = subprocess.run([sys.executable, "-m", "projects.cspm", *card["proof"]["args"]], cwd=ROOT,
                            capture_output=True, text=True, timeout=card["proof"].get("timeout", 120))
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert all(doc["demo"]["self_checks"].values())
    for claim in card["claims"]:
        claim.format_map(doc)  # every key a claim uses exists
