"""The demo account beyond IAM, S3, EC2 security groups, KMS and CloudTrail (demo.py seeds those).

Each function seeds one area in both variants and records what the bad variant
must fail: EC2 instances (1.18), IAM server certificates (1.19), RDS (2.3.x),
EFS (2.4.1), AWS Config (3.5), VPC flow logs (3.9), section 4's metric filters,
alarms and SNS subscribers, Security Hub (4.16) and network ACLs (5.1).
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import boto3

from .checks.monitoring import PATTERNS

if TYPE_CHECKING:
    from .demo import Seeded

ACCOUNT, HOME, REGIONS = "123456789012", "us-east-1", ("us-east-1", "eu-west-1")
AMI = "ami-12345678"  # moto accepts any AMI id once its default catalogue is off
CERT_BODY = "-----BEGIN CERTIFICATE-----\nMIIBdemo\n-----END CERTIFICATE-----"


def _role(s: boto3.Session, name: str, service: str) -> str:
    return s.client("iam").create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"Service": service}}]}))["Role"]["Arn"]


def instances(s: boto3.Session, seeded: Seeded, bad: bool) -> None:
    """web-1 runs with an instance profile; batch-1 without one in the bad account."""
    iam, ec2 = s.client("iam"), s.client("ec2", region_name=HOME)
    _role(s, "app-instance", "ec2.amazonaws.com")
    iam.create_instance_profile(InstanceProfileName="app-instance")
    iam.add_role_to_instance_profile(InstanceProfileName="app-instance", RoleName="app-instance")
    ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, IamInstanceProfile={"Name": "app-instance"},
                      TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "web-1"}]}])
    batch = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1,
                              **({} if bad else {"IamInstanceProfile": {"Name": "app-instance"}}))
    if bad:
        seeded.expect("1.18", f"arn:aws:ec2:{HOME}:{ACCOUNT}:instance/{batch['Instances'][0]['InstanceId']}")


def certificates(s: boto3.Session, seeded: Seeded, bad: bool) -> None:
    """api-current is valid; www-legacy expired 200 days ago (bad only). Expiry goes in the fixture."""
    iam = s.client("iam")
    now = datetime.now(timezone.utc)
    expiry = {"api-current": (now + timedelta(days=300)).isoformat()}
    if bad:
        expiry["www-legacy"] = (now - timedelta(days=200)).isoformat()
    for name in expiry:
        arn = iam.upload_server_certificate(ServerCertificateName=name, CertificateBody=CERT_BODY,
                                            PrivateKey="demo")["ServerCertificateMetadata"]["Arn"]
        if name == "www-legacy":
            seeded.expect("1.19", arn)
    seeded.fixture["server_certificate_expiration"] = expiry


def databases(s: boto3.Session, seeded: Seeded, bad: bool, key: str) -> None:
    """RDS ledger-db is compliant; orders-db is unencrypted, public and frozen at its minor version (bad);
    EFS home-fs is encrypted, shared-fs is not (bad). Keys are explicit so moto creates no default ones."""
    rds, efs = s.client("rds", region_name=HOME), s.client("efs", region_name=HOME)
    for name, flawed in (("ledger-db", False), ("orders-db", bad)):
        arn = rds.create_db_instance(
            DBInstanceIdentifier=name, DBInstanceClass="db.t3.micro", Engine="postgres", AllocatedStorage=20,
            MasterUsername="app", MasterUserPassword="Correct-Horse-Battery-9", StorageEncrypted=not flawed,
            **({} if flawed else {"KmsKeyId": key}), AutoMinorVersionUpgrade=not flawed,
            PubliclyAccessible=flawed)["DBInstance"]["DBInstanceArn"]
        if flawed:
            seeded.expect("2.3.1", arn)
            seeded.expect("2.3.2", arn)
            seeded.expect("2.3.3", arn)
    for token, flawed in (("home-fs", False), ("shared-fs", bad)):
        fs = efs.create_file_system(CreationToken=token, Encrypted=not flawed, **({} if flawed else {"KmsKeyId": key}),
                                    Tags=[{"Key": "Name", "Value": token}])
        if flawed:
            seeded.expect("2.4.1", fs["FileSystemArn"])


def recording(s: boto3.Session, seeded: Seeded, bad: bool, log_bucket: str) -> None:
    """AWS Config and VPC flow logs in both regions; the bad account's us-east-1 recorder skips global
    resources and its default VPC has no flow log."""
    role = _role(s, "config-recorder", "config.amazonaws.com")
    for region in REGIONS:
        flawed = bad and region == HOME
        config = s.client("config", region_name=region)
        config.put_configuration_recorder(ConfigurationRecorder={"name": "default", "roleARN": role, "recordingGroup": {
            "allSupported": True, "includeGlobalResourceTypes": not flawed}})
        config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": log_bucket})
        config.start_configuration_recorder(ConfigurationRecorderName="default")
        ec2 = s.client("ec2", region_name=region)
        vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
        if flawed:
            seeded.expect("3.5", f"arn:aws:config:{region}:{ACCOUNT}:configuration-recorder/*")
            seeded.expect("3.9", f"arn:aws:ec2:{region}:{ACCOUNT}:vpc/{vpc}")
        else:
            ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="REJECT",
                                 LogDestinationType="s3", LogDestination=f"arn:aws:s3:::{log_bucket}")


def network_acls(s: boto3.Session, seeded: Seeded, bad: bool) -> None:
    """Default NACLs allow everything in; remediated, they deny 22 and 3389 from 0.0.0.0/0 first.
    A web NACL that only allows 443 passes in both."""
    for region in REGIONS:
        ec2 = s.client("ec2", region_name=region)
        default = ec2.describe_network_acls(Filters=[{"Name": "default", "Values": ["true"]}])["NetworkAcls"][0]
        if bad:
            seeded.expect("5.1", f"arn:aws:ec2:{region}:{ACCOUNT}:network-acl/{default['NetworkAclId']}")
        else:
            for rule, port in ((10, 22), (11, 3389)):
                ec2.create_network_acl_entry(NetworkAclId=default["NetworkAclId"], RuleNumber=rule, Protocol="6",
                                             RuleAction="deny", Egress=False, CidrBlock="0.0.0.0/0",
                                             PortRange={"From": port, "To": port})
    ec2 = s.client("ec2", region_name=HOME)
    web = ec2.create_network_acl(VpcId=_default_vpc(ec2))["NetworkAcl"]
    ec2.create_network_acl_entry(NetworkAclId=web["NetworkAclId"], RuleNumber=100, Protocol="6", RuleAction="allow",
                                 Egress=False, CidrBlock="0.0.0.0/0", PortRange={"From": 443, "To": 443})


def _default_vpc(ec2: Any) -> str:
    return ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]["VpcId"]


def security_hub(s: boto3.Session, seeded: Seeded, bad: bool) -> None:
    for region in REGIONS:
        if bad and region == HOME:
            seeded.expect("4.16", f"arn:aws:securityhub:{region}:{ACCOUNT}:hub/default")
        else:
            s.client("securityhub", region_name=region).enable_security_hub()


def alarms(s: boto3.Session, seeded: Seeded, bad: bool, log_group: str) -> None:
    """One CIS metric filter, alarm and subscribed SNS topic per 4.x control on the trail's log group.

    The bad account's trail is single-region, so every 4.x fails there whatever the filters; its log
    group still has gaps of each kind: no 4.1 or 4.15 filter, a 4.2 filter missing the MFA term, no
    alarm for 4.3, and every alarm on a topic nobody subscribed to.
    """
    logs, cw, sns = (s.client(n, region_name=HOME) for n in ("logs", "cloudwatch", "sns"))
    topic = sns.create_topic(Name="cis-alarms-unsubscribed" if bad else "cis-alarms")["TopicArn"]
    if not bad:
        sqs = s.client("sqs", region_name=HOME)
        queue = sqs.create_queue(QueueName="security-inbox")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    group = log_group.split(":")[6]
    for cid, patterns in PATTERNS.items():
        if bad and cid in ("4.1", "4.15"):
            continue
        pattern = '{ ($.eventName = "ConsoleLogin") }' if bad and cid == "4.2" else patterns[0]
        metric = f"cis-{cid.replace('.', '-')}"
        logs.put_metric_filter(logGroupName=group, filterName=metric, filterPattern=pattern, metricTransformations=[
            {"metricName": metric, "metricNamespace": "CISBenchmark", "metricValue": "1"}])
        if bad and cid == "4.3":
            continue
        cw.put_metric_alarm(AlarmName=metric, MetricName=metric, Namespace="CISBenchmark", Statistic="Sum",
                            Period=300, EvaluationPeriods=1, Threshold=1,
                            ComparisonOperator="GreaterThanOrEqualToThreshold", AlarmActions=[topic])
    if bad:
        for cid in PATTERNS:
            seeded.expect(cid, log_group.removesuffix(":*"))
