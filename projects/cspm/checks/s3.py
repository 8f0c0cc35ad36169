"""Section 2.1: S3 (CIS v1.5 2.1.1, 2.1.2, 2.1.3, 2.1.5) and the FSBP extras S3.14 and S3.9."""
from __future__ import annotations

from collections.abc import Iterator
from fnmatch import fnmatchcase
from typing import Any

from ..model import Result, Severity
from ..snapshot import Snapshot, Unavailable, unwrap
from .registry import EXTRAS, FSBP, STORAGE, control, failed, not_evaluated, passed, verdict

BUCKETS = ("s3:ListAllMyBuckets",)
PAB_KEYS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


def bucket_arn(name: str) -> str:
    return f"arn:aws:s3:::{name}"


def buckets(snap: Snapshot) -> list[dict[str, Any]]:
    return unwrap(snap.section("s3").get("buckets"), "bucket list")


def _region(b: dict[str, Any]) -> str | None:
    region = b.get("region", {})
    return region.get("ok") if isinstance(region, dict) else None


def _each(snap: Snapshot, key: str) -> Iterator[tuple[dict[str, Any], Any | Unavailable]]:
    """(bucket, value of `key`) per bucket, with the Unavailable in place of a failed fetch."""
    for b in buckets(snap):
        try:
            yield b, unwrap(b[key], f"{key} of {b['Name']}")
        except Unavailable as e:
            yield b, e


