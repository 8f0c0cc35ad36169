"""Shared helpers: hand-built deliveries and a tiny two-layer pipeline that tests drive step by step."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from projects.lambda_arch.archive import Archive
from projects.lambda_arch.batch import BatchView, compute_view
from projects.lambda_arch.catalog import EVENTS
from projects.lambda_arch.compaction import compact
from projects.lambda_arch.engines import DuckDbEngine
from projects.lambda_arch.events import EVENT_TYPES, Deliveries
from projects.lambda_arch.objectstore import LocalObjectStore
from projects.lambda_arch.speed import SpeedLayer
from projects.lambda_arch.speed_sqlite import SqliteSpeedStore
from projects.lambda_arch.stream import Stream

def deliveries(rows: list[tuple[int, str, int, int, int]]) -> Deliveries:
    """(event_id, type, amount_cents, event_ms, ingest_ms) rows -> Deliveries in ingest order."""
    rows = sorted(rows, key=lambda r: (r[4], r[0]))
    seen: set[int] = set()
    dup = []
    for r in rows:
        dup.append(r[0] in seen)
        seen.add(r[0])
    return Deliveries(
        np.array([r[0] for r in rows], dtype=np.int64), np.array([r[0] % 7 for r in rows], dtype=np.int32),
        np.array([EVENT_TYPES.index(r[1]) for r in rows], dtype=np.int8),
        np.array([r[2] for r in rows], dtype=np.int64), np.array([r[3] for r in rows], dtype=np.int64),
        np.array([r[4] for r in rows], dtype=np.int64), np.array(dup, dtype=bool))


class MiniPipeline:
    """Both layers over one stream, with the batch run at whatever cutoff a test picks."""

    def __init__(self, root: Path) -> None:
        self.objects = LocalObjectStore(root / "lake")
        self.store = SqliteSpeedStore(root / "speed.sqlite")
        self.stream = Stream()
        self.speed = SpeedLayer(self.stream.consumer("speed"), self.store)
        self.archive = Archive(self.stream.consumer("archive"), self.objects)

    def ingest(self, d: Deliveries) -> None:
        self.stream.put_records(d)
        self.speed.poll()
        self.archive.poll()

    def batch(self, cutoff_ms: int) -> BatchView:
        """Flush, compact and compute the view (the caller has ingested exactly what arrived before cutoff)."""
        self.archive.flush()
        compact(self.objects)
        engine = DuckDbEngine(self.objects, [EVENTS])
        try:
            return compute_view(engine, cutoff_ms)
        finally:
            engine.close()


@pytest.fixture
def mini(tmp_path: Path) -> MiniPipeline:
    """A fresh two-layer pipeline in tmp_path."""
    return MiniPipeline(tmp_path)


@pytest.fixture(scope="session")
def make_pipeline() -> type[MiniPipeline]:
    """The MiniPipeline class, for tests that need several (hypothesis examples)."""
    return MiniPipeline


@pytest.fixture(scope="session")
def make_deliveries():
    """The `deliveries` helper (conftest cannot be imported under --import-mode=importlib)."""
    return deliveries
