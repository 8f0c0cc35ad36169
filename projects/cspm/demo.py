"""``--demo``: seed a known account in moto, and state what a correct scan must find there.

Two variants share one layout: ``bad`` carries one or more misconfigurations for
every control (next to compliant resources, so each control also has passing
cases); ``remediated`` is the same estate fixed. Ages (unused passwords, old
keys) are back-dated on moto's user and key objects, which moto documents as
public for this purpose (getmoto/moto#5927); the IAM API itself cannot create
an old key. What moto cannot hold at all goes into the fixture (fixtures.py).
"""
from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3

from . import demo_estate as estate

ACCOUNT = "123456789012"  # moto's default account
REGIONS = ["us-east-1", "eu-west-1"]
HOME = "us-east-1"
PUBLIC, TRAIL_BUCKET, LOG_BUCKET = "acme-public-assets", "acme-cloudtrail-logs", "acme-access-logs"
DATA_BUCKET = "acme-data"  # compliant in both variants, and logging into LOG_BUCKET
TRAIL = "acme-main"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"


@dataclass
class Seeded:
    variant: str
    fixture: dict[str, Any]
    expected_failures: set[tuple[str, str]] = field(default_factory=set)
    """(control id, resource) pairs a correct scan must report as FAIL, and no others."""

    def expect(self, control: str, *resources: str) -> None:
        self.expected_failures.update((control, r) for r in resources)


def session(shared: bool = True) -> boto3.Session:
    """A session for moto: fixed fake credentials, nothing read from the environment.

    The shared session is one per process, so the service models (EC2's is megabytes of
    JSON) are parsed once; pass shared=False to register private event hooks.
    """
    return _shared_session() if shared else _new_session()


def _new_session() -> boto3.Session:
    return boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=HOME)


_shared_session = functools.cache(_new_session)


@contextmanager
def moto_account_empty() -> Iterator[boto3.Session]:
    """A fresh, empty moto account (default VPCs only), live for the duration of the block."""
    from moto import mock_aws
    # moto's default AMI catalogue is irrelevant here and costs seconds per region.
    previous = os.environ.get("MOTO_EC2_LOAD_DEFAULT_AMIS")
    os.environ["MOTO_EC2_LOAD_DEFAULT_AMIS"] = "false"
    try:
        with mock_aws():
            yield session()
    finally:
        if previous is None:
            os.environ.pop("MOTO_EC2_LOAD_DEFAULT_AMIS", None)
        else:
            os.environ["MOTO_EC2_LOAD_DEFAULT_AMIS"] = previous


@contextmanager
def moto_account(variant: str) -> Iterator[tuple[boto3.Session, Seeded]]:
    """A fresh moto account seeded as `variant`, live for the duration of the block."""
    with moto_account_empty() as s:
        yield s, seed(s, variant)


def _register_aws_managed_policy(name: str) -> str:
    """Make one AWS managed policy attachable in moto.

    moto only loads AWS managed policies all at once (MOTO_IAM_LOAD_MANAGED_POLICIES),
    which costs ~10 s per account here; the demo needs one, with moto's copy of its document.
    """
    from moto.iam.aws_managed_policies import aws_managed_policies_data
    from moto.iam.models import AWSManagedPolicy, iam_backends
    backend = iam_backends[ACCOUNT]["aws"]
    policy = AWSManagedPolicy.from_data(name, ACCOUNT, backend.region_name,
                                        json.loads(aws_managed_policies_data)[name])
    backend.managed_policies[policy.arn] = policy
    return policy.arn


def seed(s: boto3.Session, variant: str) -> Seeded:
    """Build the account inside an active moto mock."""
    if variant not in ("bad", "remediated"):
        raise ValueError(f"unknown demo variant {variant!r}")
    from moto.moto_api._internal import mock_random
    mock_random.seed(8)  # moto's ids (sg-..., key ids) come out the same every run
    bad = variant == "bad"
    seeded = Seeded(variant, fixture={
        "description": f"moto demo account ({variant}): facts moto cannot represent",
        "root": {"mfa_active": not bad, "access_key_1_active": bad, "access_key_2_active": False,
                 "password_last_used_days_ago": 2 if bad else 200},
        "s3_mfa_delete": {PUBLIC: "Enabled", TRAIL_BUCKET: "Disabled" if bad else "Enabled", LOG_BUCKET: "Enabled",
                          DATA_BUCKET: "Enabled"},
        "cloudwatch_delivery_age_hours": {TRAIL: 30 if bad else 1},
    })
    _iam(s, seeded, bad)
    _s3(s, seeded, bad)
    keys = _kms(s, seeded, bad)
    # Before _ec2 turns on EBS encryption by default: moto would encrypt the instances' root volumes
    # with an alias/aws/ebs key it creates as a customer key, which 3.8 would then judge.
    estate.instances(s, seeded, bad)
    estate.certificates(s, seeded, bad)
    estate.databases(s, seeded, bad, keys[HOME])
    estate.recording(s, seeded, bad, LOG_BUCKET)
    estate.network_acls(s, seeded, bad)
    estate.security_hub(s, seeded, bad)
    _ec2(s, seeded, bad, keys)
    log_group = _cloudtrail(s, seeded, bad, keys)
    estate.alarms(s, seeded, bad, log_group)
    return seeded


