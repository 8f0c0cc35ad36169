"""One proof run: stream a seeded workload through both paths, run the batch on a schedule, check the merge.

Simulated time drives the semantics (event time, ingest time, TTL, batch
cutoffs); wall-clock time is only measured (freshness, throughput, query time).
"""
from __future__ import annotations

import json
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from .archive import Archive
from .batch import BatchView
from .catalog import EVENTS, RAW_EVENTS
from .engines import DuckDbEngine
from .events import EVENT_TYPES, Deliveries, Workload, generate
from .objectstore import ObjectStore
from .oracle import Oracle
from .queries import IDS_PRESENT, minute_view
from .speed import SpeedLayer, SpeedStore
from .stream import Source
from .stream_faults import ConsumerKilled
from .timebase import DAY_MS, HOUR_MS, MINUTE_MS, item_ttl_s
from .verify import MergeLog, random_window
from .wiring import SPEED_DB, Wiring, embedded

log = logging.getLogger(__name__)
MANIFEST = "manifest.json"
STALE_LAGS_H = (2, 12, 22, 26, 30, 36)


@dataclass(frozen=True)
class RunConfig:
    workload: Workload
    data_dir: Path
    batch_every_h: int = 2
    checks_per_point: int = 12
    lambda_batch: int = 100


@dataclass
class Timings:
    stream_s: float = 0.0
    compaction_ms: list[float] = field(default_factory=list)
    query_ms: list[float] = field(default_factory=list)


