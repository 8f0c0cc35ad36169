"""Batch layer: compact the master dataset, then recompute the batch view from all of it with SQL.

Each run recomputes from the full history rather than patching the last view:
slower as history grows, but any error the speed layer made (duplicates) or any
data that arrived late is corrected by construction, which is the point of the
Lambda Architecture's batch path.
"""
from __future__ import annotations

import io
import time
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from .catalog import EVENTS
from .compaction import CompactionResult, compact
from .engines import DuckDbEngine, QueryEngine
from .objectstore import LocalCopy, ObjectStore
from .queries import minute_view
from .timebase import HOUR_MS

VIEW_PREFIX = "views/minute_agg/"


@dataclass(frozen=True)
class BatchView:
    """Per (event minute, type) exact counts and sums of everything ingested before `cutoff_ms`."""

    cutoff_ms: int
    minute_ms: np.ndarray
    """int64, sorted ascending (ties by type)."""
    event_type: np.ndarray
    """object array of type names."""
    events: np.ndarray
    amount_cents: np.ndarray

    @classmethod
    def from_rows(cls, cutoff_ms: int, rows: list[tuple[int, str, int, int]]) -> BatchView:
        """From (minute_ms, event_type, events, amount_cents) rows as the SQL returns them."""
        rows = sorted(rows)
        cols = list(zip(*rows)) if rows else [(), (), (), ()]
        return cls(cutoff_ms, np.asarray(cols[0], dtype=np.int64), np.asarray(cols[1], dtype=object),
                   np.asarray(cols[2], dtype=np.int64), np.asarray(cols[3], dtype=np.int64))

    @classmethod
    def empty(cls, cutoff_ms: int) -> BatchView:
        """The view before any batch run: nothing, so the speed layer serves everything after cutoff_ms."""
        return cls.from_rows(cutoff_ms, [])

    def rows_in(self, start_ms: int, end_ms: int, event_type: str | None = None) -> list[tuple[int, str, int, int]]:
        """Rows with start <= minute < end (binary search on the sorted minutes)."""
        lo, hi = np.searchsorted(self.minute_ms, [start_ms, end_ms])
        out = list(zip(self.minute_ms[lo:hi].tolist(), self.event_type[lo:hi].tolist(),
                       self.events[lo:hi].tolist(), self.amount_cents[lo:hi].tolist()))
        return out if event_type is None else [r for r in out if r[1] == event_type]

    def key(self) -> str:
        return f"{VIEW_PREFIX}cutoff={self.cutoff_ms}/part-0.parquet"

    def save(self, store: ObjectStore) -> None:
        table = pa.table({"minute_ms": self.minute_ms, "event_type": self.event_type.astype(str),
                          "events": self.events, "amount_cents": self.amount_cents})
        sink = io.BytesIO()
        pq.write_table(table, sink)
        store.put(self.key(), sink.getvalue())

    @classmethod
    def load(cls, store: ObjectStore, cutoff_ms: int) -> BatchView:
        t = pq.read_table(io.BytesIO(store.get(f"{VIEW_PREFIX}cutoff={cutoff_ms}/part-0.parquet")))
        return cls(cutoff_ms, t.column("minute_ms").to_numpy(), np.asarray(t.column("event_type").to_pylist(),
                   dtype=object), t.column("events").to_numpy(), t.column("amount_cents").to_numpy())


@dataclass(frozen=True)
class BatchRun:
    view: BatchView
    compaction: CompactionResult
    compaction_ms: float
    query_ms: float


def compute_view(engine: QueryEngine, cutoff_ms: int, table: str = EVENTS.name) -> BatchView:
    """Run the batch-view SQL for `cutoff_ms` on any engine (DuckDB locally, Athena on AWS)."""
    if cutoff_ms % HOUR_MS:
        raise ValueError("batch cutoffs are whole hours: the speed layer's ingest buckets are hours")
    return BatchView.from_rows(cutoff_ms, [tuple(r) for r in engine.query(minute_view(table), [cutoff_ms])])


class BatchLayer:
    """Compaction + view recompute on the local engine; the view is saved next to the data."""

    engine_label = "DuckDB SQL"

    def __init__(self, store: ObjectStore, sql_files: LocalCopy | None = None) -> None:
        self.store = store
        self.sql_files = sql_files
        """Where the engine reads when `store` is a bucket: a local copy synced before each query."""
        if sql_files is not None:
            self.engine_label = "DuckDB SQL on an S3 copy"
        self._engine: DuckDbEngine | None = None

    def run(self, cutoff_ms: int) -> BatchRun:
        t0 = time.perf_counter()
        result = compact(self.store)
        t1 = time.perf_counter()
        if self.sql_files is not None:
            self.sql_files.sync(EVENTS.prefix)
        if self._engine is None:  # created once files exist; the view's glob is re-expanded on every query
            self._engine = DuckDbEngine(self.sql_files or self.store, [EVENTS])
        view = compute_view(self._engine, cutoff_ms)
        t2 = time.perf_counter()
        view.save(self.store)
        return BatchRun(view, result, (t1 - t0) * 1000, (t2 - t1) * 1000)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()