# --- IAM -----------------------------------------------------------------------------------
def _policy(iam: Any, name: str, statement: dict[str, Any]) -> str:
    doc = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    return iam.create_policy(PolicyName=name, PolicyDocument=doc)["Policy"]["Arn"]


def _console_user(iam: Any, name: str, mfa: bool) -> None:
    iam.create_user(UserName=name)
    iam.create_login_profile(UserName=name, Password="Correct-Horse-Battery-9")
    if mfa:
        serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]["SerialNumber"]
        iam.enable_mfa_device(UserName=name, SerialNumber=serial, AuthenticationCode1="123456",
                              AuthenticationCode2="654321")


def _iam(s: boto3.Session, seeded: Seeded, bad: bool) -> None:
    iam = s.client("iam")
    arn = lambda user: f"arn:aws:iam::{ACCOUNT}:user/{user}"  # noqa: E731
    iam.update_account_password_policy(MinimumPasswordLength=8 if bad else 14,
                                       PasswordReusePrevention=5 if bad else 24)
    read_logs = _policy(iam, "read-logs", {"Effect": "Allow", "Action": ["logs:Get*", "logs:Describe*"],
                                           "Resource": f"arn:aws:logs:*:{ACCOUNT}:*"})
    deploy = _policy(iam, "deploy", {"Effect": "Allow", "Action": ["s3:PutObject"],
                                     "Resource": f"arn:aws:s3:::{PUBLIC}/*"})
    iam.create_group(GroupName="engineers")
    iam.attach_group_policy(GroupName="engineers", PolicyArn=read_logs)

    _console_user(iam, "alice", mfa=True)
    iam.add_user_to_group(GroupName="engineers", UserName="alice")
    iam.create_access_key(UserName="alice")

    _console_user(iam, "bob", mfa=not bad)
    if bad:
        iam.create_access_key(UserName="bob")  # handed out with the console password, never used (1.11)
        iam.put_user_policy(UserName="bob", PolicyName="bob-s3", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}))
    else:
        iam.add_user_to_group(GroupName="engineers", UserName="bob")

    iam.create_user(UserName="ci-deploy")
    iam.create_access_key(UserName="ci-deploy")
    if bad:
        iam.create_access_key(UserName="ci-deploy")
        iam.attach_user_policy(UserName="ci-deploy", PolicyArn=deploy)
    else:
        iam.create_group(GroupName="deployers")
        iam.attach_group_policy(GroupName="deployers", PolicyArn=deploy)
        iam.add_user_to_group(GroupName="deployers", UserName="ci-deploy")

    if bad:
        admin = _policy(iam, "legacy-admin", {"Effect": "Allow", "Action": "*", "Resource": "*"})
        iam.create_group(GroupName="ops")
        iam.attach_group_policy(GroupName="ops", PolicyArn=admin)
        seeded.expect("1.16", admin)
    else:
        iam.create_role(RoleName="aws-support", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                    "Principal": {"AWS": ROOT}}]}))
        iam.attach_role_policy(RoleName="aws-support", PolicyArn=_register_aws_managed_policy("AWSSupportAccess"))

    _backdate(bad)
    if bad:
        seeded.expect("1.4", ROOT)
        seeded.expect("1.5", ROOT)
        seeded.expect("1.8", ROOT)
        seeded.expect("1.9", ROOT)
        seeded.expect("1.6", ROOT)
        seeded.expect("1.7", ROOT)
        seeded.expect("1.10", arn("bob"))
        seeded.expect("1.11", arn("bob"))
        seeded.expect("1.12", arn("bob"), arn("ci-deploy"))
        seeded.expect("1.13", arn("ci-deploy"))
        seeded.expect("1.14", arn("ci-deploy"))
        seeded.expect("1.15", arn("bob"), arn("ci-deploy"))
        seeded.expect("1.17", ROOT)


