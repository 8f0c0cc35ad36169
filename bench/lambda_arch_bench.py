"""Benchmark for projects.lambda_arch: ingest rate through both paths and batch query time at 1M / 10M events.

Run from the repo root:  .venv/bin/python bench/lambda_arch_bench.py [--sizes 1000000 10000000]

Per size it generates the workload (3% duplicates, 2% late, 48 h of event time),
streams every delivery through the speed layer (SQLite) and the archive (JSONL)
in Lambda-sized batches, compacts everything once, then times the batch-view SQL
over the compacted Parquet and, for comparison, over the raw JSONL (median of 3).
No merge checks here: the proof run does those. Prints one JSON line per size.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from projects.lambda_arch.archive import Archive  # noqa: E402
from projects.lambda_arch.catalog import EVENTS, RAW_EVENTS  # noqa: E402
from projects.lambda_arch.compaction import compact  # noqa: E402
from projects.lambda_arch.engines import DuckDbEngine  # noqa: E402
from projects.lambda_arch.events import Workload, generate  # noqa: E402
from projects.lambda_arch.objectstore import LocalObjectStore  # noqa: E402
from projects.lambda_arch.queries import minute_view  # noqa: E402
from projects.lambda_arch.speed import SpeedLayer  # noqa: E402
from projects.lambda_arch.speed_sqlite import SqliteSpeedStore  # noqa: E402
from projects.lambda_arch.stream import Stream  # noqa: E402


def _median_ms(engine: DuckDbEngine, sql: str, params: list[int], runs: int = 3) -> tuple[float, int]:
    times, rows = [], 0
    for _ in range(runs):
        t = time.perf_counter()
        rows = len(engine.query(sql, params))
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), rows


def bench(n: int, root: Path) -> dict[str, object]:
    w = Workload(n, 0.03, 0.02, seed=11)
    t = time.perf_counter()
    d = generate(w)
    gen_s = time.perf_counter() - t
    objects = LocalObjectStore(root / "lake")
    store = SqliteSpeedStore(root / "speed.sqlite")
    stream = Stream()
    speed = SpeedLayer(stream.consumer("speed"), store)
    archive = Archive(stream.consumer("archive"), objects)
    speed_s = archive_s = 0.0
    for a in range(0, len(d), 1000):
        stream.put_records(d.slice(a, a + 1000))
        t = time.perf_counter()
        speed.poll()
        t2 = time.perf_counter()
        archive.poll()
        t3 = time.perf_counter()
        speed_s, archive_s = speed_s + t2 - t, archive_s + t3 - t2
    t = time.perf_counter()
    archive.flush()
    archive_s += time.perf_counter() - t
    t = time.perf_counter()
    result = compact(objects)
    compact_s = time.perf_counter() - t
    engine = DuckDbEngine(objects)
    parquet_ms, view_rows = _median_ms(engine, minute_view(EVENTS.name), [w.end_ms])
    raw_ms, _ = _median_ms(engine, minute_view(RAW_EVENTS.name), [w.end_ms], runs=1)
    engine.close()
    p50, p99 = speed.freshness_ms((50, 99))
    size = lambda prefix: sum((root / "lake" / k).stat().st_size for k in objects.list(prefix))  # noqa: E731
    return {
        "events": n, "deliveries": len(d), "generate_s": round(gen_s, 2),
        "ingest_events_per_s": int(len(d) / (speed_s + archive_s)),
        "speed_events_per_s": int(len(d) / speed_s), "archive_events_per_s": int(len(d) / archive_s),
        "freshness_p50_ms": round(p50, 3), "freshness_p99_ms": round(p99, 3),
        "compaction_s": round(compact_s, 2), "parquet_partitions": result.partitions_written,
        "batch_query_ms_parquet": round(parquet_ms, 1), "batch_query_ms_raw_jsonl": round(raw_ms, 1),
        "view_rows": view_rows, "raw_mb": round(size("raw/") / 1e6, 1), "parquet_mb": round(size("events/") / 1e6, 1),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    args = p.parse_args()
    for n in args.sizes:
        with tempfile.TemporaryDirectory(prefix="lambda_arch_bench-") as tmp:
            print(json.dumps(bench(n, Path(tmp))), flush=True)


if __name__ == "__main__":
    main()
