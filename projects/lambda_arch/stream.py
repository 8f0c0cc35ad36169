"""An in-process stand-in for one Kinesis shard: an append-only log read by independent consumers.

Each consumer keeps its own position, like a Lambda event-source mapping and a
Firehose delivery stream reading the same shard. Records are columnar chunks
(`Deliveries` slices); kinesis.py is the same interface on Kinesis, with shards,
leases and checkpoints. Every chunk is stamped with the wall-clock time it was put,
as Kinesis stamps ApproximateArrivalTimestamp, so consumers can measure freshness.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Protocol

from .events import Deliveries


@dataclass(frozen=True)
class Record:
    """A chunk of deliveries read from one shard, and when the stream accepted it."""

    rows: Deliveries
    shard: str
    seq: str
    """Sequence number of the chunk's last record: what a checkpoint names."""
    put_wall: float
    """Epoch seconds (Kinesis: ApproximateArrivalTimestamp, the oldest in the chunk)."""


class Stream:
    """Append-only log; chunks every consumer has read are trimmed (retention = 'until read')."""

    def __init__(self) -> None:
        self._chunks: list[Record] = []
        self._base = 0  # index in the full log of self._chunks[0]
        self._next_seq = 0
        self._positions: dict[str, int] = {}

    label = "in-process shard"
    SHARD = "shard-0"

    @property
    def readers(self) -> list[str]:
        """Names of the consumers reading this stream, in the order they subscribed."""
        return list(self._positions)

    def consumer(self, name: str) -> Consumer:
        """A new independent reader starting at the oldest retained record."""
        self._positions[name] = self._base
        return Consumer(self, name)

    def put_records(self, rows: Deliveries) -> Record:
        """Append a chunk and return it with its sequence number and arrival stamp."""
        rec = Record(rows, self.SHARD, str(self._next_seq + len(rows) - 1), time.time())
        self._chunks.append(rec)
        self._next_seq += len(rows)
        return rec

    def _read(self, name: str) -> list[Record]:
        pos = self._positions[name]
        out = self._chunks[pos - self._base :]
        self._positions[name] = self._base + len(self._chunks)
        self._trim()
        return out

    def _trim(self) -> None:
        low = min(self._positions.values())
        if low > self._base:
            del self._chunks[: low - self._base]
            self._base = low


class Source(Protocol):
    """What the pipeline needs of a stream: this in-process log, or kinesis.KinesisStream."""

    label: str

    @property
    def readers(self) -> list[str]: ...
    def consumer(self, name: str) -> Any: ...
    def put_records(self, rows: Deliveries) -> object: ...


class Consumer:
    """One reader's iterator over the stream."""

    def __init__(self, stream: Stream, name: str) -> None:
        self._stream, self.name = stream, name

    def get_records(self) -> list[Record]:
        """Everything put since this consumer's last read, oldest first."""
        return self._stream._read(self.name)

    def checkpoint(self, rec: Record) -> None:
        """Nothing to record: this log forgets a position only when every reader has passed it."""
