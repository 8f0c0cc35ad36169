"""Throughput of the CloudFlow saga simulator at 0%, 10% and 30% duplicate delivery.

Run from the repo root:  .venv/bin/python bench/saga_throughput.py [--orders 2000] [--repeats 3] [--json]

Reports wall-clock orders/min of the *simulation* on this machine (median of the repeats), the
same per CPU second of this process (steadier when other jobs share the cores), and the
deliveries it had to absorb. It is not an AWS figure: the broker, clock and gateway are
simulated, and the services run one after another in a single Python process.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from projects.saga.cli import execute, parser, scenario_from  # noqa: E402


def measure(orders: int, duplicate_rate: float, repeats: int, seed: int) -> dict[str, float]:
    """Median wall-clock throughput over `repeats` runs of the same seeded scenario."""
    argv = ["--orders", str(orders), "--duplicate-rate", str(duplicate_rate), "--seed", str(seed)]
    runs, cpu = [], []
    for _ in range(repeats):
        started = time.process_time()
        runs.append(execute(scenario_from(parser().parse_args(argv)), reference=False)[1])
        cpu.append(time.process_time() - started)
    assert all(f["ok"] for f in runs), "an invariant failed during the benchmark"
    wall = statistics.median(f["wall_seconds"] for f in runs)
    f = runs[0]
    return {"duplicate_rate": duplicate_rate, "orders": orders, "wall_seconds": wall,
            "orders_per_min": round(orders / wall * 60),
            "orders_per_cpu_min": round(orders / statistics.median(cpu) * 60),
            "duplicates_delivered": f["duplicates_delivered"],
            "duplicates_skipped": f["duplicates_skipped"], "p99_ms_simulated": f["p99_ms"]}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--orders", type=int, default=2000)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    rows = [measure(args.orders, rate, args.repeats, args.seed) for rate in (0.0, 0.1, 0.3)]
    if args.json:
        print(json.dumps(rows))
        return
    print(f"{'duplicates':>10} {'orders/min (wall)':>18} {'per CPU min':>12} {'wall s':>7} {'dup deliveries':>15} "
          f"{'skipped':>8} {'p99 ms (sim)':>13}")
    for r in rows:
        print(f"{r['duplicate_rate']:>10.0%} {r['orders_per_min']:>18,} {r['orders_per_cpu_min']:>12,} "
              f"{r['wall_seconds']:>7.2f} "
              f"{r['duplicates_delivered']:>15,} {r['duplicates_skipped']:>8,} {r['p99_ms_simulated']:>13,.1f}")


if __name__ == "__main__":
    main()
