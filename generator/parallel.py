"""Spread independent work over the machine's cores with forked worker processes.

Workers are forked after the parent has built everything they need (the records, the Site, the
Jinja environment), so nothing is pickled on the way in: a worker is handed a range of
positions in a list it already has, and only the results travel back. The work is cut into
contiguous ranges, at most 1/16 of a worker's share each and shrinking towards the end, so that
the workers finish together; the parent only waits and joins the results.

A worker writes each range's results to a file in a private temporary folder and sends back its
name. Sent through the pool's pipe (64 KiB at a time), a range of parsed posts (about 4 MB)
kept the worker waiting until the parent had read it all: 0.55 s of each worker's 9 s at 10,000
posts. A file is written into the page cache at once, and the parent reads it when it is ready.

Forking a process that runs other threads (`shiplog serve` after its first build) can copy a
lock held by one of them, so then the work runs here, in order, as it does for small batches;
SHIPLOG_JOBS=1 asks for that too.
"""
from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS = 48
"""Below this, forking costs more than it saves."""
RANGES_PER_WORKER = 16
"""The longest range is 1/16 of a worker's share: a worker holds one range's results at a time."""
SMALLEST_RANGE = 4
"""Below this, handing a range out costs about as much as running it."""

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


_STOPPING = {signal.SIGINT, signal.SIGTERM}


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM while forking. A child inherits the parent's handlers, which raise
    KeyboardInterrupt; one arriving before the child had set its own (Pool.terminate() sends
    SIGTERM at once) printed a traceback from the child. The child starts with them held and
    lets them in once `child_signals` ran; the parent gets a held one when the fork is done."""
    signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPPING)


def child_signals() -> None:
    """In a forked child: SIGTERM ends it at once, Ctrl-C is the parent's to handle."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPPING)


def _worker_init() -> None:
    child_signals()


def _run_range(task: tuple[int, int, str]) -> str:
    """Run the job on items[start:stop]; return the file that holds the results."""
    assert _job is not None
    fn, items = _job
    start, stop, folder = task
    results = [fn(items[i]) for i in range(start, stop)]
    path = os.path.join(folder, str(start))
    with open(path, "wb") as f:
        pickle.dump(results, f, pickle.HIGHEST_PROTOCOL)
    return path


def _take(path: str) -> list[Any]:
    with open(path, "rb") as f:
        results: list[Any] = pickle.load(f)
    os.unlink(path)
    return results


def ranges(total: int, workers: int) -> list[tuple[int, int]]:
    """Contiguous (start, stop) ranges covering range(total), handed out in order. Each is at
    most total / (16 * workers) long and at most 1/(2 * workers) of the items not yet handed out
    (guided scheduling): the last ranges are small, so when one worker takes the last of them
    the other is not left idle for long. Items late in the list may also cost more than early ones
    (a listing page against a post page)."""
    longest = max(1, -(-total // (workers * RANGES_PER_WORKER)))
    out, start = [], 0
    while start < total:
        size = min(longest, max(SMALLEST_RANGE, -(-(total - start) // (2 * workers))))
        stop = min(total, start + size)
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
        with signals_held():
            pool = multiprocessing.get_context("fork").Pool(workers, initializer=_worker_init)
        with tempfile.TemporaryDirectory(prefix="shiplog-") as folder, pool:
            tasks = [(start, stop, folder) for start, stop in ranges(len(items), workers)]
            out: list[R] = []
            for path in pool.imap(_run_range, tasks, chunksize=1):   # in order, as they are done
                out += _take(path)
    finally:
        _job = None
        gc.unfreeze()
    return out
