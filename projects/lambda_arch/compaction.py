"""Compaction: raw JSONL (by arrival hour) -> Parquet partitioned by event hour.

A late event lands in a recent arrival partition but belongs to an old event
hour, so compaction rewrites that old Parquet partition (read, append, sort,
replace). Which raw files are done is recorded in `_state/compacted.json`; a crash
between a partition write and that record means a file is appended twice, which
is harmless because every query deduplicates by event id.
"""
from __future__ import annotations

import io
import json
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj
import pyarrow.parquet as pq

from .catalog import EVENTS, RAW_EVENTS
from .objectstore import ObjectStore
from .timebase import HOUR_MS, hive_partition

STATE_KEY = "_state/compacted.json"
SCHEMA = pa.schema([("event_id", pa.int64()), ("user_id", pa.string()), ("event_type", pa.string()),
                    ("amount_cents", pa.int64()), ("event_time_ms", pa.int64()), ("ingest_ms", pa.int64())])


@dataclass(frozen=True)
class CompactionResult:
    raw_files: int
    rows: int
    partitions_written: int
    partitions_rewritten: int
    """Partitions that already existed: old event hours reopened by late or re-delivered events."""


def _read_jsonl(data: bytes) -> pa.Table:
    return pj.read_json(io.BytesIO(data), parse_options=pj.ParseOptions(explicit_schema=SCHEMA,
                                                                         unexpected_field_behavior="error"))


def _parquet_bytes(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


def compact(store: ObjectStore) -> CompactionResult:
    """Fold every raw file not yet compacted into its event-hour Parquet partitions."""
    done: list[str] = json.loads(store.get(STATE_KEY)) if store.exists(STATE_KEY) else []
    done_set = set(done)
    pending = [k for k in store.list(RAW_EVENTS.prefix) if k.endswith(".jsonl") and k not in done_set]
    if not pending:
        return CompactionResult(0, 0, 0, 0)
    new = pa.concat_tables([_read_jsonl(store.get(k)) for k in pending])
    event_ms = new.column("event_time_ms").to_numpy()
    hours = event_ms - event_ms % HOUR_MS
    written = rewritten = 0
    for hour in np.unique(hours).tolist():
        key = f"{EVENTS.prefix}{hive_partition(hour)}/part-0.parquet"
        part = new.take(pa.array(np.flatnonzero(hours == hour)))
        if store.exists(key):
            part = pa.concat_tables([pq.read_table(io.BytesIO(store.get(key))), part])
            rewritten += 1
        # Sorted by event time so Parquet row-group min/max statistics prune minute-range scans.
        part = part.take(pc.sort_indices(part, [("event_time_ms", "ascending"), ("event_id", "ascending")]))
        store.put(key, _parquet_bytes(part))
        written += 1
    store.put(STATE_KEY, json.dumps(done + pending).encode())
    return CompactionResult(len(pending), new.num_rows, written, rewritten)
