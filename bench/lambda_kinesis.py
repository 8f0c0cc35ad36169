"""Benchmark for projects.lambda_arch: the stream path embedded vs on Kinesis (moto's server over HTTP).

Run from the repo root:  .venv/bin/python bench/lambda_kinesis.py [--events 3000] [--hours 12]

Runs the proof pipeline three times on the same seeded workload: embedded (in-process
shard, SQLite, local files), on AWS interfaces against a moto server started in this
process (Kinesis, DynamoDB, S3, Glue through boto3), and the same with every stream
fault injected. Reports deliveries/s through the stream path (put, both consumers,
archive flushes; merge checks and batch runs excluded) and speed-view freshness
(ApproximateArrivalTimestamp -> the DynamoDB write that makes it readable).

moto is not AWS: every call is a local HTTP request to a Python server sharing the
machine's cores, with no network latency, no service-side parallelism and no limits.
The figures compare code paths on this machine; they say nothing about AWS's rates.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from projects.lambda_arch import aws  # noqa: E402
from projects.lambda_arch.events import Workload  # noqa: E402
from projects.lambda_arch.pipeline import RunConfig, run  # noqa: E402


def _one(label: str, cfg: RunConfig, how: str) -> dict[str, object]:
    t = time.perf_counter()
    if how == "embedded":
        r = run(cfg)
    else:
        r = aws.run(cfg, None, faults=how == "faults")
    wall = time.perf_counter() - t
    return {"path": label, "deliveries": r["deliveries"], "deliveries_per_s": r["events_per_s"],
            "freshness_p50_ms": r["freshness_p50_ms"], "freshness_p99_ms": r["freshness_p99_ms"],
            "wall_s": round(wall, 1), "merge_mismatches": r["merge_mismatches"],
            "serving_answers_sha256": r["serving_answers_sha256"][:12], "faults": r["stream"]["faults"]}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--events", type=int, default=3000)
    p.add_argument("--hours", type=int, default=12)
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args()
    w = Workload(args.events, 0.03, 0.02, args.seed, args.hours)
    rows = []
    for label, how in (("embedded", "embedded"), ("Kinesis on moto", "aws"), ("Kinesis on moto, all faults", "faults")):
        with tempfile.TemporaryDirectory(prefix="lambda_kinesis-") as tmp:
            rows.append(_one(label, RunConfig(w, Path(tmp), 2, 4), how))
            print(json.dumps(rows[-1]), file=sys.stderr)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    print(f"{date.today()} at {commit}, {args.events:,} events over {args.hours} h (seed {args.seed}):\n")
    print("| path | deliveries/s (stream path) | freshness p50 / p99 | whole run | mismatches | answers |")
    print("|---|---:|---:|---:|---:|---|")
    for r in rows:
        print(f"| {r['path']} | {r['deliveries_per_s']:,} | {r['freshness_p50_ms']:.1f} / {r['freshness_p99_ms']:.1f} ms "
              f"| {r['wall_s']} s | {r['merge_mismatches']} | `{r['serving_answers_sha256']}` |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