def _listify(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def anyone(principal: Any) -> bool:
    return principal == "*" or (isinstance(principal, dict) and "*" in _listify(principal.get("AWS", [])))


def denies_http(policy: dict[str, Any] | None, name: str) -> bool:
    """A Deny for everyone on the bucket's objects when aws:SecureTransport is false (CIS 2.1.2)."""
    for s in _listify((policy or {}).get("Statement", [])):
        cond = s.get("Condition", {}).get("Bool", {})
        if (s.get("Effect") == "Deny" and anyone(s.get("Principal"))
                and str(cond.get("aws:SecureTransport", "")).lower() == "false"
                and any(a in ("*", "s3:*") for a in _listify(s.get("Action", [])))
                and any(fnmatchcase(f"arn:aws:s3:::{name}/any-key", r) for r in _listify(s.get("Resource", [])))):
            return True
    return False


@control("2.1.1", "Ensure all S3 buckets employ encryption-at-rest", STORAGE, Severity.MEDIUM,
         "aws s3api put-bucket-encryption with SSEAlgorithm AES256 or aws:kms.",
         needs=BUCKETS + ("s3:GetEncryptionConfiguration",), level=2)
def bucket_encryption(snap: Snapshot) -> Iterator[Result]:
    for b, enc in _each(snap, "encryption"):
        arn, region = bucket_arn(b["Name"]), _region(b)
        if isinstance(enc, Unavailable):
            yield not_evaluated(arn, enc, region)
            continue
        algos = [r.get("ApplyServerSideEncryptionByDefault", {}).get("SSEAlgorithm") for r in (enc or {}).get("Rules", [])]
        good = [a for a in algos if a in ("AES256", "aws:kms", "aws:kms:dsse")]
        yield verdict(bool(good), arn, f"default encryption: {', '.join(a for a in algos if a) or 'none'}", region)


@control("2.1.2", "Ensure S3 Bucket Policy is set to deny HTTP requests", STORAGE, Severity.MEDIUM,
         "Add a Deny statement for Principal * on s3:* over arn:aws:s3:::<bucket>/* when aws:SecureTransport is false.",
         needs=BUCKETS + ("s3:GetBucketPolicy",), level=2)
def deny_http(snap: Snapshot) -> Iterator[Result]:
    for b, policy in _each(snap, "policy"):
        arn, region = bucket_arn(b["Name"]), _region(b)
        if isinstance(policy, Unavailable):
            yield not_evaluated(arn, policy, region)
        elif policy is None:
            yield failed(arn, "no bucket policy", region)
        else:
            ok = denies_http(policy, b["Name"])
            yield verdict(ok, arn, "policy denies aws:SecureTransport=false" if ok
                          else "policy has no Deny for aws:SecureTransport=false", region)


def _fixture(value: dict[str, Any]) -> str:
    return f" [fixture: {value['fixture']}]" if "fixture" in value else ""


@control("2.1.3", "Ensure MFA Delete is enabled on S3 buckets", STORAGE, Severity.LOW,
         "As root: aws s3api put-bucket-versioning --versioning-configuration Status=Enabled,MFADelete=Enabled --mfa ...",
         needs=BUCKETS + ("s3:GetBucketVersioning",), level=1)
def mfa_delete(snap: Snapshot) -> Iterator[Result]:
    for b, v in _each(snap, "versioning"):
        arn, region = bucket_arn(b["Name"]), _region(b)
        if isinstance(v, Unavailable):
            yield not_evaluated(arn, v, region)
            continue
        status, mfa = v.get("Status", "never enabled"), v.get("MFADelete", "Disabled")
        yield verdict(status == "Enabled" and mfa == "Enabled", arn,
                      f"versioning {status}, MFADelete {mfa}{_fixture(v)}", region)


def effective_block(bucket: dict[str, Any] | None, account: dict[str, Any] | None) -> dict[str, bool]:
    """Each Block Public Access setting is in force if set at bucket or account level."""
    return {k: bool((bucket or {}).get(k)) or bool((account or {}).get(k)) for k in PAB_KEYS}


@control("2.1.5", "Ensure that S3 Buckets are configured with 'Block public access (bucket settings)'",
         STORAGE, Severity.HIGH, "aws s3api put-public-access-block (all four true), or set them account-wide with s3control.",
         needs=BUCKETS + ("s3:GetBucketPublicAccessBlock", "s3:GetAccountPublicAccessBlock"), level=1)
def block_public_access(snap: Snapshot) -> Iterator[Result]:
    account_item = snap.section("s3").get("account_public_access_block")
    try:
        account = unwrap(account_item, "account public access block")
    except Unavailable as e:
        account, account_error = None, e
    else:
        account_error = None
    for b, pab in _each(snap, "public_access_block"):
        arn, region = bucket_arn(b["Name"]), _region(b)
        if isinstance(pab, Unavailable):
            pab = None if account_error is None and all((account or {}).get(k) for k in PAB_KEYS) else pab
            if isinstance(pab, Unavailable):
                yield not_evaluated(arn, pab, region)
                continue
        eff = effective_block(pab, account)
        missing = [k for k, on in eff.items() if not on]
        if missing and account_error is not None:
            yield not_evaluated(arn, f"bucket lacks {', '.join(missing)}; account level unknown: {account_error}", region)
            continue
        where = "bucket" if pab and all(pab.get(k) for k in PAB_KEYS) else "account" if not missing else "neither"
        yield verdict(not missing, arn, f"not blocked: {', '.join(missing)}" if missing
                      else f"all four settings on ({where} level)", region)


@control("S3.14", "S3 buckets should have versioning enabled", EXTRAS, Severity.LOW,
         "aws s3api put-bucket-versioning --versioning-configuration Status=Enabled",
         needs=BUCKETS + ("s3:GetBucketVersioning",), framework=FSBP)
def versioning(snap: Snapshot) -> Iterator[Result]:
    for b, v in _each(snap, "versioning"):
        arn, region = bucket_arn(b["Name"]), _region(b)
        if isinstance(v, Unavailable):
            yield not_evaluated(arn, v, region)
        else:
            yield verdict(v.get("Status") == "Enabled", arn, f"versioning {v.get('Status', 'never enabled')}", region)


@control("S3.9", "S3 bucket server access logging should be enabled", EXTRAS, Severity.MEDIUM,
         "aws s3api put-bucket-logging --bucket-logging-status with a TargetBucket and TargetPrefix.",
         needs=BUCKETS + ("s3:GetBucketLogging",), framework=FSBP)
def access_logging(snap: Snapshot) -> Iterator[Result]:
    # A bucket that receives other buckets' access logs is not asked to log itself:
    # logging into itself loops, and into another log bucket just moves the question.
    items = list(_each(snap, "logging"))
    targets = {v["TargetBucket"]: 0 for _, v in items if isinstance(v, dict)}
    for _, v in items:
        if isinstance(v, dict):
            targets[v["TargetBucket"]] += 1
    for b, v in items:
        arn, region = bucket_arn(b["Name"]), _region(b)
        if isinstance(v, Unavailable):
            yield not_evaluated(arn, v, region)
        elif v:
            yield passed(arn, f"logs to s3://{v['TargetBucket']}/{v.get('TargetPrefix', '')}", region)
        elif b["Name"] in targets:
            yield passed(arn, f"is the access-log destination of {targets[b['Name']]} buckets", region)
        else:
            yield failed(arn, "server access logging disabled", region)