def _backdate(bad: bool) -> None:
    """Give users and keys a history: the credential report is built from these moto objects."""
    from moto.iam.models import AccessKeyLastUsed, iam_backends
    users = iam_backends[ACCOUNT]["aws"].users
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    ago = lambda days: now - timedelta(days=days)  # noqa: E731
    for u in users.values():
        u.create_date = ago(400)
    users["alice"].password_last_used = ago(2)
    users["alice"].access_keys[0].create_date = ago(30)
    users["alice"].access_keys[0].last_used = AccessKeyLastUsed(ago(1), "s3", HOME)
    users["bob"].password_last_used = ago(60 if bad else 3)
    keys = users["ci-deploy"].access_keys
    keys[0].create_date = ago(200 if bad else 30)
    keys[0].last_used = AccessKeyLastUsed(ago(100 if bad else 1), "s3", HOME)
    if bad:
        keys[1].create_date = ago(10)
        keys[1].last_used = AccessKeyLastUsed(ago(1), "s3", HOME)


# --- S3 ------------------------------------------------------------------------------------
def _tls_only(bucket: str, extra: list[dict[str, Any]] | None = None) -> str:
    deny = {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "s3:*",
            "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    return json.dumps({"Version": "2012-10-17", "Statement": [deny, *(extra or [])]})


ALL_BLOCKED = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
               "RestrictPublicBuckets": True}


def _harden(s3: Any, bucket: str, policy_extra: list[dict[str, Any]] | None = None) -> None:
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=ALL_BLOCKED)
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    s3.put_bucket_policy(Bucket=bucket, Policy=_tls_only(bucket, policy_extra))
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})


def _log_to(s3: Any, bucket: str) -> None:
    s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={"LoggingEnabled": {
        "TargetBucket": LOG_BUCKET, "TargetPrefix": f"{bucket}/"}})


def _s3(s: boto3.Session, seeded: Seeded, bad: bool) -> None:
    s3 = s.client("s3", region_name=HOME)
    for b in (PUBLIC, TRAIL_BUCKET, LOG_BUCKET, DATA_BUCKET):
        s3.create_bucket(Bucket=b)
    s3.put_bucket_acl(Bucket=LOG_BUCKET, ACL="log-delivery-write")
    _harden(s3, LOG_BUCKET)
    _harden(s3, DATA_BUCKET)
    _log_to(s3, DATA_BUCKET)
    trail_write = [{"Sid": "CloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{TRAIL_BUCKET}/AWSLogs/{ACCOUNT}/*"}]
    if bad:
        s3.put_bucket_acl(Bucket=TRAIL_BUCKET, ACL="public-read")
    _harden(s3, TRAIL_BUCKET, trail_write)
    if bad:
        b = lambda name: f"arn:aws:s3:::{name}"  # noqa: E731
        for cid in ("2.1.1", "2.1.2", "2.1.5", "S3.14"):
            seeded.expect(cid, b(PUBLIC))
        seeded.expect("2.1.3", b(PUBLIC), b(TRAIL_BUCKET))
        seeded.expect("3.3", b(TRAIL_BUCKET))
        seeded.expect("3.6", b(TRAIL_BUCKET))
        seeded.expect("S3.9", b(PUBLIC), b(TRAIL_BUCKET))
        return
    _harden(s3, PUBLIC)
    for b in (PUBLIC, TRAIL_BUCKET):
        _log_to(s3, b)
    s.client("s3control", region_name=HOME).put_public_access_block(
        AccountId=ACCOUNT, PublicAccessBlockConfiguration=ALL_BLOCKED)


# --- EC2 -----------------------------------------------------------------------------------
def security_group(ec2: Any, name: str, rules: list[dict[str, Any]]) -> str:
    vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    gid = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=rules)
    return ec2.describe_security_groups(GroupIds=[gid])["SecurityGroups"][0]["SecurityGroupArn"]


def tcp_rule(port: int, v4: str | None = None, v6: str | None = None) -> dict[str, Any]:
    return {"IpProtocol": "tcp", "FromPort": port, "ToPort": port,
            "IpRanges": [{"CidrIp": v4}] if v4 else [], "Ipv6Ranges": [{"CidrIpv6": v6}] if v6 else []}