def run(cfg: RunConfig, store: SpeedStore | None = None, wiring: Wiring | None = None) -> dict[str, object]:
    """Run the workload end to end and return the report (see cli for the keys).

    `wiring` defaults to the embedded engines (with `store` as the speed store if given).
    """
    w, every = cfg.workload, cfg.batch_every_h * HOUR_MS
    if every % HOUR_MS or every <= 0:
        raise ValueError("batch interval must be whole hours")
    rng = np.random.default_rng(w.seed + 1)
    t0 = time.perf_counter()
    d = generate(w)
    log.info("generated %d deliveries of %d events in %.2fs", len(d), w.events, time.perf_counter() - t0)

    wired = wiring if wiring is not None else embedded(cfg.data_dir, store, cfg.lambda_batch)
    stream, speed, archive, batch = wired.stream, wired.speed, wired.archive, wired.batch
    store = wired.store
    oracle = Oracle(d)
    merges, timings = MergeLog(), Timings()
    views = {w.start_ms: BatchView.empty(w.start_ms)}
    view = views[w.start_ms]
    first_ms, last_ms = w.start_ms, w.end_ms
    everything = (w.start_ms, w.start_ms + w.hours * HOUR_MS)   # every event time lies in here
    drift: list[int] = []
    swept = rewritten = 0

    def checks(prefix: int, now_ms: int) -> None:
        for _ in range(cfg.checks_per_point):
            older = [c for c in views if c <= view.cutoff_ms]
            v = views[older[int(rng.integers(len(older)))]] if rng.random() < 0.3 else view
            start, end, etype = random_window(rng, first_ms, last_ms)
            merges.check(oracle, v, store, prefix, now_ms, start, end, etype)

    freshness: list[dict[str, float]] = []
    restarts: Counter[str] = Counter()
    pos = 0
    cutoffs = list(range(w.start_ms + every, w.end_ms + every, every))
    for cutoff in cutoffs:
        stop = int(np.searchsorted(d.ingest_ms, cutoff))
        mark = speed.batches
        mid = int(rng.integers(pos, stop)) if stop > pos else -1
        for a in range(pos, stop, 10 * cfg.lambda_batch):
            b = min(a + 10 * cfg.lambda_batch, stop)
            t = time.perf_counter()
            stream.put_records(d.slice(a, b))
            _poll(speed, stream, restarts)
            _poll(archive, stream, restarts)
            timings.stream_s += time.perf_counter() - t
            if a <= mid < b:
                checks(b, int(d.ingest_ms[b - 1]))
        pos = stop
        if speed.batches > mark:
            p50_i, p99_i = speed.freshness_ms((50, 99), since=mark)
            freshness.append({"until_h": (cutoff - w.start_ms) // HOUR_MS, "p50_ms": round(p50_i, 2),
                              "p99_ms": round(p99_i, 2)})
        t = time.perf_counter()
        _flush(archive, stream, restarts)
        timings.stream_s += time.perf_counter() - t
        # Just before the run: the speed side holds the last interval, duplicates included.
        _, before = merges.check(oracle, view, store, pos, cutoff, *everything)
        checks(pos, cutoff)
        result = batch.run(cutoff)
        timings.compaction_ms.append(result.compaction_ms)
        timings.query_ms.append(result.query_ms)
        rewritten += result.compaction.partitions_rewritten
        views[cutoff] = view = result.view
        swept += store.sweep(cutoff // 1000)
        # Just after: the new view covers every delivery so far, so the answer must be the recompute, exactly.
        got, after = merges.check(oracle, view, store, pos, cutoff, *everything)
        if (got.events, got.amount_cents) != (after.truth.events, after.truth.amount_cents):
            merges.examples.append(f"batch run at {cutoff} did not heal: {got.events} vs {after.truth}")
            merges.mismatches += 1
        drift.append(before.duplicates.events)
        log.info("batch @%s: %d raw files, %d partitions (%d rewritten), view %.0f ms; healed %d duplicate(s)",
                 cutoff, result.compaction.raw_files, result.compaction.partitions_written,
                 result.compaction.partitions_rewritten, result.query_ms, before.duplicates.events)

    now = cutoffs[-1]
    stale = []
    for lag_h in STALE_LAGS_H:
        if lag_h * HOUR_MS % every == 0 and now - lag_h * HOUR_MS in views:
            _, ref = merges.check(oracle, views[now - lag_h * HOUR_MS], store, len(d), now, *everything)
            stale.append({"lag_h": lag_h, "missing_events": ref.lost.events,
                          "duplicates_counted": ref.duplicates.events})
    files = wired.sql_files()
    late, late_found, late_beyond_ttl = _late_events(d, w.start_ms, every, files)
    cross = _cross_check(files, oracle, d, now)
    p50, p99 = speed.freshness_ms((50, 99))
    expired_present = store.count_expired(now // 1000)
    wired.close()
    _write_manifest(cfg.data_dir, w, now, cutoffs, every)
    return {
        "events": int(len(np.unique(d.event_id))),
        "deliveries": len(d),
        "duplicate_deliveries": int(d.duplicate.sum()),
        "late_events": late,
        "late_events_recovered": late_found,
        "late_events_lost": late - late_found,
        "late_beyond_ttl": late_beyond_ttl,
        "merge_checks": merges.checks,
        "merge_mismatches": merges.mismatches,
        "merge_exact": merges.exact,
        "mismatch_examples": merges.examples,
        "duplicate_drift_healed": int(sum(drift)),
        "duplicate_drift_max": int(max(drift)),
        "batch_runs": len(cutoffs),
        "partitions_rewritten": rewritten,
        "ttl_items_swept": swept,
        "ttl_expired_present": expired_present,
        "stale_batch": stale,
        "recompute_cross_check": cross,
        "freshness_p50_ms": round(p50, 3),
        "freshness_p99_ms": round(p99, 3),
        "freshness_by_interval": freshness,
        "batch_query_ms": round(timings.query_ms[-1], 1),
        "compaction_ms_total": round(sum(timings.compaction_ms), 1),
        "events_per_s": int(len(d) / timings.stream_s),
        "serving_answers_sha256": merges.answers.hexdigest(),
        "stream": _stream_report(wired, restarts),
    }


def _poll(layer: SpeedLayer | Archive, stream: Source, restarts: Counter[str]) -> None:
    """Read the stream until caught up; a consumer that dies is replaced by a worker resuming from its checkpoints."""
    while True:
        try:
            layer.poll()
            return
        except ConsumerKilled:
            restarts[layer.consumer.name] += 1
            layer.restart(stream.consumer(layer.consumer.name))


def _flush(archive: Archive, stream: Source, restarts: Counter[str]) -> None:
    """Write everything read so far; if the archive dies before its checkpoint, re-read and write again."""
    while True:
        try:
            archive.flush()
            return
        except ConsumerKilled:
            restarts[archive.consumer.name] += 1
            archive.restart(stream.consumer(archive.consumer.name))
            _poll(archive, stream, restarts)


def _stream_report(wired: Wiring, restarts: Counter[str]) -> dict[str, object]:
    """What the stream went through: faults injected, how they were absorbed."""
    faults = getattr(wired.stream, "faults", None)
    counts = dict(sorted(faults.counts.items())) if faults is not None else {}
    return {"kind": wired.stream.label, "faults": counts, "consumer_restarts": dict(sorted(restarts.items())),
            "replayed_deltas_skipped": wired.speed.replayed_deltas_skipped,
            "backoff_s": round(faults.backoff_s, 3) if faults is not None else 0.0}


def _late_events(d: Deliveries, start_ms: int, every: int, objects: ObjectStore) -> tuple[int, int, int]:
    """Events first delivered after a batch cutoff had passed their event time, and how many the batch holds."""
    first = ~d.duplicate
    boundary = start_ms + (d.ingest_ms - start_ms) // every * every
    late = first & (boundary > d.event_ms)
    minute = d.event_ms - d.event_ms % MINUTE_MS
    beyond = late & (item_ttl_s(minute) <= d.ingest_ms // 1000)  # expired before it arrived
    ids = pa.table({"event_id": d.event_id[late]})
    engine = DuckDbEngine(objects)
    try:
        engine.con.register("late_ids", ids)
        found = engine.query(IDS_PRESENT.format(table=EVENTS.name, ids="late_ids"))[0][0]
    finally:
        engine.close()
    return int(late.sum()), int(found), int(beyond.sum())


def _cross_check(objects: ObjectStore, oracle: Oracle, d: Deliveries, cutoff_ms: int) -> bool:
    """The view SQL over raw JSONL, over compacted Parquet, and a numpy group-by of the log must agree."""
    engine = DuckDbEngine(objects)
    try:
        raw = sorted(engine.query(minute_view(RAW_EVENTS.name), [cutoff_ms]))
        compacted = sorted(engine.query(minute_view(EVENTS.name), [cutoff_ms]))
    finally:
        engine.close()
    sel = oracle.first & (oracle.ingest < cutoff_ms)
    keys = np.stack([oracle.minute[sel], oracle.event_type[sel].astype(np.int64)], axis=1)
    uniq, inv = np.unique(keys, axis=0, return_inverse=True)
    inv = inv.reshape(-1)
    sums = np.zeros(len(uniq), dtype=np.int64)
    np.add.at(sums, inv, oracle.amount[sel])
    log_rows = sorted((m, EVENT_TYPES[t], n, s) for (m, t), n, s in
                      zip(uniq.tolist(), np.bincount(inv, minlength=len(uniq)).tolist(), sums.tolist()))
    return raw == compacted == log_rows and len(log_rows) > 0


def _write_manifest(data_dir: Path, w: Workload, now_ms: int, cutoffs: list[int], every: int) -> None:
    """What `serve` needs: the simulated clock, where events end, and which view to merge with the speed store."""
    events_end = w.start_ms + w.hours * HOUR_MS
    # Serve the view from one interval before the last events, so the dashboard shows both layers' shares.
    served = max([c for c in cutoffs if c <= events_end - every] or cutoffs[:1])
    manifest = {"start_ms": w.start_ms, "events_end_ms": events_end, "now_ms": now_ms, "cutoff_ms": served,
                "speed_store": SPEED_DB, "workload": w.__dict__}
    (data_dir / MANIFEST).write_text(json.dumps(manifest, indent=2))
