"""The stream on Kinesis through boto3: the same put_records / consumer / get_records / checkpoint calls
as stream.py, with shards, sequence numbers and leases.

Producer. Each delivery goes to the shard of its partition key `u<user id>`. A chunk is
sent as one Kinesis record per key holding that key's rows in order (what the KPL's
aggregation does), at most 500 per PutRecords call, and calls go one at a time: the
entries a call reports failed are retried, with backoff, before the next call starts.
Together that keeps every key's deliveries in order and never stores an entry twice.

Consumers. Each application (the speed Lambda, the archive) reads every shard with
its own iterators and keeps its checkpoints in the lease table (leases.py). A child
shard is read only after its parent has been read to its end, so a split keeps each
key's order. An expired iterator is replaced from the last sequence number read;
throttled reads back off. A worker that replaces a dead one resumes after the
checkpoints and replays the pending batch with the same boundaries.
"""
from __future__ import annotations

from typing import Any, Iterator

import numpy as np
from botocore.exceptions import ClientError

from .events import Deliveries, concat
from .leases import SHARD_END, TRIM_HORIZON, Lease, LeaseTable
from .stream import Record
from .stream_faults import EXPIRED, THROTTLED, FaultyKinesis, StreamFaults

MAX_ENTRIES = 500
ROW = np.dtype([("event_id", "<i8"), ("user_id", "<i4"), ("event_type", "i1"), ("amount_cents", "<i8"),
                ("event_ms", "<i8"), ("ingest_ms", "<i8"), ("duplicate", "?")])


def encode(rows: Deliveries) -> bytes:
    """Rows as packed little-endian structs (38 bytes a delivery)."""
    packed = np.empty(len(rows), dtype=ROW)
    for name in ROW.names:
        packed[name] = getattr(rows, name)
    return packed.tobytes()


def decode(data: bytes) -> Deliveries:
    packed = np.frombuffer(data, dtype=ROW)
    return Deliveries(*(packed[name].astype(ROW[name].newbyteorder("=")) for name in ROW.names))


def create_stream(client: Any, name: str, shards: int) -> None:
    client.create_stream(StreamName=name, ShardCount=shards)
    client.get_waiter("stream_exists").wait(StreamName=name)


