"""Run one command as a whole process and measure it: wall time, CPU time, peak memory.

`/usr/bin/time -v` gives wall time, user+sys CPU (children included) and the max RSS of the
largest single process. A tool that uses a process pool holds several processes at once, so the
peak of the summed RSS of the whole process tree is sampled from /proc as well (every 50 ms).
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

TIME = "/usr/bin/time"


@dataclass(frozen=True, slots=True)
class Run:
    wall: float
    """seconds, as /usr/bin/time saw it"""
    cpu: float
    """user + sys seconds of the process and every child it waited for"""
    max_rss_kib: int
    """largest single process (ru_maxrss)"""
    tree_rss_kib: int
    """peak of the summed RSS of the process tree, sampled"""
    code: int
    load: float
    """1-minute load average when the run started: how busy the machine was"""
    tail: str = ""
    tree_pss_kib: int = 0
    """peak of the summed PSS (proportional set size) of the tree: forked workers' shared pages
    counted once, so a process pool is not charged twice for the parent's memory"""


def ensure_time() -> None:
    if Path(TIME).exists():
        return
    if shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-q", "time"], check=False,
                       stdout=subprocess.DEVNULL)
    if not Path(TIME).exists():
        raise SystemExit("bench needs GNU time at /usr/bin/time: apt-get install time")


def _children(pid: int) -> list[int]:
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out += [int(c) for c in f.read().split()]
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return out


SAMPLE_SECONDS = 0.25
"""How often the memory of the process tree is sampled. Reading smaps_rollup walks a process's page
tables: every 50 ms that took about 6 ms of CPU a sample from a 10,000-post shiplog build (up to
1.5 s of a 13 s build), while its peak lasts seconds."""


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return 0


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def tree_memory(root: int) -> tuple[int, int]:
    """(summed RSS, summed PSS) of `root` and every process under it, in KiB."""
    rss = pss = 0
    todo, seen = [root], set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        rss += _rss_kib(pid)
        pss += _pss_kib(pid)
        todo += _children(pid)
    return rss, pss


def _field(text: str, name: str) -> str:
    m = re.search(rf"^\s*{re.escape(name)}: (.+)$", text, re.M)
    return m.group(1).strip() if m else ""


def _seconds(clock: str) -> float:
    parts = [float(p) for p in clock.split(":")]
    seconds = 0.0
    for p in parts:
        seconds = seconds * 60 + p
    return seconds


def run(cmd: list[str], cwd: Path, timeout: float, env: dict[str, str] | None = None) -> Run:
    """Run `cmd` under /usr/bin/time -v; raise nothing, report the exit code."""
    load = os.getloadavg()[0]
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf, \
            tempfile.TemporaryFile("w+") as log:
        proc = subprocess.Popen([TIME, "-v", "-o", tf.name, *cmd], cwd=cwd, stdout=log,
                                stderr=subprocess.STDOUT, env=env, start_new_session=True)
        peak = peak_pss = 0
        stop = threading.Event()

        def sample() -> None:
            nonlocal peak, peak_pss
            while not stop.wait(SAMPLE_SECONDS):
                for child in _children(proc.pid):   # the tool under /usr/bin/time
                    rss, pss = tree_memory(child)
                    peak, peak_pss = max(peak, rss), max(peak_pss, pss)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            code = proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)   # our own session: time, the tool, its pool
            proc.wait()
            code = -9
        stop.set()
        sampler.join()
        text = Path(tf.name).read_text()
        log.seek(0)
        tail = "\n".join(log.read().strip().splitlines()[-5:])
    wall = _seconds(_field(text, "Elapsed (wall clock) time (h:mm:ss or m:ss)") or "0")
    cpu = float(_field(text, "User time (seconds)") or 0) + float(_field(text, "System time (seconds)") or 0)
    rss = int(_field(text, "Maximum resident set size (kbytes)") or 0)
    return Run(wall, cpu, rss, max(peak, rss), code, load, tail, peak_pss)


def time_call(fn) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start
