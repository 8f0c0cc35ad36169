"""Stopping is clean at every moment: SIGINT or SIGTERM during a cold build, a rebuild, a proof run
or with live-reload clients connected ends the process promptly, with no traceback, the previous
output untouched and no stage folder left behind. Each case is tried at many moments while both
cores are kept busy by other processes: a stress test, so that a rare ordering shows up here.
The first moments start half a second in: a signal that arrives while Python itself is still
starting, before it has loaded shiplog's package, gets Python's own traceback."""
from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sitekit import REPO, SITES, tree, write

pytestmark = pytest.mark.slow

POSTS = 400
STOP_SECONDS = 10
POST = """---
title: Post {n}
date: 2026-01-{day:02d}
tags: [Tag{tag}]
summary: Number {n}.
---
Some prose for post {n}, with `code` and a [link](/notes/).

```python
def f{n}(x):
    return x * {n}
```
"""
SLOW_PROOF = """import os, sys, time
open(sys.argv[1], "w").write(str(os.getpid()))
time.sleep(60)
"""


def _spin() -> None:
    while True:
        pass


@pytest.fixture(scope="module")
def busy() -> Iterator[None]:
    """Both cores kept busy for the whole module."""
    procs = [multiprocessing.get_context("fork").Process(target=_spin, daemon=True) for _ in range(2)]
    for proc in procs:
        proc.start()
    yield
    for proc in procs:
        proc.kill()


@pytest.fixture(scope="module")
def big_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("stopping") / "site"
    shutil.copytree(SITES / "basic", root, ignore=shutil.ignore_patterns(".shiplog-cache", "_site"))
    for n in range(POSTS):
        write(root, f"content/posts/p{n:04d}.md", POST.format(n=n, day=n % 28 + 1, tag=n % 9))
    return root


def start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "generator", *args], cwd=REPO, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def stopped(proc: subprocess.Popen[str], sig: int) -> tuple[int, str]:
    proc.send_signal(sig)
    try:
        out, err = proc.communicate(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        pytest.fail(f"did not stop within {STOP_SECONDS} s of {signal.Signals(sig).name}:\n{err[-3000:]}")
    assert "Traceback" not in err and "Error" not in err.replace("0 errors", ""), err[-3000:]
    return proc.returncode, err


def stages(out: Path) -> list[Path]:
    return sorted(out.parent.glob(f".{out.name}.tmp-*"))


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_cold_build_stops_cleanly_at_any_moment(big_site: Path, busy: None, sig: int) -> None:
    out = big_site / f"_site-{sig}"
    first = subprocess.run([sys.executable, "-m", "generator", "build", "--root", str(big_site),
                            "--no-proofs", "--out", str(out)], cwd=REPO, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    before = tree(out)
    for delay in (0.5, 0.8, 1.1, 1.5, 2.0, 2.6, 3.3):
        proc = start("build", "--root", str(big_site), "--no-proofs", "--no-cache", "--out", str(out))
        time.sleep(delay)
        code, err = stopped(proc, sig)
        assert code in (0, 130), (delay, code, err)
        if code == 130:
            assert "interrupted; the previous output was left as it was" in err
        assert tree(out) == before, f"the output changed when stopped after {delay} s"
        assert stages(out) == [], delay


def test_a_proof_run_is_killed_when_the_build_stops(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(SITES / "basic", root, ignore=shutil.ignore_patterns(".shiplog-cache", "_site"))
    pid_file = tmp_path / "proof.pid"
    write(root, "projects/demo/__main__.py", SLOW_PROOF)
    card = root / "projects/demo/card.yaml"
    card.write_text(card.read_text().replace('args: [--n, "1000", --json]', f'args: ["{pid_file}"]')
                    .replace("timeout: 30", "timeout: 120"))
    for sig in (signal.SIGINT, signal.SIGTERM):
        pid_file.unlink(missing_ok=True)
        proc = start("build", "--root", str(root))
        deadline = time.monotonic() + 30
        while not pid_file.exists() or not pid_file.read_text():
            assert time.monotonic() < deadline, "the proof never started"
            time.sleep(0.05)
        code, _ = stopped(proc, sig)
        assert code == 130
        proof_pid = int(pid_file.read_text())
        assert not alive(proof_pid), "the proof run outlived the build"
        assert not (root / "_site").exists()


def alive(pid: int) -> bool:
    """Running, as opposed to gone or a zombie waiting to be reaped."""
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return False
        if state in ("Z", "X"):
            return False
        time.sleep(0.05)
    return True


def serving(proc: subprocess.Popen[str]) -> str:
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("serving "):
            return line.split()[1]
    pytest.fail(f"serve never started:\n{proc.stderr.read() if proc.stderr else ''}")


def test_serve_stops_cleanly_during_first_build_rebuilds_and_with_clients(big_site: Path, busy: None) -> None:
    post = big_site / "content/posts/p0001.md"
    original = post.read_text()
    for delay in (0.7, 1.3):                                    # during the first build
        proc = start("serve", "--root", str(big_site), "--port", "0", "--no-proofs")
        time.sleep(delay)
        code, _ = stopped(proc, signal.SIGINT)
        assert code in (0, 130)
    for n, delay in enumerate((0.0, 0.02, 0.05, 0.1, 0.2, 0.4)):
        sig = signal.SIGINT if n % 2 == 0 else signal.SIGTERM
        proc = start("serve", "--root", str(big_site), "--port", "0", "--no-proofs")
        url = serving(proc)
        events = urllib.request.urlopen(url + "__shiplog/events", timeout=30)   # a live-reload client
        post.write_text(original + f"\nEdit {n}.\n")               # a rebuild starts
        time.sleep(delay)
        try:
            code, _ = stopped(proc, sig)
        finally:
            events.close()
        assert code == 0, (delay, code)
    post.write_text(original)
