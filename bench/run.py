"""`python -m bench`: build the same corpus with each tool, measure, print one table.

  python -m bench                          # 1,000 and 10,000 posts, 3 repeats, every tool
  python -m bench --sizes 1000,10000,30000 --repeats 5
  python -m bench --tools shiplog,floor --sizes 10000 --repeats 1
  python -m bench --report bench/out/runs.jsonl   # only print the table of earlier runs

Every measurement is appended to bench/out/runs.jsonl as it is taken, so a long run that is
stopped still leaves its numbers; the table and bench/results/<date>.md are made from that file.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
from dataclasses import asdict
from pathlib import Path

from . import edits, measure, sites
from .report import render

TOOLS = ("shiplog", "hugo", "pelican", "mkdocs", "floor")


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal"))
        mem_gib = int(mem.split()[1]) / 1024 / 1024
    except (OSError, StopIteration):
        mem_gib = 0
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cpus ({cpu}), {mem_gib:.0f} GiB RAM, Python {platform.python_version()}"


def shiplog_revision() -> str:
    """The commit measured, and whether generator/ or templates/ had changes not yet committed."""
    def git(*args: str) -> str:
        res = subprocess.run(["git", *args], cwd=sites.REPO, capture_output=True, text=True)
        return res.stdout.strip()
    dirty = git("status", "--porcelain", "--", "generator", "templates")
    return git("rev-parse", "--short", "HEAD") + (" + uncommitted changes in generator/templates" if dirty else "")


class Log:
    """runs.jsonl: one JSON object per measurement."""

    def __init__(self, path: Path, session: str) -> None:
        self.path = path
        self.session = session
        path.parent.mkdir(parents=True, exist_ok=True)

    def add(self, tool: str, n: int, kind: str, run: measure.Run | None = None, **extra: object) -> None:
        row: dict[str, object] = {"session": self.session, "at": dt.datetime.now().isoformat(timespec="seconds"),
                                  "tool": tool, "n": n, "kind": kind, **extra}
        if run is not None:
            row.update(asdict(run))
        with self.path.open("a") as f:
            f.write(json.dumps(row) + "\n")
        wall = f"{run.wall:8.2f}s cpu {run.cpu:7.1f}s rss {run.tree_rss_kib / 1024:7.0f} MiB load {run.load:4.1f}" \
            if run else json.dumps(extra)
        status = "" if run is None or run.code == 0 else f"  EXIT {run.code}: {run.tail[-300:]}"
        print(f"  {tool:8} {n:>6} {kind:16} {wall}{status}", flush=True)


def cold_builds(log: Log, work: Path, tools: list[str], n: int, repeats: int, timeout: float) -> set[str]:
    """`repeats` rounds of one clean build per tool, the tools taking turns, so that the CPU speed
    of this shared machine (it drifts by 15% from one minute to the next) weighs on every tool
    alike. Returns the tools whose builds all succeeded."""
    builds = {tool: sites.build_command(work, tool, n) for tool in tools}
    ok = set(tools)
    for _ in range(repeats):
        for tool in [t for t in tools if t in ok]:
            build = builds[tool]
            sites.clean(build, work / "trash")
            run = measure.run(build.cmd, build.cwd, timeout)
            log.add(tool, n, "cold", run)
            if run.code != 0:
                ok.discard(tool)
    return ok


def _new_results_file(folder: Path, day: str) -> Path:
    """results/<day>.md, or <day>-2.md, ...: a second run on the same day keeps the first's file
    (it may hold hand-written profiles and notes)."""
    path, n = folder / f"{day}.md", 1
    while path.exists():
        n += 1
        path = folder / f"{day}-{n}.md"
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000", help="post counts, comma-separated (30000 too if time allows)")
    ap.add_argument("--repeats", type=int, default=3, help="clean builds per tool and size (median quoted)")
    ap.add_argument("--tools", default=",".join(TOOLS), help=f"any of {','.join(TOOLS)}")
    ap.add_argument("--no-author-loop", action="store_true",
                    help="skip shiplog's rebuild / edit / serve measurements")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds before one build is given up")
    ap.add_argument("--work", type=Path, default=sites.BENCH / "out", help="corpora and outputs (git-ignored)")
    ap.add_argument("--report", type=Path, help="only print the table from this runs.jsonl")
    ap.add_argument("--session", help="report only this session of the runs file (default: all)")
    ap.add_argument("--results", type=Path, help="also write the table to this .md (default bench/results/<date>.md)")
    a = ap.parse_args(argv)

    if a.report:
        print(render(a.report, a.session))
        return 0

    tools = [t.strip() for t in a.tools.split(",") if t.strip()]
    unknown = set(tools) - set(TOOLS)
    if unknown:
        ap.error(f"unknown tools: {', '.join(sorted(unknown))}")
    sizes = [int(s) for s in a.sizes.split(",")]
    measure.ensure_time()
    if set(tools) & {"hugo", "pelican", "mkdocs"}:
        print("bench: tools virtualenv bench/.venv-tools", flush=True)
        sites.ensure_tools_venv()
    session = dt.datetime.now().strftime("%Y-%m-%dT%H%M%S")
    log = Log(a.work / "runs.jsonl", session)
    log.add("-", 0, "machine", machine=machine(), versions=sites.tool_versions(),
            load=os.getloadavg()[0], shiplog=shiplog_revision())
    try:
        for n in sizes:
            print(f"bench: {n} posts", flush=True)
            for tool in tools:
                sites.prepare(a.work, tool, n)
            ok = cold_builds(log, a.work, tools, n, a.repeats, a.timeout)
            for tool in tools:
                if tool == "shiplog" and tool in ok and not a.no_author_loop:
                    build = sites.build_command(a.work, tool, n)
                    site = sites.prepare(a.work, tool, n)
                    for kind, runs in edits.rebuilds(build.cmd, site, a.repeats, a.timeout).items():
                        for run in runs:
                            log.add(tool, n, kind, run)
                    for how, kind in (("poll", "serve edit"), ("reload", "serve edit (reload)")):
                        latency = edits.serve_latency(site, max(a.repeats, 5), min(a.timeout, 600), how)
                        if isinstance(latency, str):
                            log.add(tool, n, kind, note=latency)
                        else:
                            for seconds in latency:
                                log.add(tool, n, kind, seconds=seconds)
    finally:
        sites.empty_trash(a.work / "trash")     # after the last measurement: see sites.clean
    table = render(log.path, session)
    print(table)
    results = a.results or _new_results_file(sites.BENCH / "results", dt.date.today().isoformat())
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(table + "\n")
    print(f"bench: table written to {results.relative_to(Path.cwd()) if results.is_relative_to(Path.cwd()) else results}")
    return 0

