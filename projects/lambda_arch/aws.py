"""The whole pipeline on AWS interfaces: Kinesis, DynamoDB (speed store and leases), S3 and Glue via boto3.

`wiring()` builds the same `Wiring` as the embedded run from boto3 clients, without
a request (so `--aws --graph` draws it offline); `provision()` creates the resources.
Athena is left out of the run: moto accepts a query but cannot execute SQL, so the
batch view runs in DuckDB over a local copy of the bucket's Parquet (the same SQL
text the Athena adapter sends; tests/test_adapters.py checks that request).
"""
from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from . import leases, moto_kinesis, pipeline, speed_dynamodb
from .archive import Archive
from .batch import BatchLayer
from .catalog import TABLES, glue_table_input
from .kinesis import KinesisStream, create_stream
from .leases import LeaseTable
from .objectstore import LocalCopy, S3ObjectStore
from .pipeline import RunConfig
from .speed import SpeedLayer
from .speed_dynamodb import DynamoSpeedStore
from .stream_faults import StreamFaults
from .timebase import HOUR_MS
from .wiring import ARCHIVE_READER, SPEED_READER, Wiring

REGION = "eu-west-1"
SERVICES = ("kinesis", "dynamodb", "s3", "glue")


@dataclass(frozen=True)
class Names:
    """Resource names; `suffix` keeps runs on one server apart."""

    suffix: str = ""

    @property
    def stream(self) -> str:
        return f"pulse-events{self.suffix}"

    @property
    def speed_table(self) -> str:
        return f"pulse-speed{self.suffix}"

    @property
    def lease_table(self) -> str:
        return f"pulse-leases{self.suffix}"

    @property
    def bucket(self) -> str:
        return f"pulse-lake{self.suffix}"

    @property
    def database(self) -> str:
        return f"pulse{self.suffix}".replace("-", "_")


def clients(endpoint_url: str | None, region: str = REGION) -> dict[str, Any]:
    """boto3 clients for SERVICES. Against an endpoint (moto), any credentials do; test ones are used if none are set."""
    creds = {} if os.environ.get("AWS_ACCESS_KEY_ID") or not endpoint_url else \
        {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    session = boto3.Session(region_name=region, **creds)
    return {s: session.client(s, endpoint_url=endpoint_url) for s in SERVICES}


def wiring(data_dir: Path, aws: dict[str, Any], names: Names, faults: StreamFaults | None = None,
           lambda_batch: int = 100, shards: int = 4) -> Wiring:
    """The run's components on AWS interfaces; sends no request."""
    lease_table = LeaseTable(aws["dynamodb"], names.lease_table)
    stream = KinesisStream(aws["kinesis"], names.stream, lease_table, faults, shards)
    store = DynamoSpeedStore(aws["dynamodb"], names.speed_table)
    objects = S3ObjectStore(aws["s3"], names.bucket)
    speed = SpeedLayer(stream.consumer(SPEED_READER), store, lambda_batch)
    archive = Archive(stream.consumer(ARCHIVE_READER), objects)
    batch = BatchLayer(objects, LocalCopy(objects, data_dir / "s3-copy"))
    return Wiring(stream, speed, archive, store, objects, batch, f"Glue {names.database}")


def provision(aws: dict[str, Any], names: Names, shards: int = 4, region: str = REGION) -> None:
    """Create the stream, both tables, the bucket and the Glue database with its tables."""
    create_stream(aws["kinesis"], names.stream, shards)
    speed_dynamodb.create_table(aws["dynamodb"], names.speed_table)
    leases.create_table(aws["dynamodb"], names.lease_table)
    aws["s3"].create_bucket(Bucket=names.bucket, CreateBucketConfiguration={"LocationConstraint": region})
    aws["glue"].create_database(DatabaseInput={"Name": names.database})
    for t in TABLES:
        aws["glue"].create_table(DatabaseName=names.database,
                                 TableInput=glue_table_input(t, f"s3://{names.bucket}/{t.prefix}"))


def run(cfg: RunConfig, endpoint_url: str | None, faults: bool, shards: int = 4,
        reshard: bool | None = None) -> dict[str, object]:
    """The proof run on AWS interfaces: on `endpoint_url`, or on a moto server started here for the run.

    With `faults`, every stream fault is injected (seeded by the workload's seed). The
    shard split needs SplitShard to behave as AWS's does, so by default (`reshard=None`)
    it is injected only on the server started here (see moto_kinesis.py).
    """
    server = None
    if endpoint_url is None:
        server, endpoint_url = moto_kinesis.start()
    try:
        w = cfg.workload
        split = server is not None if reshard is None else reshard
        split_at = w.start_ms + w.hours * HOUR_MS // 2 if split else None
        injected = StreamFaults.every_kind(w.seed, split_at) if faults else None
        aws = clients(endpoint_url)
        names = Names(f"-{uuid.uuid4().hex[:8]}")
        provision(aws, names, shards)
        report = pipeline.run(cfg, wiring=wiring(cfg.data_dir, aws, names, injected, cfg.lambda_batch, shards))
        report["aws"] = {"endpoint": "in-process moto server" if server is not None else endpoint_url,
                         "services": list(SERVICES), "athena": "request-level only (moto runs no SQL)"}
        return report
    finally:
        if server is not None:
            server.stop()