class KinesisStream:
    """One Kinesis data stream; `client` is a boto3 Kinesis client, `leases` the consumers' lease table."""

    def __init__(self, client: Any, name: str, leases: LeaseTable, faults: StreamFaults | None = None,
                 shards: int = 4, page_records: int = 100) -> None:
        self.faults = faults or StreamFaults(seed=0)
        self.kinesis = FaultyKinesis(client, self.faults)
        self.name, self.leases, self.shards, self.page_records = name, leases, shards, page_records
        self._readers: list[str] = []
        self._workers: dict[str, int] = {}
        self._split_done = False

    @property
    def label(self) -> str:
        return f"Kinesis, {self.shards} shards"

    @property
    def readers(self) -> list[str]:
        return list(self._readers)

    def consumer(self, name: str) -> KinesisConsumer:
        """A new worker of application `name`; it takes the application's leases and resumes from them."""
        if name not in self._readers:
            self._readers.append(name)
        self._workers[name] = self._workers.get(name, 0) + 1
        return KinesisConsumer(self, name, f"{name}-{self._workers[name]}")

    def put_records(self, rows: Deliveries) -> None:
        """Send a chunk of deliveries; returns once every entry is stored."""
        split_at = self.faults.split_at_ms
        if split_at is not None and not self._split_done and len(rows) and rows.ingest_ms[-1] >= split_at:
            self._split()
        order = np.argsort(rows.user_id, kind="stable")     # stable: each key's rows stay in order
        users, starts = np.unique(rows.user_id[order], return_index=True)
        groups = np.split(order, starts[1:])
        entries = [{"PartitionKey": f"u{u}", "Data": encode(rows.take(idx))} for u, idx in zip(users.tolist(), groups)]
        for a in range(0, len(entries), MAX_ENTRIES):
            self._put_all(entries[a:a + MAX_ENTRIES])

    def _put_all(self, entries: list[dict[str, Any]]) -> None:
        attempt = 0
        while entries:
            try:
                sent = self.kinesis.put_records(StreamName=self.name, Records=entries)
            except ClientError as err:
                if err.response["Error"]["Code"] != THROTTLED:
                    raise
                self.faults.sleep(attempt)
                attempt += 1
                continue
            entries = [e for e, r in zip(entries, sent["Records"]) if "ErrorCode" in r]
            if entries:
                self.faults.counts["put_entries_retried"] += len(entries)
                self.faults.sleep(attempt)
                attempt += 1

    def _split(self) -> None:
        """Split the open shard with the widest hash range in two, mid-run (a real SplitShard call)."""
        self._split_done = True
        open_ = [s for s in self.list_shards() if "EndingSequenceNumber" not in s["SequenceNumberRange"]]
        widest = max(open_, key=lambda s: int(s["HashKeyRange"]["EndingHashKey"]) -
                     int(s["HashKeyRange"]["StartingHashKey"]))
        lo, hi = int(widest["HashKeyRange"]["StartingHashKey"]), int(widest["HashKeyRange"]["EndingHashKey"])
        self.kinesis.split_shard(StreamName=self.name, ShardToSplit=widest["ShardId"],
                                 NewStartingHashKey=str((lo + hi) // 2 + 1))
        self.kinesis.get_waiter("stream_exists").wait(StreamName=self.name)
        self.faults.counts["shards_split"] += 1

    def list_shards(self) -> list[dict[str, Any]]:
        shards: list[dict[str, Any]] = []
        args: dict[str, Any] = {"StreamName": self.name}
        while True:
            page = self.kinesis.list_shards(**args)
            shards += page["Shards"]
            if not page.get("NextToken"):
                return shards
            args = {"NextToken": page["NextToken"]}


class KinesisConsumer:
    """One worker of one application, reading every shard it may read, parents before children."""

    def __init__(self, stream: KinesisStream, name: str, worker: str) -> None:
        self._stream, self.name, self.worker = stream, name, worker
        self._leases: dict[str, Lease] = {}
        self._iterators: dict[str, str] = {}
        self._read_to: dict[str, str] = {}       # last sequence number handed out, per shard
        self._done_to: dict[str, str] = {}       # last sequence number checkpointed, per shard
        self._replay_to: dict[str, str] = {}     # a dead worker's pending batch, replayed first
        self._ended: set[str] = set()

    def get_records(self) -> Iterator[Record]:
        """Every record not yet read, one page (at most page_records Kinesis records) at a time.

        Checkpoint each page (or a later one) after processing it; until then a
        replacement worker would read it again.
        """
        for shard in self._stream.list_shards():
            if self._readable(shard):
                yield from self._read(shard["ShardId"])

    def checkpoint(self, rec: Record) -> None:
        """Everything of rec's shard up to rec is processed (SHARD_END if that was the shard's last record)."""
        self._stream.faults.maybe_kill(self.worker)
        ended = rec.shard in self._ended and rec.seq == self._read_to.get(rec.shard)
        self._write_checkpoint(rec.shard, SHARD_END if ended else rec.seq)
        self._done_to[rec.shard] = rec.seq

    def _write_checkpoint(self, shard: str, seq: str) -> None:
        self._stream.leases.checkpoint(self.name, shard, self.worker, seq)
        self._leases[shard] = Lease(seq, None)

    def _lease(self, shard: str) -> Lease:
        if shard not in self._leases:
            lease = self._stream.leases.take(self.name, shard, self.worker)
            self._leases[shard] = lease
            if lease.pending and lease.checkpoint != SHARD_END:
                self._replay_to[shard] = lease.pending
        return self._leases[shard]

    def _readable(self, shard: dict[str, Any]) -> bool:
        if self._lease(shard["ShardId"]).checkpoint == SHARD_END:
            return False
        parents = [shard.get("ParentShardId"), shard.get("AdjacentParentShardId")]
        return all(p is None or p in self._ended or self._lease(p).checkpoint == SHARD_END for p in parents)

    def _iterator(self, shard: str) -> str:
        after = self._read_to.get(shard) or self._leases[shard].checkpoint
        args: dict[str, Any] = {"StreamName": self._stream.name, "ShardId": shard}
        if after == TRIM_HORIZON:
            args["ShardIteratorType"] = TRIM_HORIZON
        else:
            args.update(ShardIteratorType="AFTER_SEQUENCE_NUMBER", StartingSequenceNumber=after)
        return self._stream.kinesis.get_shard_iterator(**args)["ShardIterator"]

    def _read(self, shard: str) -> Iterator[Record]:
        faults, attempt = self._stream.faults, 0
        held: list[dict[str, Any]] = []         # pages of a replayed batch, until it is whole
        iterator: str | None = self._iterators.get(shard) or self._iterator(shard)
        while iterator is not None:
            try:
                page = self._stream.kinesis.get_records(ShardIterator=iterator, Limit=self._stream.page_records)
            except ClientError as err:
                code = err.response["Error"]["Code"]
                if code == THROTTLED:
                    faults.sleep(attempt)
                    attempt += 1
                elif code == EXPIRED:        # resume after the last record read, as the KCL does
                    iterator, held = self._iterator(shard), []
                else:
                    raise
                continue
            attempt = 0
            records, iterator = page["Records"], page.get("NextShardIterator")
            replay_to = self._replay_to.get(shard)
            if replay_to is not None:
                held += records
                if records and iterator is not None and int(held[-1]["SequenceNumber"]) < int(replay_to):
                    continue                # GetRecords may return less than Limit: read on to the batch's end
                del self._replay_to[shard]
                records = [r for r in held if int(r["SequenceNumber"]) <= int(replay_to)]
                faults.counts["pending_batches_replayed"] += 1
                if len(records) < len(held):
                    self._read_to[shard] = replay_to
                    iterator = self._iterator(shard)
                held = []
            if iterator is None:
                self._ended.add(shard)
            if records:
                seq = records[-1]["SequenceNumber"]
                self._read_to[shard] = seq
                self._stream.leases.prepare(self.name, shard, self.worker, seq)
                arrival = min(r["ApproximateArrivalTimestamp"].timestamp() for r in records)
                yield Record(concat([decode(r["Data"]) for r in records]), shard, seq, arrival)
            elif iterator is not None:
                self._iterators[shard] = iterator
                return                      # caught up with this shard
        if self._done_to.get(shard) == self._read_to.get(shard):
            self._write_checkpoint(shard, SHARD_END)  # everything it held is already checkpointed

