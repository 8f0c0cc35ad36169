"""The batch layer's intake: a Firehose-like consumer that appends raw deliveries as JSONL to the object store.

Raw files are partitioned by *arrival* hour, exactly as delivered (duplicates
included): the master dataset is append-only and never edited. The stream
position is checkpointed after a flush has written the files, never before. Records are
buffered and flushed as one new file per arrival hour; the batch job asks for a
flush before its cutoff so every delivery ingested before the cutoff is on disk.
"""
from __future__ import annotations

import numpy as np

from .catalog import RAW_EVENTS
from .events import Deliveries, concat
from .objectstore import ObjectStore
from .stream import Consumer, Record
from .timebase import HOUR_MS, hive_partition


def to_jsonl(rows: Deliveries) -> bytes:
    """One JSON object per line, keys in catalog column order."""
    lines = [
        f'{{"event_id":{i},"user_id":"u{u}","event_type":"{t}","amount_cents":{a},'
        f'"event_time_ms":{e},"ingest_ms":{g}}}'
        for i, u, t, a, e, g in zip(rows.event_id.tolist(), rows.user_id.tolist(), rows.type_names(),
                                    rows.amount_cents.tolist(), rows.event_ms.tolist(), rows.ingest_ms.tolist())
    ]
    return ("\n".join(lines) + "\n").encode()


class Archive:
    """Buffers what it reads from the stream and writes `raw/dt=.../hour=.../part-NNNNNN.jsonl` on flush."""

    def __init__(self, consumer: Consumer, store: ObjectStore, buffer_rows: int = 200_000) -> None:
        self.consumer, self.store, self.buffer_rows = consumer, store, buffer_rows
        self._buffer: list[Deliveries] = []
        self._buffered = 0
        self._last: dict[str, Record] = {}      # newest record buffered per shard: checkpointed once written
        self._seq = 0
        self.files_written = 0

    def poll(self) -> int:
        """Read everything new from the stream into the buffer; flush if the buffer is full."""
        n = 0
        for rec in self.consumer.get_records():
            self._buffer.append(rec.rows)
            self._last[rec.shard] = rec
            n += len(rec.rows)
        self._buffered += n
        if self._buffered >= self.buffer_rows:
            self.flush()
        return n

    def flush(self) -> list[str]:
        """Write the buffer, one file per arrival hour; returns the keys written."""
        if not self._buffer:
            return []
        rows = concat(self._buffer)
        self._buffer, self._buffered = [], 0
        hours = rows.ingest_ms - rows.ingest_ms % HOUR_MS
        keys = []
        for hour in np.unique(hours).tolist():
            self._seq += 1
            key = f"{RAW_EVENTS.prefix}{hive_partition(hour)}/part-{self._seq:06d}.jsonl"
            self.store.put(key, to_jsonl(rows.take(np.flatnonzero(hours == hour))))
            keys.append(key)
        self.files_written += len(keys)
        # Checkpoint only what is durably written; dying before this re-reads it, and
        # the batch SQL absorbs the second copy (it keeps each event id once).
        while self._last:
            shard, rec = next(iter(self._last.items()))
            self.consumer.checkpoint(rec)
            del self._last[shard]
        return keys

    def restart(self, consumer: Consumer) -> None:
        """Carry on with a new worker after this one died: its buffer died with it."""
        self.consumer = consumer
        self._buffer, self._buffered, self._last = [], 0, {}

