"""Sections 2.3 and 2.4: RDS instances (CIS v1.5 2.3.1-2.3.3) and EFS file systems (2.4.1), per region."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ..model import Result, Severity
from ..snapshot import Snapshot
from .registry import STORAGE, control, each_region, not_evaluated, verdict

RDS = ("rds:DescribeDBInstances",)


def _rds(snap: Snapshot, judge: Callable[[dict[str, Any]], tuple[bool, str]]) -> Iterator[Result]:
    for region, found in each_region(snap, "rds", "instances", "RDS instances"):
        if not isinstance(found, list):
            yield not_evaluated(f"arn:aws:rds:{region}:{snap.account}:db:*", found, region)
            continue
        for db in found:
            ok, evidence = judge(db)
            yield verdict(ok, db["DBInstanceArn"], f"{db['DBInstanceIdentifier']} ({db.get('Engine')}): {evidence}", region)


@control("2.3.1", "Ensure that encryption is enabled for RDS Instances", STORAGE, Severity.MEDIUM,
         "Encryption is set at creation: snapshot the instance, copy the snapshot with --kms-key-id, restore it.",
         needs=RDS, level=1)
def rds_encrypted(snap: Snapshot) -> Iterator[Result]:
    yield from _rds(snap, lambda db: (bool(db.get("StorageEncrypted")), f"StorageEncrypted={db.get('StorageEncrypted')}"))


@control("2.3.2", "Ensure Auto Minor Version Upgrade feature is Enabled for RDS Instances", STORAGE, Severity.LOW,
         "aws rds modify-db-instance --db-instance-identifier <db> --auto-minor-version-upgrade --apply-immediately",
         needs=RDS, level=1)
def rds_minor_upgrades(snap: Snapshot) -> Iterator[Result]:
    yield from _rds(snap, lambda db: (bool(db.get("AutoMinorVersionUpgrade")),
                                      f"AutoMinorVersionUpgrade={db.get('AutoMinorVersionUpgrade')}"))


@control("2.3.3", "Ensure that public access is not given to RDS Instance", STORAGE, Severity.HIGH,
         "aws rds modify-db-instance --db-instance-identifier <db> --no-publicly-accessible --apply-immediately",
         needs=RDS, level=1)
def rds_not_public(snap: Snapshot) -> Iterator[Result]:
    yield from _rds(snap, lambda db: (not db.get("PubliclyAccessible"), f"PubliclyAccessible={db.get('PubliclyAccessible')}"))


@control("2.4.1", "Ensure that encryption is enabled for EFS file systems", STORAGE, Severity.MEDIUM,
         "Encryption is set at creation: create an encrypted file system and copy the data (e.g. AWS DataSync).",
         needs=("elasticfilesystem:DescribeFileSystems",), level=1, assessment="Manual")
def efs_encrypted(snap: Snapshot) -> Iterator[Result]:
    for region, found in each_region(snap, "efs", "file_systems", "EFS file systems"):
        if not isinstance(found, list):
            yield not_evaluated(f"arn:aws:elasticfilesystem:{region}:{snap.account}:file-system/*", found, region)
            continue
        for fs in found:
            arn = fs.get("FileSystemArn") or f"arn:aws:elasticfilesystem:{region}:{snap.account}:file-system/{fs['FileSystemId']}"
            yield verdict(bool(fs.get("Encrypted")), arn, f"{fs['FileSystemId']}: Encrypted={fs.get('Encrypted')}", region)
