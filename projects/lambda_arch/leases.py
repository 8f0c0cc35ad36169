"""Consumer positions in a DynamoDB lease table, in the manner of the Kinesis Client Library.

One item per (application, shard), every application in one table (the KCL gives each its own): who holds the lease, the last sequence number the
application has finished with (`checkpoint`, or TRIM_HORIZON / SHARD_END), and the
batch it has started on but not finished (`pending`, KCL's prepared checkpoint). A
worker that takes over a dead one's lease resumes after `checkpoint` and replays
exactly the pending batch, so the batch boundaries a store's idempotency marks
refer to are the same on the second try. Writes are conditional on the owner: a
worker that lost its lease cannot move the checkpoint.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TRIM_HORIZON = "TRIM_HORIZON"
SHARD_END = "SHARD_END"


class LeaseLost(Exception):
    """Another worker holds the lease now."""


@dataclass(frozen=True)
class Lease:
    checkpoint: str
    pending: str | None


def create_table(client: Any, name: str) -> None:
    """The on-demand lease table, keyed like the KCL's (`leaseKey`)."""
    client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                        AttributeDefinitions=[{"AttributeName": "leaseKey", "AttributeType": "S"}],
                        KeySchema=[{"AttributeName": "leaseKey", "KeyType": "HASH"}])
    client.get_waiter("table_exists").wait(TableName=name)


class LeaseTable:
    """Leases of every application reading one stream. `client` is a boto3 DynamoDB client."""

    def __init__(self, client: Any, table: str) -> None:
        self._ddb, self.table = client, table

    @property
    def label(self) -> str:
        return f"DynamoDB {self.table}"

    def take(self, app: str, shard: str, worker: str) -> Lease:
        """Become the lease's owner (a new lease starts at TRIM_HORIZON) and return where to resume."""
        item = self._ddb.update_item(
            TableName=self.table, Key=_key(app, shard), ReturnValues="ALL_NEW",
            UpdateExpression="SET leaseOwner = :w, checkpoint = if_not_exists(checkpoint, :start) "
                             "ADD leaseCounter :one",
            ExpressionAttributeValues={":w": {"S": worker}, ":start": {"S": TRIM_HORIZON}, ":one": {"N": "1"}},
        )["Attributes"]
        return Lease(item["checkpoint"]["S"], item.get("pending", {}).get("S"))

    def prepare(self, app: str, shard: str, worker: str, seq: str) -> None:
        """Record the batch ending at `seq` as started (KCL prepareCheckpoint)."""
        self._write(app, shard, worker, "SET pending = :seq", seq)

    def checkpoint(self, app: str, shard: str, worker: str, seq: str) -> None:
        """Everything up to `seq` (or SHARD_END) is done."""
        self._write(app, shard, worker, "SET checkpoint = :seq REMOVE pending", seq)

    def checkpoints(self, app: str) -> dict[str, str]:
        """shard -> checkpoint for one application (a consistent read of the whole table)."""
        out: dict[str, str] = {}
        for page in self._ddb.get_paginator("scan").paginate(TableName=self.table, ConsistentRead=True):
            for item in page["Items"]:
                owner_app, _, shard = item["leaseKey"]["S"].partition(":")
                if owner_app == app:
                    out[shard] = item["checkpoint"]["S"]
        return out

    def _write(self, app: str, shard: str, worker: str, update: str, seq: str) -> None:
        from botocore.exceptions import ClientError

        try:
            self._ddb.update_item(TableName=self.table, Key=_key(app, shard), UpdateExpression=update,
                                  ConditionExpression="leaseOwner = :w",
                                  ExpressionAttributeValues={":w": {"S": worker}, ":seq": {"S": seq}})
        except ClientError as err:
            if err.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise LeaseLost(f"{worker} no longer holds {app}:{shard}") from None
            raise


def _key(app: str, shard: str) -> dict[str, dict[str, str]]:
    return {"leaseKey": {"S": f"{app}:{shard}"}}
