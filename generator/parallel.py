"""Spread independent work over the machine's cores with forked worker processes.

Workers are forked after the parent has built everything they need (the records, the Site, the
Jinja environment), so nothing is pickled on the way in: a worker is handed a range of
positions in a list it already has, and only the results travel back. The work is cut into
16 contiguous ranges per worker so that one slow range does not leave a core idle, and the
parent only waits and joins the results.

Forking a process that runs other threads (`shiplog serve` after its first build) can copy a
lock held by one of them, so then the work runs here, in order, as it does for small batches;
SHIPLOG_JOBS=1 asks for that too.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS = 48
"""Below this, forking costs more than it saves."""
RANGES_PER_WORKER = 16
"""Small ranges: at the end, one worker finishing the last range leaves the other core idle."""

_job: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def jobs() -> int:
    """Worker processes to use: SHIPLOG_JOBS, else the CPUs this process may run on."""
    wanted = os.environ.get("SHIPLOG_JOBS", "")
    if wanted.isdigit() and int(wanted) > 0:
        return int(wanted)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _can_fork() -> bool:
    return threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()


def _worker_init() -> None:
    # Workers inherit the parent's handlers: `serve` turns SIGTERM into KeyboardInterrupt, and
    # Pool.terminate() sends SIGTERM, which printed a traceback from every worker. Workers just stop.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_range(bounds: tuple[int, int]) -> list[Any]:
    assert _job is not None
    fn, items = _job
    return [fn(items[i]) for i in range(*bounds)]


def ranges(total: int, parts: int) -> list[tuple[int, int]]:
    """`parts` contiguous (start, stop) ranges covering range(total), sizes differing by at most 1."""
    parts = max(1, min(parts, total))
    size, extra = divmod(total, parts)
    out, start = [], 0
    for i in range(parts):
        stop = start + size + (1 if i < extra else 0)
        out.append((start, stop))
        start = stop
    return out


def map_ordered(fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """[fn(item) for item in items], in that order, on every core when it is worth it.
    `fn` must return picklable values and catch the exceptions it wants reported."""
    workers = min(jobs(), len(items) // MIN_ITEMS)
    if workers < 2 or not _can_fork():
        return [fn(item) for item in items]
    global _job
    _job = (fn, items)
    # Objects that exist now are the workers' read-only inheritance: frozen, the garbage collector
    # neither walks them in every worker nor writes to them (which would copy their memory pages).
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(workers, initializer=_worker_init) as pool:
            parts = pool.map(_run_range, ranges(len(items), workers * RANGES_PER_WORKER), chunksize=1)
    finally:
        _job = None
        gc.unfreeze()
    return [result for part in parts for result in part]
