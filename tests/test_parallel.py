"""parallel.py: the ranges handed to workers, and results in the order of the items."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.parallel import RANGES_PER_WORKER, SMALLEST_RANGE, ranges

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("total,workers", [(0, 2), (1, 2), (7, 2), (100, 2), (10_000, 2), (11_669, 2),
                                           (30_000, 4), (5, 1)])
def test_ranges_cover_every_item_once_in_order(total, workers):
    found = ranges(total, workers)
    assert [i for start, stop in found for i in range(start, stop)] == list(range(total))
    assert all(stop > start for start, stop in found)


def test_ranges_are_capped_and_shrink_towards_the_end():
    found = ranges(10_000, 2)
    sizes = [stop - start for start, stop in found]
    longest = -(-10_000 // (2 * RANGES_PER_WORKER))
    assert max(sizes) == longest and sizes[0] == longest   # a worker holds one range's results at a time
    assert sizes == sorted(sizes, reverse=True)            # never longer than the one before it
    assert sizes[-1] <= SMALLEST_RANGE                      # the last ones are small
    for i, size in enumerate(sizes[:-1]):                  # each is at most a quarter of what is left
        left = 10_000 - sum(sizes[:i])
        assert size <= max(SMALLEST_RANGE, -(-left // 4))


FORKED_RUN = """
import os
from generator.parallel import map_ordered

def square_and_pid(n):
    return n * n, os.getpid()

results = map_ordered(square_and_pid, range(1000))
assert [value for value, _ in results] == [n * n for n in range(1000)], "order"
assert os.getpid() not in {pid for _, pid in results}, "ran in the parent"
print("ok", len({pid for _, pid in results}))
"""


def test_map_ordered_keeps_the_order_across_worker_processes(tmp_path):
    # A fresh interpreter: in this one, threads left by other tests make map_ordered run in-process.
    done = subprocess.run([sys.executable, "-c", FORKED_RUN], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "SHIPLOG_JOBS": "2", "TMPDIR": str(tmp_path)}, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok ")
    assert list(tmp_path.iterdir()) == []               # each range's results file is read and removed


def test_a_worker_exception_reaches_the_caller_and_leaves_no_files(tmp_path):
    done = subprocess.run([sys.executable, "-c", FAILING_RUN], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "SHIPLOG_JOBS": "2", "TMPDIR": str(tmp_path)}, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "raised: item 700"
    assert list(tmp_path.iterdir()) == []               # the results folder is gone


FAILING_RUN = """
from generator.parallel import map_ordered

def fail_at_700(n):
    if n == 700:
        raise ValueError(f"item {n}")
    return n

try:
    map_ordered(fail_at_700, range(1000))
except ValueError as exc:
    print("raised:", exc)
"""
