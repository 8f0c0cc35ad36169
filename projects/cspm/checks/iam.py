"""Section 1: Identity and Access Management, IAM users and policies (CIS v1.5 1.8-1.20; the root user is root.py)."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from ..model import Result, Severity
from ..snapshot import Snapshot, Unavailable, parse_time, unwrap
from .registry import IAM, control, failed, not_evaluated, passed, verdict

REPORT = ("iam:GenerateCredentialReport", "iam:GetCredentialReport")
NEVER = ("N/A", "no_information", "not_supported", "")


def account_arn(snap: Snapshot) -> str:
    return f"arn:aws:iam::{snap.account}:root"


def rows(snap: Snapshot) -> list[dict[str, str]]:
    return unwrap(snap.section("iam").get("credential_report"), "credential report")


def _users(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [r for r in rows if r["user"] != "<root_account>"]


def root_row(rows: list[dict[str, str]]) -> dict[str, str] | None:
    return next((r for r in rows if r["user"] == "<root_account>"), None)


def when(value: str) -> datetime | None:
    return None if value in NEVER else parse_time(value)


def days_ago(snap: Snapshot, moment: datetime) -> int:
    return (snap.now - moment).days


def _password_policy(snap: Snapshot) -> dict[str, Any] | None:
    return unwrap(snap.section("iam").get("password_policy"), "password policy")


@control("1.8", "Ensure IAM password policy requires minimum length of 14 or greater", IAM, Severity.MEDIUM,
         "aws iam update-account-password-policy --minimum-password-length 14",
         needs=("iam:GetAccountPasswordPolicy",), level=1)
def password_length(snap: Snapshot) -> Iterator[Result]:
    policy = _password_policy(snap)
    if policy is None:
        yield failed(account_arn(snap), "no account password policy is set (AWS default minimum is 8)")
        return
    n = policy.get("MinimumPasswordLength", 0)
    yield verdict(n >= 14, account_arn(snap), f"MinimumPasswordLength={n}")


@control("1.9", "Ensure IAM password policy prevents password reuse", IAM, Severity.LOW,
         "aws iam update-account-password-policy --password-reuse-prevention 24",
         needs=("iam:GetAccountPasswordPolicy",), level=1)
def password_reuse(snap: Snapshot) -> Iterator[Result]:
    policy = _password_policy(snap)
    if policy is None:
        yield failed(account_arn(snap), "no account password policy is set: reuse is not prevented")
        return
    n = policy.get("PasswordReusePrevention", 0)
    yield verdict(n >= 24, account_arn(snap), f"PasswordReusePrevention={n} (CIS asks for 24)")


@control("1.10", "Ensure MFA is enabled for all IAM users that have a console password", IAM, Severity.MEDIUM,
         "Assign an MFA device to each console user, or remove the console password.",
         needs=REPORT, level=1)
def console_mfa(snap: Snapshot) -> Iterator[Result]:
    for r in _users(rows(snap)):
        if r["password_enabled"] == "true":
            yield verdict(r["mfa_active"] == "true", r["arn"], f"console password, mfa_active={r['mfa_active']}")
        else:
            yield passed(r["arn"], "no console password")


@control("1.11", "Do not setup access keys during initial user setup for all IAM users that have a console password",
         IAM, Severity.LOW, "Delete access keys that were created with the user and never used; let users create "
         "their own when they need one.", needs=REPORT, level=1)
def no_initial_access_keys(snap: Snapshot) -> Iterator[Result]:
    for r in _users(rows(snap)):
        if r["password_enabled"] != "true":
            yield passed(r["arn"], "no console password")
            continue
        unused = [f"access key {n} active and never used" for n in ("1", "2")
                  if r[f"access_key_{n}_active"] == "true" and r[f"access_key_{n}_last_used_date"] in NEVER]
        yield verdict(not unused, r["arn"], "console user; " + ("; ".join(unused) or "no active key left unused"))


def _unused(snap: Snapshot, row: dict[str, str], limit: int) -> list[str]:
    """Credentials of one user unused for >= limit days, per the CIS 1.12 audit rules."""
    stale = []
    if row["password_enabled"] == "true":
        used = when(row["password_last_used"])
        ref = used or when(row["password_last_changed"]) or when(row["user_creation_time"])
        if ref and days_ago(snap, ref) >= limit:
            what = "last used" if used else "never used, set"
            stale.append(f"password {what} {days_ago(snap, ref)} days ago")
    for n in ("1", "2"):
        if row[f"access_key_{n}_active"] == "true":
            used = when(row[f"access_key_{n}_last_used_date"])
            ref = used or when(row[f"access_key_{n}_last_rotated"])
            if ref and days_ago(snap, ref) >= limit:
                what = "last used" if used else "never used, created"
                stale.append(f"access key {n} {what} {days_ago(snap, ref)} days ago")
    return stale


@control("1.12", "Ensure credentials unused for 45 days or greater are disabled", IAM, Severity.MEDIUM,
         "Disable console access and deactivate access keys unused for 45 days or more.",
         needs=REPORT, level=1)
def unused_credentials(snap: Snapshot) -> Iterator[Result]:
    for r in _users(rows(snap)):
        stale = _unused(snap, r, 45)
        yield verdict(not stale, r["arn"], "; ".join(stale) or "every active credential used within 45 days")


def _iam_users(snap: Snapshot) -> list[dict[str, Any]]:
    return unwrap(snap.section("iam").get("users"), "IAM users")


@control("1.13", "Ensure there is only one active access key available for any single IAM user", IAM,
         Severity.MEDIUM, "aws iam update-access-key --status Inactive for all but one key per user.",
         needs=("iam:ListUsers", "iam:ListAccessKeys"), level=1)
def one_active_key(snap: Snapshot) -> Iterator[Result]:
    for u in _iam_users(snap):
        try:
            keys = unwrap(u["access_keys"], "access keys")
        except Unavailable as e:
            yield not_evaluated(u["Arn"], e)
            continue
        active = [k["AccessKeyId"] for k in keys if k["Status"] == "Active"]
        yield verdict(len(active) <= 1, u["Arn"], f"{len(active)} active access keys")


@control("1.14", "Ensure access keys are rotated every 90 days or less", IAM, Severity.MEDIUM,
         "Create a new key, move callers to it, deactivate then delete the old one.",
         needs=REPORT, level=1)
def key_rotation(snap: Snapshot) -> Iterator[Result]:
    for r in _users(rows(snap)):
        ages = [(n, days_ago(snap, rotated)) for n in ("1", "2")
                if r[f"access_key_{n}_active"] == "true" and (rotated := when(r[f"access_key_{n}_last_rotated"]))]
        if not ages:
            yield passed(r["arn"], "no active access keys")
            continue
        old = [f"key {n} is {d} days old" for n, d in ages if d > 90]
        yield verdict(not old, r["arn"], "; ".join(old) or ", ".join(f"key {n} {d} days old" for n, d in ages))


@control("1.15", "Ensure IAM Users Receive Permissions Only Through Groups", IAM, Severity.LOW,
         "Move directly attached and inline user policies onto groups; add the user to the group.",
         needs=("iam:ListUsers", "iam:ListAttachedUserPolicies", "iam:ListUserPolicies"), level=1)
def permissions_via_groups(snap: Snapshot) -> Iterator[Result]:
    for u in _iam_users(snap):
        try:
            attached = [p["PolicyName"] for p in unwrap(u["attached_policies"], "attached policies")]
            inline = unwrap(u["inline_policies"], "inline policies")
        except Unavailable as e:
            yield not_evaluated(u["Arn"], e)
            continue
        direct = [f"attached {p}" for p in attached] + [f"inline {p}" for p in inline]
        yield verdict(not direct, u["Arn"], "; ".join(direct) or "no user-level policies")


def _listify(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def admin_statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Statements with Effect Allow, Action "*" and Resource "*" (the CIS 1.16 pattern)."""
    return [s for s in _listify(document.get("Statement", []))
            if s.get("Effect") == "Allow" and "*" in _listify(s.get("Action", []))
            and "*" in _listify(s.get("Resource", []))]


