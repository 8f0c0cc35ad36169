"""Section 3: CloudTrail (CIS v1.5 3.1-3.4, 3.6, 3.7, 3.10, 3.11) and KMS key rotation (3.8)."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from ..model import Result, Severity
from ..snapshot import Snapshot, Unavailable, parse_time, unwrap
from .registry import LOGGING, control, failed, not_evaluated, passed, verdict
from .s3 import anyone, bucket_arn, buckets

TRAILS = ("cloudtrail:DescribeTrails",)
PUBLIC_GRANTEES = ("http://acs.amazonaws.com/groups/global/AllUsers",
                   "http://acs.amazonaws.com/groups/global/AuthenticatedUsers")


def trails(snap: Snapshot) -> list[dict[str, Any]]:
    """All trails seen; Unavailable if no region could be listed."""
    ct = snap.section("cloudtrail")
    listed = ct.get("listed", {})
    errors = [v for v in listed.values() if "error" in v]
    if listed and len(errors) == len(listed):
        unwrap(errors[0])
    return ct.get("trails", [])


def _listing_gaps(snap: Snapshot) -> list[str]:
    return [f"{r}: {v['error']['code']}" for r, v in snap.section("cloudtrail").get("listed", {}).items() if "error" in v]


def captures_all_management_events(selectors: dict[str, Any]) -> bool:
    """Basic selector with ReadWriteType All + management events, or an advanced one for the Management category."""
    for s in selectors.get("EventSelectors") or []:
        if s.get("IncludeManagementEvents") and s.get("ReadWriteType") == "All":
            return True
    for s in selectors.get("AdvancedEventSelectors") or []:
        fields = {f["Field"]: f for f in s.get("FieldSelectors", [])}
        if "Management" in fields.get("eventCategory", {}).get("Equals", []) and "readOnly" not in fields:
            return True
    return False


def why_not_3_1(t: dict[str, Any]) -> list[str]:
    why = [] if t.get("IsMultiRegionTrail") else ["single-region"]
    try:
        if not unwrap(t["status"], "trail status").get("IsLogging"):
            why.append("not logging")
        if not captures_all_management_events(unwrap(t["event_selectors"], "event selectors")):
            why.append("does not record all read/write management events")
    except Unavailable as e:
        why.append(f"unknown ({e})")
    return why


@control("3.1", "Ensure CloudTrail is enabled in all regions", LOGGING, Severity.HIGH,
         "aws cloudtrail create-trail --is-multi-region-trail (management events All), then start-logging.",
         needs=TRAILS + ("cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors"), level=1)
def multi_region_trail(snap: Snapshot) -> Iterator[Result]:
    resource = f"arn:aws:cloudtrail::{snap.account}:trail/*"
    found = trails(snap)
    reasons = {t["Name"]: why_not_3_1(t) for t in found}
    good = [name for name, why in reasons.items() if not why]
    if good:
        yield passed(resource, f"qualifying multi-region trail(s): {', '.join(good)}")
        return
    detail = "; ".join(f"{n}: {', '.join(w)}" for n, w in reasons.items()) or "no trails"
    unknown = [n for n, w in reasons.items() if any(x.startswith("unknown") for x in w)]
    if _listing_gaps(snap) or unknown:
        yield not_evaluated(resource, f"no qualifying trail seen, but the view is incomplete "
                                      f"({', '.join(_listing_gaps(snap) + unknown)}); {detail}")
    else:
        yield failed(resource, detail)


@control("3.2", "Ensure CloudTrail log file validation is enabled", LOGGING, Severity.LOW,
         "aws cloudtrail update-trail --name <trail> --enable-log-file-validation",
         needs=TRAILS, level=2)
def log_file_validation(snap: Snapshot) -> Iterator[Result]:
    for t in trails(snap):
        on = bool(t.get("LogFileValidationEnabled"))
        yield verdict(on, t["TrailARN"], f"LogFileValidationEnabled={on}", t["HomeRegion"])


@control("3.3", "Ensure the S3 bucket used to store CloudTrail logs is not publicly accessible", LOGGING,
         Severity.CRITICAL, "Remove AllUsers/AuthenticatedUsers ACL grants and Allow statements for Principal *.",
         needs=TRAILS + ("s3:ListAllMyBuckets", "s3:GetBucketAcl", "s3:GetBucketPolicy"), level=1)
def trail_bucket_not_public(snap: Snapshot) -> Iterator[Result]:
    for name, b in _trail_buckets(snap):
        if isinstance(b, Unavailable):
            yield not_evaluated(bucket_arn(name), b)
            continue
        try:
            grants = unwrap(b["acl"], "bucket ACL")
            policy = unwrap(b["policy"], "bucket policy") or {}
        except Unavailable as e:
            yield not_evaluated(bucket_arn(name), e)
            continue
        public = [g["Permission"] + " to " + g["Grantee"]["URI"].rsplit("/", 1)[-1] for g in grants
                  if g.get("Grantee", {}).get("URI") in PUBLIC_GRANTEES]
        stmts = policy.get("Statement", [])
        public += [f"policy statement {s.get('Sid', i)} allows Principal *" for i, s in
                   enumerate(stmts if isinstance(stmts, list) else [stmts])
                   if s.get("Effect") == "Allow" and anyone(s.get("Principal"))]
        yield verdict(not public, bucket_arn(name), "; ".join(public) or "no public ACL grant or Allow for *")


def _trail_buckets(snap: Snapshot) -> Iterator[tuple[str, dict[str, Any] | Unavailable]]:
    """Each distinct CloudTrail bucket with its collected S3 data (or why it is missing)."""
    names = sorted({t["S3BucketName"] for t in trails(snap) if t.get("S3BucketName")})
    try:
        by_name = {b["Name"]: b for b in buckets(snap)}
    except Unavailable as e:
        for n in names:
            yield n, e
        return
    for n in names:
        yield n, by_name.get(n) or Unavailable(f"bucket {n} is not in this account's bucket list (cross-account?)")


@control("3.4", "Ensure CloudTrail trails are integrated with CloudWatch Logs", LOGGING, Severity.LOW,
         "aws cloudtrail update-trail --cloudwatch-logs-log-group-arn <arn> --cloudwatch-logs-role-arn <role>",
         needs=TRAILS + ("cloudtrail:GetTrailStatus",), level=1)
def cloudwatch_integration(snap: Snapshot) -> Iterator[Result]:
    for t in trails(snap):
        arn, region = t["TrailARN"], t["HomeRegion"]
        if not t.get("CloudWatchLogsLogGroupArn"):
            yield failed(arn, "no CloudWatch Logs log group", region)
            continue
        try:
            status = unwrap(t["status"], "trail status")
        except Unavailable as e:
            yield not_evaluated(arn, e, region)
            continue
        note = f" [fixture: {status['fixture']}]" if "fixture" in status else ""
        last = status.get("LatestCloudWatchLogsDeliveryTime")
        if not last:
            yield failed(arn, "log group set but CloudTrail reports no delivery to it" + note, region)
            continue
        age = snap.now - parse_time(last)
        yield verdict(age <= timedelta(days=1), arn, f"last CloudWatch Logs delivery {age.total_seconds() / 3600:.0f} h ago" + note, region)


@control("3.6", "Ensure S3 bucket access logging is enabled on the CloudTrail S3 bucket", LOGGING, Severity.LOW,
         "aws s3api put-bucket-logging on the CloudTrail bucket with a separate target bucket.",
         needs=TRAILS + ("s3:ListAllMyBuckets", "s3:GetBucketLogging"), level=1)
def trail_bucket_logging(snap: Snapshot) -> Iterator[Result]:
    for name, b in _trail_buckets(snap):
        if isinstance(b, Unavailable):
            yield not_evaluated(bucket_arn(name), b)
            continue
        try:
            logging = unwrap(b["logging"], "bucket logging")
        except Unavailable as e:
            yield not_evaluated(bucket_arn(name), e)
            continue
        yield verdict(bool(logging), bucket_arn(name),
                      f"logs to s3://{logging['TargetBucket']}" if logging else "access logging disabled")


@control("3.7", "Ensure CloudTrail logs are encrypted at rest using KMS CMKs", LOGGING, Severity.MEDIUM,
         "aws cloudtrail update-trail --kms-id <key> (and allow cloudtrail.amazonaws.com in the key policy).",
         needs=TRAILS, level=2)
def trail_kms(snap: Snapshot) -> Iterator[Result]:
    for t in trails(snap):
        key = t.get("KmsKeyId")
        yield verdict(bool(key), t["TrailARN"], f"KmsKeyId={key}" if key else "no KmsKeyId (SSE-S3 only)", t["HomeRegion"])


@control("3.8", "Ensure rotation for customer created symmetric CMKs is enabled", LOGGING, Severity.MEDIUM,
         "aws kms enable-key-rotation --key-id <key>",
         needs=("kms:ListKeys", "kms:DescribeKey", "kms:GetKeyRotationStatus"), level=2)
def kms_rotation(snap: Snapshot) -> Iterator[Result]:
    for region in snap.regions:
        try:
            keys = unwrap(snap.regional("kms", region).get("keys"), "KMS keys")
        except Unavailable as e:
            yield not_evaluated(f"arn:aws:kms:{region}:{snap.account}:key/*", e, region)
            continue
        for k in keys:
            try:
                unwrap(k["metadata"], "key metadata")
                if "rotation" not in k:
                    continue  # AWS-managed, asymmetric or disabled: out of scope for 3.8
                on = unwrap(k["rotation"], "key rotation status")
            except Unavailable as e:
                yield not_evaluated(k["KeyArn"], e, region)
                continue
            yield verdict(bool(on), k["KeyArn"], f"KeyRotationEnabled={on}", region)


READS = {"write": ("All", "WriteOnly"), "read": ("All", "ReadOnly")}
"""3.10 / 3.11: the basic selector ReadWriteTypes that include write / read events."""


def _basic_covers(selector: dict[str, Any], bucket: str, kind: str) -> bool:
    if selector.get("ReadWriteType", "All") not in READS[kind]:
        return False
    return any(r.get("Type") == "AWS::S3::Object" and any(
        v in ("arn:aws:s3", "arn:aws:s3:::") or v == f"arn:aws:s3:::{bucket}/" for v in r.get("Values", []))
        for r in selector.get("DataResources", []))


def _advanced_covers(selector: dict[str, Any], bucket: str, kind: str) -> bool:
    fields = {f["Field"]: f for f in selector.get("FieldSelectors", [])}
    if "Data" not in fields.get("eventCategory", {}).get("Equals", []) \
            or "AWS::S3::Object" not in fields.get("resources.type", {}).get("Equals", []):
        return False
    read_only = fields.get("readOnly", {}).get("Equals")
    if read_only and read_only != ["true" if kind == "read" else "false"]:
        return False
    arn = fields.get("resources.ARN")
    if arn is None:
        return True
    wanted = f"arn:aws:s3:::{bucket}/"
    prefixes = arn.get("StartsWith", []) + arn.get("Equals", [])
    return set(arn) <= {"Field", "StartsWith", "Equals"} and any(p in ("arn:aws:s3:::", wanted) for p in prefixes)


def object_logging_trails(trail_list: list[dict[str, Any]], bucket: str, region: str | None, kind: str) -> list[str]:
    """Names of logging trails that record S3 object-level `kind` events for this bucket."""
    names = []
    for t in trail_list:
        if not t.get("IsMultiRegionTrail") and region and t["HomeRegion"] != region:
            continue
        status, selectors = unwrap(t["status"], "trail status"), unwrap(t["event_selectors"], "event selectors")
        if status.get("IsLogging") and (
                any(_basic_covers(s, bucket, kind) for s in selectors.get("EventSelectors") or [])
                or any(_advanced_covers(s, bucket, kind) for s in selectors.get("AdvancedEventSelectors") or [])):
            names.append(t["Name"])
    return names


def _object_logging(snap: Snapshot, kind: str) -> Iterator[Result]:
    trail_list, gaps = trails(snap), _listing_gaps(snap)
    for b in buckets(snap):
        arn, region = bucket_arn(b["Name"]), (b.get("region") or {}).get("ok")
        try:
            names = object_logging_trails(trail_list, b["Name"], region, kind)
        except Unavailable as e:
            yield not_evaluated(arn, e, region)
            continue
        if not names and gaps:
            yield not_evaluated(arn, f"no trail seen records its object-level {kind} events, but trails could not be "
                                     f"listed in {', '.join(gaps)}", region)
            continue
        yield verdict(bool(names), arn, f"object-level {kind} events recorded by trail {', '.join(names)}" if names
                      else f"no logging trail records S3 object-level {kind} events for this bucket", region)


@control("3.10", "Ensure that Object-level logging for write events is enabled for S3 bucket", LOGGING,
         Severity.LOW, "aws cloudtrail put-event-selectors on a multi-region trail with DataResources "
         "AWS::S3::Object arn:aws:s3 (or the bucket) and ReadWriteType WriteOnly or All.",
         needs=TRAILS + ("cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors", "s3:ListAllMyBuckets"), level=2)
def object_write_logging(snap: Snapshot) -> Iterator[Result]:
    yield from _object_logging(snap, "write")


@control("3.11", "Ensure that Object-level logging for read events is enabled for S3 bucket", LOGGING,
         Severity.LOW, "aws cloudtrail put-event-selectors on a multi-region trail with DataResources "
         "AWS::S3::Object arn:aws:s3 (or the bucket) and ReadWriteType ReadOnly or All.",
         needs=TRAILS + ("cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors", "s3:ListAllMyBuckets"), level=2)
def object_read_logging(snap: Snapshot) -> Iterator[Result]:
    yield from _object_logging(snap, "read")
