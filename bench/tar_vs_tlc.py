"""Benchmark: the TAR model checkers against TLC with one worker, on the same model.

Run from the repo root:  .venv/bin/python bench/tar_vs_tlc.py [--sizes 3x2,2x3,7x1,4x2]

For each size (nodes x buyers) it explores the partial-revocation space to
exhaustion three ways and prints one table row:
  vbfs       the vectorised numpy engine (what `python -m projects.tar` uses)
  reference  the one-state-at-a-time engine on the readable model (skipped above --reference-limit states)
  TLC        tlc2.TLC -workers 1 on projects/tar/spec/TAR.tla, no invariant (pure exploration;
             skipped above --tlc-limit states; at the ~10k states/s measured here, 4x2 would take it many minutes)
Times are wall clock: in-process for the Python engines (interpreter start excluded),
the whole `java` process for TLC (JVM start and spec parsing included, about a second).
Every row also asserts that all checkers found the same number of distinct states.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from projects.tar import bfs, tar_bits, tar_model, tlc, vbfs  # noqa: E402

DEFAULT_SIZES = "3x2,2x3,7x1,4x2"


def size(text: str) -> tuple[int, int]:
    nodes, buyers = text.split("x")
    return int(nodes), int(buyers)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default=DEFAULT_SIZES, help=f"comma-separated NODESxBUYERS (default {DEFAULT_SIZES})")
    p.add_argument("--reference-limit", type=int, default=700_000,
                   help="run the reference engine only up to this many states (default 700000)")
    p.add_argument("--tlc-limit", type=int, default=3_000_000,
                   help="run TLC only up to this many states (default 3000000)")
    p.add_argument("--no-tlc", action="store_true", help="Python engines only")
    args = p.parse_args()
    why = None if args.no_tlc else tlc.unavailable()
    if why:
        print(f"TLC unavailable ({why}); Python engines only", file=sys.stderr)

    print(f"{'size':>5} {'states':>12} | {'vbfs s':>7} {'states/s':>10} | {'ref s':>7} {'states/s':>9} |"
          f" {'TLC s':>7} {'states/s':>9} | {'vbfs vs TLC':>11}")
    for nodes, buyers in map(size, args.sizes.split(",")):
        fast = vbfs.explore(tar_bits.compile_model(nodes, buyers, "partial"))
        assert fast.states == tar_model.expected_states(nodes, buyers, "partial")
        ref_cols = f"{'-':>7} {'-':>9}"
        if fast.states <= args.reference_limit:
            ref = bfs.explore(tar_model.model(nodes, buyers, "partial"))
            assert ref == fast, "reference engine disagrees"
            ref_cols = f"{ref.seconds:>7.2f} {ref.states_per_second:>9,.0f}"
        tlc_cols, ratio = f"{'-':>7} {'-':>9}", "-"
        if why is None and not args.no_tlc and fast.states <= args.tlc_limit:
            t = tlc.run(nodes, buyers, "partial", safety=False, workers=1)
            assert t.distinct == fast.states, f"TLC found {t.distinct} states, vbfs {fast.states}"
            tlc_cols = f"{t.seconds:>7.2f} {t.distinct / t.seconds:>9,.0f}"
            ratio = f"{t.seconds / fast.seconds:.0f}x faster"
        print(f"{nodes}x{buyers:<3} {fast.states:>12,} | {fast.seconds:>7.2f} {fast.states_per_second:>10,.0f} |"
              f" {ref_cols} | {tlc_cols} | {ratio:>11}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
