"""Read an account's security-relevant state through boto3 into a Snapshot.

One collector for every backend: real AWS (default credential chain, optional
``--endpoint-url``) and moto (the demo). Each call is named by the IAM action
it needs, so a denied call is stored as an error against that action and the
checks that read it report NOT_EVALUATED. "Absent" answers (no bucket policy,
no password policy, ...) are data, stored as ``None``.
"""
from __future__ import annotations

import csv
import io
import json
import logging
import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from . import regional, snapshot as snap

log = logging.getLogger("cspm.collector")

ACTIONS: tuple[str, ...] = (
    "iam:GenerateCredentialReport", "iam:GetCredentialReport", "iam:GetAccountSummary",
    "iam:GetAccountPasswordPolicy", "iam:ListUsers", "iam:ListAttachedUserPolicies",
    "iam:ListUserPolicies", "iam:ListAccessKeys", "iam:ListPolicies", "iam:GetPolicyVersion",
    "iam:ListEntitiesForPolicy", "access-analyzer:ListAnalyzers",
    "s3:GetAccountPublicAccessBlock", "s3:ListAllMyBuckets", "s3:GetBucketLocation",
    "s3:GetBucketPublicAccessBlock", "s3:GetBucketPolicy", "s3:GetBucketAcl",
    "s3:GetBucketVersioning", "s3:GetBucketLogging", "s3:GetEncryptionConfiguration",
    "ec2:DescribeRegions", "ec2:GetEbsEncryptionByDefault", "ec2:DescribeSecurityGroups",
    "ec2:DescribeVolumes", "cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus",
    "cloudtrail:GetEventSelectors", "kms:ListKeys", "kms:DescribeKey", "kms:GetKeyRotationStatus",
    "iam:ListVirtualMFADevices", "iam:ListServerCertificates", "ec2:DescribeInstances", "ec2:DescribeVpcs",
    "ec2:DescribeFlowLogs", "ec2:DescribeNetworkAcls", "rds:DescribeDBInstances",
    "elasticfilesystem:DescribeFileSystems", "config:DescribeConfigurationRecorders",
    "config:DescribeConfigurationRecorderStatus", "securityhub:DescribeHub", "logs:DescribeMetricFilters",
    "cloudwatch:DescribeAlarms", "sns:ListSubscriptionsByTopic",
)
"""Every IAM action the collector uses; infra/ grants exactly these (a test checks it)."""

SUPPORT_POLICY = "arn:aws:iam::aws:policy/AWSSupportAccess"


class CollectionError(Exception):
    """The account cannot be read at all (no credentials, unreachable endpoint)."""


