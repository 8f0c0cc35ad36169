"""The AWS speed store: the same SpeedStore contract on a DynamoDB table (boto3).

Key design: partition key `pk = <event_type>#<event hour>` spreads writes over
types and hours; sort key `sk = <minute>#<ingest hour>` (zero-padded epoch ms) makes
a dashboard window one Query per (type, hour) with a BETWEEN on the sort key.
Counters use UpdateItem ADD, which is atomic per item. Expired items are
filtered in the Query (`ttl > :now`), because DynamoDB deletes them lazily.
"""
from __future__ import annotations

import re
from typing import Any

from .events import EVENT_TYPES
from .speed import SpeedRow
from .timebase import HOUR_MS


def create_table(client: Any, name: str) -> None:
    """Create the on-demand table and turn TTL on for attribute `ttl`."""
    client.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        BillingMode="PAY_PER_REQUEST",
    )
    client.get_waiter("table_exists").wait(TableName=name)
    client.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "ttl"})


def _pk(event_type: str, minute_ms: int) -> str:
    return f"{event_type}#{minute_ms - minute_ms % HOUR_MS:013d}"


def _sk(minute_ms: int, bucket_ms: int) -> str:
    return f"{minute_ms:013d}#{bucket_ms:013d}"


class DynamoSpeedStore:
    """SpeedStore on DynamoDB. `client` is a boto3 DynamoDB client."""

    def __init__(self, client: Any, table: str) -> None:
        self._ddb, self.table = client, table

    @property
    def label(self) -> str:
        return f"DynamoDB {self.table}"

    def apply(self, deltas: list[SpeedRow], source: str | None = None, mark: str | None = None) -> int:
        # One UpdateItem per key: the Lambda already folded its batch, so this is
        # one write per (minute, type, ingest hour), not one per event. With a source,
        # each item remembers the last mark it took from that source, and the ADD is
        # conditional on this mark being later: exact per item, with no transaction.
        skipped = 0
        for d in deltas:
            args: dict[str, Any] = dict(
                TableName=self.table,
                Key={"pk": {"S": _pk(d.event_type, d.minute_ms)}, "sk": {"S": _sk(d.minute_ms, d.bucket_ms)}},
                UpdateExpression="ADD events :n, amount_cents :a SET #ttl = :ttl",
                ExpressionAttributeNames={"#ttl": "ttl"},
                ExpressionAttributeValues={":n": {"N": str(d.events)}, ":a": {"N": str(d.amount_cents)},
                                           ":ttl": {"N": str(d.ttl_s)}},
            )
            if source is not None:
                args["UpdateExpression"] += ", #mark = :mark"
                args["ConditionExpression"] = "attribute_not_exists(#mark) OR #mark < :mark"
                args["ExpressionAttributeNames"]["#mark"] = "mark_" + re.sub(r"\W", "_", source)
                args["ExpressionAttributeValues"][":mark"] = {"S": mark}
            try:
                self._ddb.update_item(**args)
            except self._ddb.exceptions.ConditionalCheckFailedException:
                skipped += 1
        return skipped

    def read(self, start_ms: int, end_ms: int, min_bucket_ms: int, now_s: int,
             event_type: str | None = None) -> list[SpeedRow]:
        out: list[SpeedRow] = []
        types = EVENT_TYPES if event_type is None else (event_type,)
        for hour in range(start_ms - start_ms % HOUR_MS, end_ms, HOUR_MS):
            for t in types:
                out.extend(self._query(t, hour, max(start_ms, hour), min(end_ms, hour + HOUR_MS),
                                       min_bucket_ms, now_s))
        return out

    def _query(self, event_type: str, hour_ms: int, lo_ms: int, hi_ms: int, min_bucket_ms: int,
               now_s: int) -> list[SpeedRow]:
        args: dict[str, Any] = dict(
            TableName=self.table,
            KeyConditionExpression="pk = :pk AND sk BETWEEN :lo AND :hi",
            FilterExpression="#ttl > :now",
            ExpressionAttributeNames={"#ttl": "ttl"},
            ExpressionAttributeValues={":pk": {"S": _pk(event_type, hour_ms)}, ":lo": {"S": _sk(lo_ms, 0)},
                                       ":hi": {"S": _sk(hi_ms - 1, 9_999_999_999_999)},
                                       ":now": {"N": str(now_s)}},
        )
        rows: list[SpeedRow] = []
        while True:
            page = self._ddb.query(**args)
            for item in page["Items"]:
                minute, bucket = (int(x) for x in item["sk"]["S"].split("#"))
                if bucket >= min_bucket_ms:
                    rows.append(SpeedRow(minute, event_type, bucket, int(item["events"]["N"]),
                                         int(item["amount_cents"]["N"]), int(item["ttl"]["N"])))
            if "LastEvaluatedKey" not in page:
                return rows
            args["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def count_expired(self, now_s: int) -> int:
        n, args = 0, {"TableName": self.table, "Select": "COUNT", "FilterExpression": "#ttl <= :now",
                      "ExpressionAttributeNames": {"#ttl": "ttl"},
                      "ExpressionAttributeValues": {":now": {"N": str(now_s)}}}
        while True:
            page = self._ddb.scan(**args)
            n += page["Count"]
            if "LastEvaluatedKey" not in page:
                return n
            args["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def sweep(self, now_s: int) -> int:
        """DynamoDB's own background process deletes expired items; there is nothing to do here."""
        return 0
