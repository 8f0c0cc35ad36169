"""Batch layer: Hive layout, compaction of late data, dedup by event id, and the catalog's three renderings."""
from __future__ import annotations

import re

from projects.lambda_arch.catalog import EVENTS, RAW_EVENTS, athena_ddl, duckdb_view, glue_table_input
from projects.lambda_arch.compaction import compact
from projects.lambda_arch.engines import DuckDbEngine
from projects.lambda_arch.events import DEFAULT_START_MS as T0
from projects.lambda_arch.queries import minute_view
from projects.lambda_arch.timebase import HOUR_MS, MINUTE_MS


def test_hive_layout_and_late_event_rewrites_its_old_partition(mini, make_deliveries) -> None:
    mini.ingest(make_deliveries([(1, "purchase", 100, T0 + 5 * MINUTE_MS, T0 + 5 * MINUTE_MS + 400),
                                 (2, "search", 0, T0 + HOUR_MS + 1, T0 + HOUR_MS + 900)]))
    mini.archive.flush()
    first = compact(mini.objects)
    assert (first.raw_files, first.partitions_written, first.partitions_rewritten) == (2, 2, 0)
    keys = mini.objects.list("")
    assert "raw/dt=2025-03-03/hour=00/part-000001.jsonl" in keys
    assert "events/dt=2025-03-03/hour=01/part-0.parquet" in keys
    assert all(re.fullmatch(r"(raw|events)/dt=\d{4}-\d\d-\d\d/hour=\d\d/part-\d+\.(jsonl|parquet)", k)
               for k in keys if not k.startswith("_state"))
    # An event from hour 00 arriving at hour 05 lands in raw hour 05 but reopens events hour 00.
    mini.ingest(make_deliveries([(3, "purchase", 250, T0 + 7 * MINUTE_MS, T0 + 5 * HOUR_MS)]))
    mini.archive.flush()
    late = compact(mini.objects)
    assert (late.raw_files, late.partitions_written, late.partitions_rewritten) == (1, 1, 1)
    assert "raw/dt=2025-03-03/hour=05/part-000003.jsonl" in mini.objects.list("raw/")
    assert compact(mini.objects).raw_files == 0   # idempotent: nothing left to do


def test_view_counts_each_event_once_however_often_delivered(mini, make_deliveries) -> None:
    e = T0 + 3 * MINUTE_MS
    mini.ingest(make_deliveries([(9, "purchase", 1999, e, e + 100), (9, "purchase", 1999, e, e + 2_000),
                                 (9, "purchase", 1999, e, e + 40 * MINUTE_MS), (10, "refund", -500, e, e + 50)]))
    view = mini.batch(T0 + HOUR_MS)
    assert view.rows_in(T0, T0 + HOUR_MS) == [(e - e % MINUTE_MS, "purchase", 1, 1999),
                                              (e - e % MINUTE_MS, "refund", 1, -500)]
    # The speed side counted all three copies: the drift the batch exists to remove.
    assert sum(r.events for r in mini.store.read(T0, T0 + HOUR_MS, T0, e // 1000)) == 4


def test_same_sql_on_raw_jsonl_and_compacted_parquet(mini, make_deliveries) -> None:
    rows = [(i, ("purchase", "page_view", "search")[i % 3], (i % 3 == 0) * (100 + i), T0 + i * 7_919,
             T0 + i * 7_919 + (i % 5) * 30 * MINUTE_MS) for i in range(1, 400)]
    rows += [r[:4] + (r[4] + 1500,) for r in rows[::9]]          # duplicates
    mini.ingest(make_deliveries(rows))
    mini.archive.flush()
    compact(mini.objects)
    engine = DuckDbEngine(mini.objects)
    cutoff = T0 + 2 * HOUR_MS
    raw = engine.query(minute_view(RAW_EVENTS.name), [cutoff])
    assert raw == engine.query(minute_view(EVENTS.name), [cutoff])
    assert sum(r[2] for r in raw) == sum(1 for r in rows[:399] if r[4] < cutoff)
    # Partition columns come through as strings, like the Glue definition says.
    assert engine.query("SELECT DISTINCT typeof(dt), typeof(hour) FROM events") == [("VARCHAR", "VARCHAR")]


def test_catalog_renderings_agree(tmp_path) -> None:
    from projects.lambda_arch.objectstore import LocalObjectStore

    spec = glue_table_input(EVENTS, "s3://lake/events/")
    assert [c["Name"] for c in spec["StorageDescriptor"]["Columns"]] == [n for n, _ in EVENTS.columns]
    assert [p["Name"] for p in spec["PartitionKeys"]] == ["dt", "hour"]
    assert spec["Parameters"]["storage.location.template"] == "s3://lake/events/dt=${dt}/hour=${hour}/"
    ddl = athena_ddl(EVENTS, "s3://lake/events/")
    assert "PARTITIONED BY (`dt` string, `hour` string)" in ddl and "STORED AS PARQUET" in ddl
    # With no files yet the DuckDB view still binds, with the catalog's columns.
    engine = DuckDbEngine(LocalObjectStore(tmp_path))
    cols = [r[0] for r in engine.query("DESCRIBE events")]
    assert cols == [n for n, _ in EVENTS.columns] + ["dt", "hour"]
    assert "read_parquet" not in duckdb_view(EVENTS, LocalObjectStore(tmp_path))