@control("1.16", "Ensure IAM policies that allow full \"*:*\" administrative privileges are not attached",
         IAM, Severity.HIGH, "Detach the policy from every user, group and role; grant least privilege instead.",
         needs=("iam:ListPolicies", "iam:GetPolicyVersion"), level=1)
def no_admin_policies(snap: Snapshot) -> Iterator[Result]:
    for p in unwrap(snap.section("iam").get("attached_policies"), "attached policies"):
        try:
            doc = unwrap(p["document"], f"policy {p['PolicyName']}")
        except Unavailable as e:
            yield not_evaluated(p["Arn"], e)
            continue
        hits = admin_statements(doc)
        owner = "AWS managed" if p["Arn"].startswith("arn:aws:iam::aws:") else "customer managed"
        yield verdict(not hits, p["Arn"], f"{owner}, attached {p.get('AttachmentCount', '?')}x, "
                      f"{len(hits)} Allow *:* statements in version {p['DefaultVersionId']}")


@control("1.17", "Ensure a support role has been created to manage incidents with AWS Support", IAM,
         Severity.LOW, "Create a role and attach arn:aws:iam::aws:policy/AWSSupportAccess to it.",
         needs=("iam:ListEntitiesForPolicy",), level=1)
def support_role(snap: Snapshot) -> Iterator[Result]:
    entities = unwrap(snap.section("iam").get("support_policy_entities"), "AWSSupportAccess entities")
    roles = [r["RoleName"] for r in entities.get("PolicyRoles", [])]
    yield verdict(bool(roles), account_arn(snap),
                  f"AWSSupportAccess attached to roles: {', '.join(roles)}" if roles
                  else "AWSSupportAccess is attached to no role")


@control("1.19", "Ensure that all the expired SSL/TLS certificates stored in AWS IAM are removed", IAM,
         Severity.MEDIUM, "aws iam delete-server-certificate --server-certificate-name <name> (after moving "
         "listeners to ACM).", needs=("iam:ListServerCertificates",), level=1)
def expired_server_certificates(snap: Snapshot) -> Iterator[Result]:
    for cert in unwrap(snap.section("iam").get("server_certificates"), "server certificates"):
        expires = parse_time(cert["Expiration"])
        note = f" [fixture: {cert['fixture']}]" if "fixture" in cert else ""
        yield verdict(expires > snap.now, cert["Arn"], f"expires {expires.date().isoformat()}" + (
            "" if expires > snap.now else f", {days_ago(snap, expires)} days ago") + note)


@control("1.20", "Ensure that IAM Access analyzer is enabled for all regions", IAM, Severity.MEDIUM,
         "aws accessanalyzer create-analyzer --analyzer-name <name> --type ACCOUNT in every region.",
         needs=("access-analyzer:ListAnalyzers",), level=1)
def access_analyzer(snap: Snapshot) -> Iterator[Result]:
    for region in snap.regions:
        resource = f"arn:aws:access-analyzer:{region}:{snap.account}:analyzer/*"
        try:
            analyzers = unwrap(snap.regional("accessanalyzer", region) or None, "access analyzers")
        except Unavailable as e:
            yield not_evaluated(resource, e, region)
            continue
        active = [a["name"] for a in analyzers if a.get("status") == "ACTIVE"]
        yield verdict(bool(active), resource, f"active analyzers: {', '.join(active) or 'none'}", region)
