"""Section 1: the root user (CIS v1.5 1.4-1.7).

Root facts come from the credential report's ``<root_account>`` row, which every
real account has. GetAccountSummary (the benchmark's CLI audit for 1.4 and 1.5)
is read too, but only trusted when that row or a fixture backs it: an endpoint
with no root user (a bare moto server) answers it with hard-coded zeros, which
would read as "no root keys" and "no root MFA" and measure nothing.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..model import Result, Severity
from ..snapshot import Snapshot, Unavailable, unwrap
from .iam import REPORT, account_arn, days_ago, root_row, rows, when
from .registry import IAM, control, verdict

SUMMARY = ("iam:GetAccountSummary",)
ROOT_USE_DAYS = 30
"""1.7: a root sign-in or key use this recent counts as use for everyday work (CIS gives no number)."""


def _fixture_note(source: dict[str, Any]) -> str:
    return f" [fixture: {source['fixture']}]" if "fixture" in source else ""


def _row(snap: Snapshot) -> dict[str, str]:
    row = root_row(rows(snap))
    if row is None:
        raise Unavailable("the credential report has no <root_account> row, so GetAccountSummary's root "
                          "fields may be an endpoint's defaults and are not trusted")
    return row


def root_fact(snap: Snapshot, summary_key: str, row_keys: tuple[str, ...]) -> tuple[bool, str]:
    """A root fact from GetAccountSummary when the root row or a fixture backs it, else from the root row."""
    reasons = []
    row: dict[str, str] | None = None
    try:
        row = _row(snap)
    except Unavailable as e:
        reasons.append(str(e))
    try:
        summary = unwrap(snap.section("iam").get("account_summary"), "account summary")
        if row is not None or "fixture" in summary:
            return bool(summary[summary_key]), f"GetAccountSummary {summary_key}={summary[summary_key]}" + _fixture_note(summary)
    except Unavailable as e:
        reasons.append(str(e))
    if row is None:
        raise Unavailable("; ".join(reasons))
    value = any(row[k] == "true" for k in row_keys)
    return value, "credential report <root_account> " + ", ".join(f"{k}={row[k]}" for k in row_keys) + _fixture_note(row)


@control("1.4", "Ensure no 'root' user account access key exists", IAM, Severity.CRITICAL,
         "Sign in as root, delete its access keys (IAM > Security credentials > Access keys).",
         needs=SUMMARY + REPORT, level=1)
def root_access_keys(snap: Snapshot) -> Iterator[Result]:
    present, evidence = root_fact(snap, "AccountAccessKeysPresent", ("access_key_1_active", "access_key_2_active"))
    yield verdict(not present, account_arn(snap), evidence)


@control("1.5", "Ensure MFA is enabled for the 'root' user account", IAM, Severity.CRITICAL,
         "Sign in as root and assign an MFA device (a dedicated, non-personal one for virtual MFA).",
         needs=SUMMARY + REPORT, level=1)
def root_mfa(snap: Snapshot) -> Iterator[Result]:
    enabled, evidence = root_fact(snap, "AccountMFAEnabled", ("mfa_active",))
    yield verdict(enabled, account_arn(snap), evidence)


@control("1.6", "Ensure hardware MFA is enabled for the 'root' user account", IAM, Severity.HIGH,
         "Sign in as root, remove the virtual MFA device and assign a hardware (FIDO or TOTP) device.",
         needs=SUMMARY + REPORT + ("iam:ListVirtualMFADevices",), level=2)
def root_hardware_mfa(snap: Snapshot) -> Iterator[Result]:
    enabled, evidence = root_fact(snap, "AccountMFAEnabled", ("mfa_active",))
    if not enabled:
        yield verdict(False, account_arn(snap), f"no MFA at all ({evidence})")
        return
    devices = unwrap(snap.section("iam").get("virtual_mfa_devices"), "virtual MFA devices")
    virtual = [d["SerialNumber"] for d in devices if d.get("User", {}).get("Arn") == account_arn(snap)
               or d["SerialNumber"].endswith(":mfa/root-account-mfa-device")]
    yield verdict(not virtual, account_arn(snap), f"root MFA is virtual: {', '.join(virtual)}" if virtual
                  else f"MFA on ({evidence}) and no virtual MFA device is assigned to root, so it is hardware")


@control("1.7", "Eliminate use of the 'root' user for administrative and daily tasks", IAM, Severity.HIGH,
         "Create an administrator role for daily work; keep root for the few tasks only it can do.",
         needs=REPORT, level=1)
def root_usage(snap: Snapshot) -> Iterator[Result]:
    row = _row(snap)
    fields = ("password_last_used", "access_key_1_last_used_date", "access_key_2_last_used_date")
    uses = {f: days_ago(snap, t) for f in fields if (t := when(row.get(f, "N/A")))}
    recent = {f: d for f, d in uses.items() if d < ROOT_USE_DAYS}
    seen = ", ".join(f"{f} {d} days ago" for f, d in uses.items()) or "never used"
    yield verdict(not recent, account_arn(snap), f"root {seen} (limit: none in the last {ROOT_USE_DAYS} days)"
                  + _fixture_note(row))
