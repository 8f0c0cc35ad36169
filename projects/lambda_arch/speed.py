"""Speed layer: the Lambda function that folds each stream batch into per-minute aggregates.

Items are keyed by (event minute, event type, ingest hour). The ingest hour is what
makes the serving merge exact: the batch view covers everything *ingested* before
its cutoff, so the serving layer takes speed items from ingest hours at or after
the cutoff, whatever their event time (late events included) and never a row the
batch already counted. Deliveries are counted as they come: a duplicate adds
again. That is the speed layer's known error, which the next batch run removes.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from .events import EVENT_TYPES, Deliveries
from .stream import Consumer
from .timebase import HOUR_MS, MINUTE_MS, item_ttl_s


@dataclass(frozen=True, slots=True)
class SpeedRow:
    """One per-minute aggregate item (or a delta to add to it)."""

    minute_ms: int
    event_type: str
    bucket_ms: int
    """Start of the ingest hour these deliveries arrived in."""
    events: int
    amount_cents: int
    ttl_s: int
    """DynamoDB TTL attribute: epoch seconds after which the item is expired (see timebase.item_ttl_s)."""


class SpeedStore(Protocol):
    """A key-value table of SpeedRows with DynamoDB semantics."""

    def apply(self, deltas: list[SpeedRow], source: str | None = None, mark: str | None = None) -> int:
        """Add each delta's counts to its item, creating it if absent (UpdateItem ADD).

        With a `source` (a stream shard) and a `mark` (the batch's place in it, increasing),
        a delta already applied with that mark or a later one is skipped, so a batch a
        restarted consumer replays is not counted twice. Returns the deltas skipped.
        """

    def read(self, start_ms: int, end_ms: int, min_bucket_ms: int, now_s: int,
             event_type: str | None = None) -> list[SpeedRow]:
        """Live items with start <= minute < end and bucket >= min_bucket; expired ones are filtered."""

    def sweep(self, now_s: int) -> int:
        """Physically delete some expired items, as DynamoDB's background TTL process does. Returns count."""

    def count_expired(self, now_s: int) -> int:
        """Items still stored although expired at `now_s` (what a read that trusted presence would show)."""


def aggregate(rows: Deliveries) -> list[SpeedRow]:
    """Fold a batch of deliveries into one delta per (minute, type, ingest hour)."""
    minute = rows.event_ms - rows.event_ms % MINUTE_MS
    bucket = rows.ingest_ms - rows.ingest_ms % HOUR_MS
    keys = np.stack([minute, rows.event_type.astype(np.int64), bucket], axis=1)
    uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    counts = np.bincount(inverse, minlength=len(uniq))
    sums = np.zeros(len(uniq), dtype=np.int64)
    np.add.at(sums, inverse, rows.amount_cents)
    return [
        SpeedRow(int(m), EVENT_TYPES[int(t)], int(b), int(c), int(s), item_ttl_s(int(m)))
        for (m, t, b), c, s in zip(uniq.tolist(), counts.tolist(), sums.tolist())
    ]


class SpeedLayer:
    """Polls its own stream position, applies one aggregated write per Lambda batch, records freshness."""

    def __init__(self, consumer: Consumer, store: SpeedStore, batch_size: int = 100) -> None:
        self.consumer, self.store, self.batch_size = consumer, store, batch_size
        self._latency_ms: list[float] = []
        self._counts: list[int] = []
        self.replayed_deltas_skipped = 0

    def poll(self) -> int:
        """Process everything available in batches of `batch_size` (Kinesis event-source BatchSize)."""
        done = 0
        for rec in self.consumer.get_records():
            source = f"{self.consumer.name}:{rec.shard}"
            for i, a in enumerate(range(0, len(rec.rows), self.batch_size)):
                part = rec.rows.slice(a, a + self.batch_size)
                deltas = aggregate(part)
                # Zero-padded so marks compare as strings in both stores; a shard's sequence numbers only grow.
                skipped = self.store.apply(deltas, source, f"{int(rec.seq):064d}#{i:06d}")
                self.replayed_deltas_skipped += skipped
                if skipped < len(deltas):
                    self._latency_ms.append((time.time() - rec.put_wall) * 1000)
                    self._counts.append(len(part))
                done += len(part)
            self.consumer.checkpoint(rec)
        return done

    def restart(self, consumer: Consumer) -> None:
        """Carry on with a new worker after this one died (it resumes from the checkpoints)."""
        self.consumer = consumer

    @property
    def batches(self) -> int:
        """Lambda batches applied so far (a mark for `freshness_ms(since=...)`)."""
        return len(self._latency_ms)

    def freshness_ms(self, percentiles: tuple[float, ...] = (50, 99), since: int = 0) -> list[float]:
        """Percentiles over deliveries of wall ms from the stream accepting one to the commit that made it readable.

        `since` counts only the batches applied after that mark (see `batches`).
        """
        per_delivery = np.repeat(np.asarray(self._latency_ms[since:]), np.asarray(self._counts[since:]))
        return [float(v) for v in np.percentile(per_delivery, percentiles)]
