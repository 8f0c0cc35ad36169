"""What a run is made of: the stream, both layers, their stores and the catalog, built in one place.

`pipeline.run` drives a `Wiring` and `graph.to_dot` draws one, so the picture on the
card is the set of objects the proof run actually connects, not a description of it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .archive import Archive
from .batch import BatchLayer
from .catalog import TABLES, TableDef
from .objectstore import ObjectStore, LocalObjectStore
from .speed import SpeedLayer, SpeedStore
from .speed_sqlite import SqliteSpeedStore
from .stream import Source, Stream

SPEED_DB = "speed.sqlite"
SPEED_READER = "speed-lambda"
ARCHIVE_READER = "firehose"


@dataclass
class Wiring:
    """Every component of one run. Each has a short `label` saying what it is (for --graph)."""

    stream: Source
    speed: SpeedLayer
    archive: Archive
    store: SpeedStore
    objects: ObjectStore
    batch: BatchLayer
    catalog: str
    """Where the table definitions live: DuckDB views locally, a Glue database on AWS."""
    tables: tuple[TableDef, ...] = TABLES
    closers: list[Callable[[], None]] = field(default_factory=list)

    def sql_files(self) -> ObjectStore:
        """The lake as files DuckDB can read: the lake itself, or its local copy brought up to date."""
        if self.batch.sql_files is None:
            return self.objects
        self.batch.sql_files.sync(*(t.prefix for t in self.tables))
        return self.batch.sql_files

    def close(self) -> None:
        """Release what the wiring opened (database files, engines), newest first."""
        self.batch.close()
        for close in reversed(self.closers):
            close()


def embedded(data_dir: Path, store: SpeedStore | None = None, lambda_batch: int = 100) -> Wiring:
    """The default run: an in-process shard, SQLite (unless a store is given), DuckDB over local files."""
    objects = LocalObjectStore(data_dir)
    closers: list[Callable[[], None]] = []
    if store is None:
        owned = SqliteSpeedStore(data_dir / SPEED_DB)
        closers.append(owned.close)
        store = owned
    stream = Stream()
    speed = SpeedLayer(stream.consumer(SPEED_READER), store, lambda_batch)
    archive = Archive(stream.consumer(ARCHIVE_READER), objects)
    return Wiring(stream, speed, archive, store, objects, BatchLayer(objects), "DuckDB views", closers=closers)
