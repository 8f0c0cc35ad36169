"""Overlays for the facts moto cannot represent, applied to a collected snapshot.

Used by ``--demo`` (and ``--fixture FILE``). Each overlay is recorded in the
snapshot's ``fixtures`` list and named in the evidence of every result it
feeds, so a reader can tell measured state from supplied state. The keys:

``root``
    The ``<root_account>`` row of the credential report (moto's report has no
    root row) and the root fields of GetAccountSummary (moto hard-codes
    ``AccountMFAEnabled`` and ``AccountAccessKeysPresent`` to 0):
    ``{"mfa_active": bool, "access_key_1_active": bool, "access_key_2_active": bool,
    "password_last_used_days_ago": int | null}`` (the last one for 1.7; null: never).
``s3_mfa_delete``
    ``{bucket: "Enabled" | "Disabled"}``: moto accepts but does not store MFADelete.
``server_certificate_expiration``
    ``{certificate name: ISO date}``: moto's ListServerCertificates reports the same
    hard-coded Expiration (2012) for every certificate.
``cloudwatch_delivery_age_hours``
    ``{trail name: hours}``: moto's GetTrailStatus never reports
    ``LatestCloudWatchLogsDeliveryTime``; this sets it to collection time minus hours.

Access Analyzer is deliberately not overlaid: moto answers 404 and 1.20 is
reported NOT_EVALUATED with that reason.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from .snapshot import Snapshot, failed, ok, parse_time

KNOWN = ("root", "s3_mfa_delete", "server_certificate_expiration", "cloudwatch_delivery_age_hours", "description")


def load(path: Path) -> dict[str, Any]:
    """Read and check a fixture file; every mistake is a ValueError naming the file and the key."""
    try:
        fixture = json.loads(path.read_text())
    except json.JSONDecodeError as e:
        raise ValueError(f"{path}: not JSON ({e})") from e
    if not isinstance(fixture, dict):
        raise ValueError(f"{path}: expected a JSON object with keys {', '.join(KNOWN)}")
    unknown = set(fixture) - set(KNOWN)
    if unknown:
        raise ValueError(f"{path}: unknown fixture keys {sorted(unknown)}; known: {', '.join(KNOWN)}")
    for key, check in CHECKS.items():
        if key in fixture:
            problem = check(fixture[key])
            if problem:
                raise ValueError(f"{path}: {key}: {problem}")
    return fixture


def _root_problem(root: Any) -> str | None:
    if not isinstance(root, dict) or not isinstance(root.get("mfa_active"), bool):
        return 'expected {"mfa_active": true|false, ...}'
    flags = [k for k in ("access_key_1_active", "access_key_2_active") if not isinstance(root.get(k, False), bool)]
    used = root.get("password_last_used_days_ago")
    if flags:
        return f"{', '.join(flags)} must be true or false"
    if used is not None and (not isinstance(used, int) or isinstance(used, bool) or used < 0):
        return f"password_last_used_days_ago must be a whole number of days or null, not {used!r}"
    return None


def _mapping_problem(value: Any, ok_value: Callable[[Any], bool], what: str) -> str | None:
    if not isinstance(value, dict):
        return f"expected an object of name -> {what}"
    bad = [k for k, v in value.items() if not ok_value(v)]
    return f"{', '.join(map(str, bad))}: expected {what}" if bad else None


def _iso_date(value: Any) -> bool:
    try:
        parse_time(value)
    except (TypeError, ValueError, AttributeError):
        return False
    return isinstance(value, str)


CHECKS: dict[str, Callable[[Any], str | None]] = {
    "root": _root_problem,
    "s3_mfa_delete": lambda v: _mapping_problem(v, lambda x: x in ("Enabled", "Disabled"), '"Enabled" or "Disabled"'),
    "server_certificate_expiration": lambda v: _mapping_problem(v, _iso_date, "an ISO 8601 date"),
    "cloudwatch_delivery_age_hours": lambda v: _mapping_problem(
        v, lambda x: isinstance(x, (int, float)) and not isinstance(x, bool) and x >= 0, "hours, a number >= 0"),
}


def apply(snapshot: Snapshot, fixture: dict[str, Any], origin: str) -> None:
    """Mutate the snapshot in place with the fixture's overlays."""
    data = snapshot.data
    if "root" in fixture:
        _root(data, fixture["root"], origin)
    if "s3_mfa_delete" in fixture:
        _mfa_delete(data, fixture["s3_mfa_delete"], origin)
    if "server_certificate_expiration" in fixture:
        _certificates(data, fixture["server_certificate_expiration"], origin)
    if "cloudwatch_delivery_age_hours" in fixture:
        _delivery(snapshot, fixture["cloudwatch_delivery_age_hours"], origin)


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _root(data: dict[str, Any], root: dict[str, Any], origin: str) -> None:
    iam = data["iam"]
    used = root.get("password_last_used_days_ago")
    collected = datetime.fromisoformat(data["collected_at"])
    row = {
        "user": "<root_account>", "arn": f"arn:aws:iam::{data['account_id']}:root",
        "password_enabled": "not_supported", "mfa_active": _flag(root["mfa_active"]),
        "access_key_1_active": _flag(root.get("access_key_1_active", False)),
        "access_key_2_active": _flag(root.get("access_key_2_active", False)),
        "password_last_used": "N/A" if used is None else (collected - timedelta(days=used)).isoformat(),
        "access_key_1_last_used_date": "N/A", "access_key_2_last_used_date": "N/A",
        "fixture": origin,
    }
    if not failed(iam["credential_report"]):
        rows = [r for r in iam["credential_report"]["ok"] if r["user"] != "<root_account>"]
        iam["credential_report"] = ok([row, *rows])
    if not failed(iam["account_summary"]):
        summary = dict(iam["account_summary"]["ok"])
        summary["AccountMFAEnabled"] = int(root["mfa_active"])
        summary["AccountAccessKeysPresent"] = int(root.get("access_key_1_active", False)
                                                  or root.get("access_key_2_active", False))
        summary["fixture"] = origin
        iam["account_summary"] = ok(summary)
    data["fixtures"].append(f"root credential-report row and account-summary root fields ({origin})")


def _mfa_delete(data: dict[str, Any], states: dict[str, str], origin: str) -> None:
    buckets = data["s3"]["buckets"]
    for b in [] if failed(buckets) else buckets["ok"]:
        if b["Name"] in states and not failed(b["versioning"]):
            b["versioning"] = ok({**b["versioning"]["ok"], "MFADelete": states[b["Name"]], "fixture": origin})
    data["fixtures"].append(f"S3 MFADelete for {len(states)} bucket(s) ({origin})")


def _certificates(data: dict[str, Any], expirations: dict[str, str], origin: str) -> None:
    certs = data["iam"].get("server_certificates")
    for c in [] if failed(certs) else certs["ok"]:
        if c["ServerCertificateName"] in expirations:
            c.update(Expiration=expirations[c["ServerCertificateName"]], fixture=origin)
    data["fixtures"].append(f"IAM server certificate expiry for {len(expirations)} certificate(s) ({origin})")


def _delivery(snapshot: Snapshot, ages: dict[str, float], origin: str) -> None:
    for t in snapshot.data["cloudtrail"]["trails"]:
        if t["Name"] in ages and not failed(t["status"]):
            when = snapshot.now - timedelta(hours=ages[t["Name"]])
            t["status"] = ok({**t["status"]["ok"], "LatestCloudWatchLogsDeliveryTime": when.isoformat(),
                              "fixture": origin})
    snapshot.data["fixtures"].append(f"CloudWatch Logs delivery time for {len(ages)} trail(s) ({origin})")
