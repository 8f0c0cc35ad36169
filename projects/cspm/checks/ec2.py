"""EC2, per region: EBS default encryption (CIS v1.5 2.2.1), instance roles (1.18), network ACLs (5.1), security groups (5.2-5.4)."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..model import Result, Severity
from ..snapshot import Snapshot, Unavailable, unwrap
from .registry import IAM, NETWORKING, STORAGE, control, each_region, not_evaluated, verdict

ADMIN_PORTS = (22, 3389)
"""SSH and RDP: the remote administration ports CIS 5.2/5.3 name."""


@control("2.2.1", "Ensure EBS Volume Encryption is Enabled in all Regions", STORAGE, Severity.MEDIUM,
         "aws --region <region> ec2 enable-ebs-encryption-by-default (existing volumes are not converted).",
         needs=("ec2:GetEbsEncryptionByDefault",), level=1)
def ebs_default_encryption(snap: Snapshot) -> Iterator[Result]:
    for region in snap.regions:
        ec2 = snap.regional("ec2", region)
        resource = f"arn:aws:ec2:{region}:{snap.account}:ebs-encryption-by-default"
        try:
            on = unwrap(ec2.get("ebs_encryption_by_default"), "EBS encryption-by-default")
        except Unavailable as e:
            yield not_evaluated(resource, e, region)
            continue
        yield verdict(bool(on), resource, f"EbsEncryptionByDefault={on}; {_volumes(ec2)}", region)


def _volumes(ec2: dict[str, Any]) -> str:
    """Context only: default encryption does not convert existing volumes."""
    try:
        vols = unwrap(ec2.get("volumes"), "volumes")
    except Unavailable as e:
        return f"existing volumes unknown ({e})"
    plain = sum(1 for v in vols if not v.get("Encrypted"))
    return f"{plain} of {len(vols)} existing volumes unencrypted"


def _groups(snap: Snapshot, region: str) -> list[dict[str, Any]]:
    return unwrap(snap.regional("ec2", region).get("security_groups"), "security groups")


def _sg_arn(snap: Snapshot, region: str, sg: dict[str, Any]) -> str:
    return sg.get("SecurityGroupArn") or f"arn:aws:ec2:{region}:{snap.account}:security-group/{sg['GroupId']}"


def _covers_admin_port(rule: dict[str, Any]) -> list[int]:
    proto = str(rule.get("IpProtocol"))
    if proto == "-1":
        return list(ADMIN_PORTS)
    if proto not in ("tcp", "6"):
        return []
    lo, hi = rule.get("FromPort", 0), rule.get("ToPort", 65535)
    return [p for p in ADMIN_PORTS if lo <= p <= hi]


def open_admin_ports(sg: dict[str, Any], cidr_key: str, ranges_key: str, world: str) -> list[int]:
    """Admin ports that an ingress rule opens to `world` (0.0.0.0/0 or ::/0)."""
    ports: set[int] = set()
    for rule in sg.get("IpPermissions", []):
        if any(r.get(cidr_key) == world for r in rule.get(ranges_key, [])):
            ports.update(_covers_admin_port(rule))
    return sorted(ports)


def _open_to_world(snap: Snapshot, cidr_key: str, ranges_key: str, world: str) -> Iterator[Result]:
    for region in snap.regions:
        try:
            groups = _groups(snap, region)
        except Unavailable as e:
            yield not_evaluated(f"arn:aws:ec2:{region}:{snap.account}:security-group/*", e, region)
            continue
        for sg in groups:
            ports = open_admin_ports(sg, cidr_key, ranges_key, world)
            yield verdict(not ports, _sg_arn(snap, region, sg),
                          f"{sg['GroupName']}: ingress from {world} to port(s) {', '.join(map(str, ports))}" if ports
                          else f"{sg['GroupName']}: no admin port open to {world}", region)


@control("5.2", "Ensure no security groups allow ingress from 0.0.0.0/0 to remote server administration ports",
         NETWORKING, Severity.HIGH, "Remove or narrow the 0.0.0.0/0 ingress rules for ports 22 and 3389.",
         needs=("ec2:DescribeSecurityGroups",), level=1)
def sg_ipv4_admin(snap: Snapshot) -> Iterator[Result]:
    yield from _open_to_world(snap, "CidrIp", "IpRanges", "0.0.0.0/0")


@control("5.3", "Ensure no security groups allow ingress from ::/0 to remote server administration ports",
         NETWORKING, Severity.HIGH, "Remove or narrow the ::/0 ingress rules for ports 22 and 3389.",
         needs=("ec2:DescribeSecurityGroups",), level=1)
def sg_ipv6_admin(snap: Snapshot) -> Iterator[Result]:
    yield from _open_to_world(snap, "CidrIpv6", "Ipv6Ranges", "::/0")


@control("5.4", "Ensure the default security group of every VPC restricts all traffic", NETWORKING,
         Severity.HIGH, "Delete every inbound and outbound rule of each VPC's default security group.",
         needs=("ec2:DescribeSecurityGroups",), level=2)
def default_sg_closed(snap: Snapshot) -> Iterator[Result]:
    for region in snap.regions:
        try:
            groups = _groups(snap, region)
        except Unavailable as e:
            yield not_evaluated(f"arn:aws:ec2:{region}:{snap.account}:security-group/*", e, region)
            continue
        for sg in (g for g in groups if g["GroupName"] == "default"):
            n_in, n_out = len(sg.get("IpPermissions", [])), len(sg.get("IpPermissionsEgress", []))
            yield verdict(n_in == n_out == 0, _sg_arn(snap, region, sg),
                          f"default SG of {sg.get('VpcId')}: {n_in} inbound, {n_out} outbound rules", region)


def _nacl_opens(entries: list[dict[str, Any]], port: int) -> dict[str, Any] | None:
    """The entry that decides inbound traffic from 0.0.0.0/0 to `port`, if it allows it (lowest rule number wins)."""
    for e in sorted((e for e in entries if not e.get("Egress") and e.get("CidrBlock") == "0.0.0.0/0"),
                    key=lambda e: e["RuleNumber"]):
        proto = str(e.get("Protocol"))
        ports = e.get("PortRange") or {"From": 0, "To": 65535}
        if proto == "-1" or (proto in ("6", "tcp") and ports["From"] <= port <= ports["To"]):
            return e if e.get("RuleAction") == "allow" else None
    return None


@control("5.1", "Ensure no Network ACLs allow ingress from 0.0.0.0/0 to remote server administration ports",
         NETWORKING, Severity.MEDIUM, "Add deny entries for ports 22 and 3389 from 0.0.0.0/0 numbered below the "
         "allow entries (aws ec2 create-network-acl-entry --rule-action deny), or narrow the allow entries.",
         needs=("ec2:DescribeNetworkAcls",), level=1)
def nacl_admin_ports(snap: Snapshot) -> Iterator[Result]:
    for region, acls in each_region(snap, "ec2", "network_acls", "network ACLs"):
        if not isinstance(acls, list):
            yield not_evaluated(f"arn:aws:ec2:{region}:{snap.account}:network-acl/*", acls, region)
            continue
        for acl in acls:
            open_ = {p: e for p in ADMIN_PORTS if (e := _nacl_opens(acl.get("Entries", []), p))}
            name = f"{acl['NetworkAclId']}{' (default)' if acl.get('IsDefault') else ''} of {acl.get('VpcId')}"
            yield verdict(not open_, f"arn:aws:ec2:{region}:{snap.account}:network-acl/{acl['NetworkAclId']}",
                          f"{name}: " + ("; ".join(f"rule {e['RuleNumber']} allows 0.0.0.0/0 to port {p}"
                                                   for p, e in open_.items()) or "ports 22 and 3389 not open to 0.0.0.0/0"),
                          region)


@control("1.18", "Ensure IAM instance roles are used for AWS resource access from instances", IAM, Severity.MEDIUM,
         "aws ec2 associate-iam-instance-profile --instance-id <id> --iam-instance-profile Name=<profile>; "
         "remove keys stored on the instance.", needs=("ec2:DescribeInstances",), level=2, assessment="Manual")
def instance_roles(snap: Snapshot) -> Iterator[Result]:
    for region, instances in each_region(snap, "ec2", "instances", "EC2 instances"):
        if not isinstance(instances, list):
            yield not_evaluated(f"arn:aws:ec2:{region}:{snap.account}:instance/*", instances, region)
            continue
        for i in instances:
            profile = i.get("IamInstanceProfile", {}).get("Arn")
            yield verdict(bool(profile), f"arn:aws:ec2:{region}:{snap.account}:instance/{i['InstanceId']}",
                          f"{i['InstanceId']}: instance profile {profile.rsplit('/', 1)[-1]}" if profile
                          else f"{i['InstanceId']}: no instance profile (credentials would have to live on the instance)",
                          region)
