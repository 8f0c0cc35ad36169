"""shiplog's author loop: rebuild with nothing changed, rebuild after one edit, and in
`shiplog serve` the time from a post's write to the new page being served."""
from __future__ import annotations

import os
import queue
import signal
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

from . import measure
from .sites import REPO, SHIPLOG_PY


def published_post(site: Path) -> Path:
    """A published post near the middle of the corpus (its page, tags and neighbours exist)."""
    posts = sorted((site / "content" / "posts").glob("*.md"))
    for path in posts[len(posts) // 2:] + posts:
        if "\nstatus: published\n" in path.read_text(encoding="utf-8"):
            return path
    raise SystemExit(f"no published post in {site}")


class Edit:
    """Append a marked sentence to one post's body; restore the file when done."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.original = path.read_bytes()
        self.count = 0

    def apply(self) -> str:
        self.count += 1
        marker = f"bench-edit-{os.getpid()}-{self.count}-{time.monotonic_ns()}"
        with self.path.open("wb") as f:
            f.write(self.original + f"\nEdited for the benchmark: {marker}.\n".encode())
        return marker

    def restore(self) -> None:
        self.path.write_bytes(self.original)


def rebuilds(build_cmd: list[str], site: Path, repeats: int, timeout: float) -> dict[str, list[measure.Run]]:
    """After one build to warm the cache: no-change rebuilds, then one-post-edited rebuilds."""
    warm = measure.run(build_cmd, REPO, timeout)
    out: dict[str, list[measure.Run]] = {"no change": [], "one post edited": []}
    if warm.code != 0:
        out["no change"].append(warm)
        return out
    for _ in range(repeats):
        out["no change"].append(measure.run(build_cmd, REPO, timeout))
    edit = Edit(published_post(site))
    try:
        for _ in range(repeats):
            edit.apply()
            out["one post edited"].append(measure.run(build_cmd, REPO, timeout))
    finally:
        edit.restore()
    measure.run(build_cmd, REPO, timeout)   # leave the cache matching the corpus again
    return out


def _reader(stream, lines: queue.Queue) -> None:  # type: ignore[no-untyped-def,type-arg]
    for line in stream:
        lines.put(line.rstrip("\n"))
    lines.put(None)


def _wait_for(lines: queue.Queue, prefix: str, timeout: float) -> str:  # type: ignore[type-arg]
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no '{prefix}' line from shiplog serve in {timeout:.0f}s")
        line = lines.get(timeout=left)
        if line is None:
            raise RuntimeError("shiplog serve exited")
        if line.startswith(prefix):
            return line


def _poll_until_served(url: str, marker: str, start: float, timeout: float) -> None:
    """Ask for the page every 5 ms until it holds the marker."""
    while True:
        if time.perf_counter() - start > timeout:
            raise TimeoutError(f"the edit was not served within {timeout:.0f}s")
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                if marker.encode() in resp.read():
                    return
        except OSError:
            pass
        time.sleep(0.005)


class _Events:
    """serve's live-reload stream, read as a browser's EventSource reads it."""

    def __init__(self, base: str) -> None:
        self.resp = urllib.request.urlopen(base + "/__shiplog/events", timeout=600)
        self.builds: queue.Queue = queue.Queue()  # type: ignore[type-arg]
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            for raw in self.resp:
                line = raw.decode().strip()
                if line.startswith("data: "):
                    self.builds.put(line)
        except (OSError, ValueError):
            pass

    def next_build(self, timeout: float) -> str:
        return self.builds.get(timeout=timeout)  # type: ignore[no-any-return]


def serve_latency(site: Path, repeats: int, timeout: float, how: str = "poll") -> list[float] | str:
    """Seconds from the end of a post's write to its page being served with the edit in it;
    a string says why it could not be measured. `how`: "poll" asks for the page every 5 ms
    (each request is work for the server while it rebuilds); "reload" waits for the live-reload
    event and then asks once, as the open page in a browser does."""
    if not (REPO / "generator" / "commands" / "serve.py").exists():
        return "shiplog serve does not exist yet"
    post = published_post(site)
    url_path = f"/notes/{post.stem}/"
    proc = subprocess.Popen([str(SHIPLOG_PY), "-m", "generator", "serve", "--root", str(site),
                             "--port", "0", "--no-proofs"], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines: queue.Queue = queue.Queue()  # type: ignore[type-arg]
    threading.Thread(target=_reader, args=(proc.stdout, lines), daemon=True).start()
    edit = Edit(post)
    times: list[float] = []
    try:
        base = _wait_for(lines, "serving ", timeout).split()[1].rstrip("/")
        url = base + url_path
        events = _Events(base) if how == "reload" else None
        if events is not None:
            events.next_build(timeout)   # the stream starts with the current build
        time.sleep(1.0)   # let the watcher settle
        for _ in range(repeats):
            marker = edit.apply()
            start = time.perf_counter()
            if events is not None:
                events.next_build(timeout)
                with urllib.request.urlopen(url, timeout=5) as resp:
                    if marker.encode() not in resp.read():
                        return "the reload event came before the edit was served"
            else:
                _poll_until_served(url, marker, start, timeout)
            times.append(time.perf_counter() - start)
            time.sleep(1.0)   # the next edit is a new burst, not part of this one
        return times
    except (TimeoutError, RuntimeError, queue.Empty) as exc:
        return str(exc) or "timed out"
    finally:
        edit.restore()
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, signal.SIGKILL)