def _ec2(s: boto3.Session, seeded: Seeded, bad: bool, keys: dict[str, str]) -> None:
    east, west = s.client("ec2", region_name="us-east-1"), s.client("ec2", region_name="eu-west-1")
    west.enable_ebs_encryption_by_default()
    # Explicit keys: without one, moto creates alias/aws/ebs as a *customer* key (real AWS: AWS-managed).
    if bad:
        east.create_volume(AvailabilityZone="us-east-1a", Size=8)
    else:
        east.create_volume(AvailabilityZone="us-east-1a", Size=8, Encrypted=True, KmsKeyId=keys["us-east-1"])
    west.create_volume(AvailabilityZone="eu-west-1a", Size=8, Encrypted=True, KmsKeyId=keys["eu-west-1"])
    security_group(east, "web-https", [tcp_rule(443, "0.0.0.0/0", "::/0")])
    ssh = security_group(east, "ssh-admin", [tcp_rule(22, "0.0.0.0/0" if bad else "10.0.0.0/8")])
    rdp = security_group(west, "rdp-admin", [tcp_rule(3389, v6="::/0" if bad else "2001:db8::/32")])
    if bad:
        legacy = security_group(west, "legacy-any", [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        seeded.expect("2.2.1", f"arn:aws:ec2:us-east-1:{ACCOUNT}:ebs-encryption-by-default")
        seeded.expect("5.2", ssh, legacy)
        seeded.expect("5.3", rdp)
    else:
        east.enable_ebs_encryption_by_default()
    for ec2 in (east, west):
        default = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["default"]}])["SecurityGroups"]
        for sg in default:
            if bad:
                seeded.expect("5.4", sg["SecurityGroupArn"])
                continue
            if sg["IpPermissions"]:
                ec2.revoke_security_group_ingress(GroupId=sg["GroupId"], IpPermissions=sg["IpPermissions"])
            if sg["IpPermissionsEgress"]:
                ec2.revoke_security_group_egress(GroupId=sg["GroupId"], IpPermissions=sg["IpPermissionsEgress"])


# --- KMS and CloudTrail -----------------------------------------------------------------------
def _key(s: boto3.Session, region: str, name: str, rotate: bool) -> str:
    kms = s.client("kms", region_name=region)
    meta = kms.create_key(Description=name)["KeyMetadata"]
    if rotate:
        kms.enable_key_rotation(KeyId=meta["KeyId"])
    return meta["Arn"]


def _kms(s: boto3.Session, seeded: Seeded, bad: bool) -> dict[str, str]:
    """One application key per region; the us-east-1 one is not rotated in the bad account."""
    keys = {"us-east-1": _key(s, "us-east-1", "app-data", rotate=not bad),
            "eu-west-1": _key(s, "eu-west-1", "eu-app-data", rotate=True)}
    if bad:
        seeded.expect("3.8", keys["us-east-1"])
    return keys


def _cloudtrail(s: boto3.Session, seeded: Seeded, bad: bool, keys: dict[str, str]) -> str:
    """The trail, delivering to CloudWatch Logs in both variants; returns the log group ARN."""
    ct = s.client("cloudtrail", region_name=HOME)
    s.client("logs", region_name=HOME).create_log_group(logGroupName="cloudtrail/acme")
    role = s.client("iam").create_role(RoleName="cloudtrail-to-logs", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"Service": "cloudtrail.amazonaws.com"}}]}))
    log_group = f"arn:aws:logs:{HOME}:{ACCOUNT}:log-group:cloudtrail/acme:*"
    extra: dict[str, Any] = {"CloudWatchLogsLogGroupArn": log_group, "CloudWatchLogsRoleArn": role["Role"]["Arn"]}
    if not bad:
        extra.update(IsMultiRegionTrail=True, EnableLogFileValidation=True, KmsKeyId=keys[HOME])
    trail = ct.create_trail(Name=TRAIL, S3BucketName=TRAIL_BUCKET, **extra)["TrailARN"]
    # Object-level logging: the bad trail records writes to DATA_BUCKET only, the fixed one reads and writes everywhere.
    objects = [f"arn:aws:s3:::{DATA_BUCKET}/"] if bad else ["arn:aws:s3"]
    ct.put_event_selectors(TrailName=TRAIL, EventSelectors=[
        {"ReadWriteType": "WriteOnly" if bad else "All", "IncludeManagementEvents": True,
         "DataResources": [{"Type": "AWS::S3::Object", "Values": objects}]}])
    ct.start_logging(Name=TRAIL)
    if bad:
        seeded.expect("3.1", f"arn:aws:cloudtrail::{ACCOUNT}:trail/*")
        for cid in ("3.2", "3.4", "3.7"):
            seeded.expect(cid, trail)
        b = lambda name: f"arn:aws:s3:::{name}"  # noqa: E731
        seeded.expect("3.10", b(PUBLIC), b(TRAIL_BUCKET), b(LOG_BUCKET))
        seeded.expect("3.11", b(PUBLIC), b(TRAIL_BUCKET), b(LOG_BUCKET), b(DATA_BUCKET))
    return log_group
