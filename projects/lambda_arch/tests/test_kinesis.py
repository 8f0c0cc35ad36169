"""The Kinesis adapter on moto's server over HTTP: order per key through partial failures, exactly-once
effects through a killed consumer, parents before children through a split, and recovery from
throttling and expired iterators. Each test makes its own stream on one shared server."""
from __future__ import annotations

import time
import uuid

import numpy as np
import pytest

from projects.lambda_arch import aws, moto_kinesis
from projects.lambda_arch.events import DEFAULT_START_MS as T0, Workload, concat, generate
from projects.lambda_arch.kinesis import KinesisStream, decode, encode
from projects.lambda_arch.leases import SHARD_END, LeaseTable
from projects.lambda_arch.speed import SpeedLayer, aggregate
from projects.lambda_arch.speed_dynamodb import DynamoSpeedStore
from projects.lambda_arch.stream_faults import ConsumerKilled, StreamFaults
from projects.lambda_arch.timebase import DAY_MS

ROWS = generate(Workload(1500, 0.05, 0.05, seed=11, hours=6))


@pytest.fixture(scope="module")
def endpoint():
    server, url = moto_kinesis.start()
    yield url
    server.stop()


@pytest.fixture
def made(endpoint):
    """A fresh stream, tables and bucket; returns (clients, names)."""
    clients, names = aws.clients(endpoint), aws.Names(f"-{uuid.uuid4().hex[:8]}")
    aws.provision(clients, names, shards=2)
    return clients, names


def stream_of(made, faults: StreamFaults | None = None) -> KinesisStream:
    clients, names = made
    return KinesisStream(clients["kinesis"], names.stream, LeaseTable(clients["dynamodb"], names.lease_table),
                         faults, shards=2, page_records=50)


def read_all(stream: KinesisStream, name: str = "reader"):
    """Every record one worker reads, checkpointing each; returns the records."""
    consumer, out = stream.consumer(name), []
    for rec in consumer.get_records():
        out.append(rec)
        consumer.checkpoint(rec)
    return out


def by_key(rows) -> dict[int, list[int]]:
    """user -> (event id, ingest ms) in the order seen."""
    seen: dict[int, list[int]] = {}
    for u, e, t in zip(rows.user_id.tolist(), rows.event_id.tolist(), rows.ingest_ms.tolist()):
        seen.setdefault(u, []).append((e, t))
    return seen


def put_in_chunks(stream: KinesisStream, rows, size: int = 1000) -> None:
    for a in range(0, len(rows), size):
        stream.put_records(rows.slice(a, a + size))


def test_rows_survive_the_wire_format() -> None:
    back = decode(encode(ROWS.slice(0, 500)))
    for field in ("event_id", "user_id", "event_type", "amount_cents", "event_ms", "ingest_ms", "duplicate"):
        assert np.array_equal(getattr(back, field), getattr(ROWS.slice(0, 500), field))


def test_partial_failures_are_retried_with_each_keys_order_kept(made) -> None:
    faults = StreamFaults(seed=1, partial=1.0, throttle=0.3)        # every call loses a tenth of its entries
    stream = stream_of(made, faults)
    put_in_chunks(stream, ROWS)
    got = concat([r.rows for r in read_all(stream)])
    assert faults.counts["put_entries_failed"] > 0 and faults.counts["put_throttled"] > 0
    assert len(got) == len(ROWS)                                    # nothing lost, nothing stored twice
    assert by_key(got) == by_key(ROWS)                              # per key, exactly the order put


FEW = ROWS.slice(0, 600)          # one DynamoDB write per delta: keep the store tests small


def test_a_killed_consumer_resumes_and_its_replay_is_not_counted_twice(made) -> None:
    clients, names = made
    faults = StreamFaults(seed=2, kill=0.2)
    stream = stream_of(made, faults)
    put_in_chunks(stream, FEW, size=200)
    store = DynamoSpeedStore(clients["dynamodb"], names.speed_table)
    speed = SpeedLayer(stream.consumer("speed"), store)
    for _ in range(100):
        try:
            speed.poll()
            break
        except ConsumerKilled:
            speed.restart(stream.consumer("speed"))
    assert faults.counts["consumers_killed"] >= 2 and speed.replayed_deltas_skipped > 0
    expected: dict[tuple, tuple[int, int]] = {}
    for d in aggregate(FEW):
        expected[(d.minute_ms, d.event_type, d.bucket_ms)] = (d.events, d.amount_cents)
    got = {(r.minute_ms, r.event_type, r.bucket_ms): (r.events, r.amount_cents)
           for r in store.read(T0, T0 + DAY_MS, 0, 0)}
    assert got == expected                                          # every delivery counted exactly once


def test_without_the_marks_a_replay_double_counts(made) -> None:
    """The control for the test above: the same kills with a store that ignores marks over-count."""
    clients, names = made
    stream = stream_of(made, StreamFaults(seed=2, kill=0.2))
    put_in_chunks(stream, FEW, size=200)

    class Forgetful(DynamoSpeedStore):
        def apply(self, deltas, source=None, mark=None):
            return super().apply(deltas)

    store = Forgetful(clients["dynamodb"], names.speed_table)
    speed = SpeedLayer(stream.consumer("speed"), store)
    for _ in range(100):
        try:
            speed.poll()
            break
        except ConsumerKilled:
            speed.restart(stream.consumer("speed"))
    counted = sum(r.events for r in store.read(T0, T0 + DAY_MS, 0, 0))
    assert counted > len(FEW)


def test_a_split_mid_stream_reads_the_parent_to_its_end_before_the_children(made) -> None:
    half = len(ROWS) // 2
    faults = StreamFaults(seed=3, split_at_ms=int(ROWS.ingest_ms[half]))
    stream = stream_of(made, faults)
    put_in_chunks(stream, ROWS, size=500)
    records = read_all(stream)
    shards = stream.list_shards()
    parents = {s["ParentShardId"] for s in shards if "ParentShardId" in s}
    assert faults.counts["shards_split"] == 1 and len(shards) == 4 and len(parents) == 1
    order = [r.shard for r in records]
    (parent,) = parents
    children = [s["ShardId"] for s in shards if s.get("ParentShardId") == parent]
    assert max(i for i, s in enumerate(order) if s == parent) < min(i for i, s in enumerate(order) if s in children)
    got = concat([r.rows for r in records])
    assert len(got) == len(ROWS) and by_key(got) == by_key(ROWS)
    leases = stream.leases.checkpoints("reader")
    assert leases[parent] == SHARD_END


def test_throttled_reads_and_expired_iterators_lose_nothing(made) -> None:
    faults = StreamFaults(seed=4, throttle=0.3, expire=0.3)
    stream = stream_of(made, faults)
    put_in_chunks(stream, ROWS)
    got = concat([r.rows for r in read_all(stream)])
    assert faults.counts["get_throttled"] > 0 and faults.counts["iterators_expired"] > 0 and faults.backoff_s > 0
    assert len(got) == len(ROWS) and by_key(got) == by_key(ROWS)


def test_freshness_comes_from_the_arrival_timestamp(made) -> None:
    stream = stream_of(made)
    stream.put_records(ROWS.slice(0, 200))
    records = read_all(stream)
    assert all(0 <= time.time() - r.put_wall < 60 for r in records)