class Collector:
    """Wraps a boto3 session; ``collect()`` returns a Snapshot of one account."""

    def __init__(self, session: boto3.Session, regions: list[str] | None = None,
                 endpoint_url: str | None = None, source: str = "aws") -> None:
        self.session = session
        self.endpoint_url = endpoint_url
        self.regions = regions
        self.source = source
        # The SDK's standard retry mode and budget (3 attempts): a 5xx is retried, not hammered.
        self._config = Config(retries={"mode": "standard"})
        self._clients: dict[tuple[str, str], Any] = {}

    def client(self, service: str, region: str) -> Any:
        key = (service, region)
        if key not in self._clients:
            client = self.session.client(service, region_name=region, endpoint_url=self.endpoint_url,
                                         config=self._config)
            if self.endpoint_url and service == "s3control":
                client.meta.events.register("before-sign.s3-control.*", _drop_account_host_prefix)
            self._clients[key] = client
        return self._clients[key]

    def call(self, action: str, fn: Callable[[], Any], absent: tuple[str, ...] = ()) -> dict[str, Any]:
        """Run one API call; wrap its answer as ok/error. ``absent`` error codes mean "not configured"."""
        assert action in ACTIONS, action
        try:
            return snap.ok(snap.to_jsonable(fn()))
        except ClientError as e:
            err = e.response.get("Error", {})
            status = e.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            code = str(err.get("Code") or status)
            code = f"HTTP {code}" if code.isdigit() else code
            if code in absent:
                return snap.ok(None)
            log.warning("%s denied or failed: %s", action, code)
            return snap.error(action, code, short_message(e.operation_name, status, err.get("Message")))
        except BotoCoreError as e:
            log.warning("%s failed: %s", action, type(e).__name__)
            return snap.error(action, type(e).__name__, str(e))

    def paged(self, action: str, client: Any, method: str, key: str, **kw: Any) -> dict[str, Any]:
        def run() -> list[Any]:
            return [item for page in client.get_paginator(method).paginate(**kw) for item in page[key]]
        return self.call(action, run)

    # --- the whole account -------------------------------------------------------------
    def collect(self) -> snap.Snapshot:
        home = self.session.region_name or "us-east-1"
        try:
            account = self.client("sts", home).get_caller_identity()["Account"]
        except (ClientError, BotoCoreError) as e:
            raise CollectionError(f"cannot identify the account: {e}") from e
        regions = self.regions or self._enabled_regions(home)
        log.info("collecting account %s in %d regions", account, len(regions))
        data: dict[str, Any] = {
            "schema": snap.SCHEMA,
            "account_id": account,
            "collected_at": datetime.now(timezone.utc).isoformat(),
            "source": self.source,
            "regions": regions,
            "fixtures": [],
            "iam": self._iam(home),
            "accessanalyzer": {"regions": {r: self._analyzers(r) for r in regions}},
            "s3": self._s3(account, home),
            "ec2": {"regions": {r: self._ec2(r) for r in regions}},
            "cloudtrail": self._cloudtrail(regions),
            "kms": {"regions": {r: self._kms(r) for r in regions}},
        }
        for r in regions:
            data["ec2"]["regions"][r].update(regional.network(self, r))
        for service, read in regional.SERVICES.items():
            data[service] = {"regions": {r: read(self, r) for r in regions}}
        data["cloudwatch"] = regional.monitoring(self, data["cloudtrail"]["trails"])
        return snap.Snapshot(data)

    def _enabled_regions(self, home: str) -> list[str]:
        found = self.call("ec2:DescribeRegions", lambda: self.client("ec2", home).describe_regions())
        if snap.failed(found):
            raise CollectionError(f"cannot list regions ({found['error']['code']}); pass --regions")
        return sorted(r["RegionName"] for r in found["ok"]["Regions"])

    # --- IAM -----------------------------------------------------------------------------
    def _iam(self, region: str) -> dict[str, Any]:
        iam = self.client("iam", region)
        users = self.paged("iam:ListUsers", iam, "list_users", "Users")
        if not snap.failed(users):
            for u in users["ok"]:
                name = u["UserName"]
                u["attached_policies"] = self.paged("iam:ListAttachedUserPolicies", iam,
                                                    "list_attached_user_policies", "AttachedPolicies", UserName=name)
                u["inline_policies"] = self.paged("iam:ListUserPolicies", iam, "list_user_policies",
                                                  "PolicyNames", UserName=name)
                u["access_keys"] = self.paged("iam:ListAccessKeys", iam, "list_access_keys",
                                              "AccessKeyMetadata", UserName=name)
        policies = self.paged("iam:ListPolicies", iam, "list_policies", "Policies", OnlyAttached=True)
        if not snap.failed(policies):
            for p in policies["ok"]:
                version = self.call("iam:GetPolicyVersion", lambda p=p: iam.get_policy_version(
                    PolicyArn=p["Arn"], VersionId=p["DefaultVersionId"]))
                p["document"] = version if snap.failed(version) else snap.ok(version["ok"]["PolicyVersion"]["Document"])
        return {
            "credential_report": self._credential_report(iam),
            "account_summary": self.call("iam:GetAccountSummary", lambda: iam.get_account_summary()["SummaryMap"]),
            "password_policy": self.call("iam:GetAccountPasswordPolicy",
                                         lambda: iam.get_account_password_policy()["PasswordPolicy"],
                                         absent=("NoSuchEntity",)),
            "users": users,
            "attached_policies": policies,
            "support_policy_entities": self.call("iam:ListEntitiesForPolicy",
                                                 lambda: iam.list_entities_for_policy(PolicyArn=SUPPORT_POLICY)),
            "virtual_mfa_devices": self.paged("iam:ListVirtualMFADevices", iam, "list_virtual_mfa_devices",
                                              "VirtualMFADevices", AssignmentStatus="Assigned"),
            "server_certificates": self.paged("iam:ListServerCertificates", iam, "list_server_certificates",
                                              "ServerCertificateMetadataList"),
        }

    def _credential_report(self, iam: Any) -> dict[str, Any]:
        for wait in (0.05, 0.5, 1, 2, 4, 8):  # AWS builds the report in seconds; it answers STARTED first
            state = self.call("iam:GenerateCredentialReport", lambda: iam.generate_credential_report())
            if snap.failed(state) or state["ok"]["State"] == "COMPLETE":
                break
            time.sleep(wait)
        report = self.call("iam:GetCredentialReport", lambda: iam.get_credential_report()["Content"])
        if snap.failed(report):
            return state if snap.failed(state) else report  # the generate denial is the root cause
        return snap.ok(list(csv.DictReader(io.StringIO(report["ok"]))))

    def _analyzers(self, region: str) -> dict[str, Any]:
        aa = self.client("accessanalyzer", region)
        return self.paged("access-analyzer:ListAnalyzers", aa, "list_analyzers", "analyzers")

    # --- S3 ------------------------------------------------------------------------------
    def _s3(self, account: str, home: str) -> dict[str, Any]:
        s3 = self.client("s3", home)
        buckets = self.call("s3:ListAllMyBuckets", lambda: s3.list_buckets()["Buckets"])
        if not snap.failed(buckets):
            for b in buckets["ok"]:
                self._bucket(b, s3)
        control = self.client("s3control", home)
        return {
            "account_public_access_block": self.call(
                "s3:GetAccountPublicAccessBlock",
                lambda: control.get_public_access_block(AccountId=account)["PublicAccessBlockConfiguration"],
                absent=("NoSuchPublicAccessBlockConfiguration",)),
            "buckets": buckets,
        }

    def _bucket(self, b: dict[str, Any], s3_home: Any) -> None:
        name = b["Name"]
        loc = self.call("s3:GetBucketLocation", lambda: s3_home.get_bucket_location(Bucket=name))
        region = None if snap.failed(loc) else _bucket_region(loc["ok"].get("LocationConstraint"))
        b["region"] = loc if region is None else snap.ok(region)
        s3 = self.client("s3", region) if region else s3_home
        b["public_access_block"] = self.call(
            "s3:GetBucketPublicAccessBlock",
            lambda: s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"],
            absent=("NoSuchPublicAccessBlockConfiguration",))
        policy = self.call("s3:GetBucketPolicy", lambda: s3.get_bucket_policy(Bucket=name)["Policy"],
                           absent=("NoSuchBucketPolicy",))
        b["policy"] = policy if snap.failed(policy) or policy["ok"] is None else snap.ok(json.loads(policy["ok"]))
        b["acl"] = self.call("s3:GetBucketAcl", lambda: s3.get_bucket_acl(Bucket=name)["Grants"])
        b["versioning"] = self.call("s3:GetBucketVersioning", lambda: s3.get_bucket_versioning(Bucket=name))
        b["logging"] = self.call("s3:GetBucketLogging",
                                 lambda: s3.get_bucket_logging(Bucket=name).get("LoggingEnabled"))
        b["encryption"] = self.call(
            "s3:GetEncryptionConfiguration",
            lambda: s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"],
            absent=("ServerSideEncryptionConfigurationNotFoundError",))

    # --- EC2, CloudTrail, KMS (regional) -------------------------------------------------------
    def _ec2(self, region: str) -> dict[str, Any]:
        ec2 = self.client("ec2", region)
        return {
            "ebs_encryption_by_default": self.call(
                "ec2:GetEbsEncryptionByDefault", lambda: ec2.get_ebs_encryption_by_default()["EbsEncryptionByDefault"]),
            "security_groups": self.paged("ec2:DescribeSecurityGroups", ec2, "describe_security_groups",
                                          "SecurityGroups"),
            "volumes": self.paged("ec2:DescribeVolumes", ec2, "describe_volumes", "Volumes"),
        }

    def _cloudtrail(self, regions: list[str]) -> dict[str, Any]:
        """Trails are listed from every region (shadows included) and read once, in their home region."""
        listed: dict[str, Any] = {}
        trails: dict[str, dict[str, Any]] = {}
        for r in regions:
            found = self.call("cloudtrail:DescribeTrails",
                              lambda r=r: self.client("cloudtrail", r).describe_trails(
                                  includeShadowTrails=True)["trailList"])
            listed[r] = found if snap.failed(found) else snap.ok(sorted(t["TrailARN"] for t in found["ok"]))
            for t in [] if snap.failed(found) else found["ok"]:
                trails.setdefault(t["TrailARN"], t)
        for arn, t in trails.items():
            ct = self.client("cloudtrail", t["HomeRegion"])
            t["status"] = self.call("cloudtrail:GetTrailStatus", lambda arn=arn: ct.get_trail_status(Name=arn))
            t["event_selectors"] = self.call("cloudtrail:GetEventSelectors",
                                             lambda arn=arn: ct.get_event_selectors(TrailName=arn))
        return {"listed": listed, "trails": [trails[a] for a in sorted(trails)]}

    def _kms(self, region: str) -> dict[str, Any]:
        kms = self.client("kms", region)
        keys = self.paged("kms:ListKeys", kms, "list_keys", "Keys")
        if snap.failed(keys):
            return {"keys": keys}
        out = []
        for k in keys["ok"]:
            meta = self.call("kms:DescribeKey", lambda k=k: kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"])
            entry: dict[str, Any] = {"KeyId": k["KeyId"], "KeyArn": k["KeyArn"], "metadata": meta}
            m = None if snap.failed(meta) else meta["ok"]
            if m and m.get("KeyManager") == "CUSTOMER" and m.get("KeySpec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT" \
                    and m.get("KeyState") == "Enabled":
                entry["rotation"] = self.call("kms:GetKeyRotationStatus", lambda k=k: kms.get_key_rotation_status(
                    KeyId=k["KeyId"])["KeyRotationEnabled"])
            out.append(entry)
        return {"keys": snap.ok(out)}


def short_message(operation: str, status: int | None, message: str | None) -> str:
    """One line naming the API; a server error's body (often a whole HTML page) is dropped, not quoted."""
    text = " ".join(str(message or "").split())
    if (status or 0) >= 500 or "<" in text or len(text) > 200:
        return f"{operation} answered HTTP {status}"
    return f"{operation}: {text}" if text else operation


def _drop_account_host_prefix(request: Any, **_: Any) -> None:
    """S3 Control puts the account id in the host ("<id>.<endpoint>"), which no custom endpoint resolves."""
    account = request.headers.get("x-amz-account-id")
    if account:
        request.url = request.url.replace(f"://{account}.", "://", 1)


def _bucket_region(constraint: str | None) -> str:
    """GetBucketLocation answers None for us-east-1 and the legacy "EU" for eu-west-1."""
    if not constraint:
        return "us-east-1"
    return "eu-west-1" if constraint == "EU" else constraint
