"""runs.jsonl -> the Markdown table: medians per tool and size, ratios, per-post cost, goals."""
from __future__ import annotations

import json
import statistics
from collections import defaultdict
from pathlib import Path

ORDER = ("shiplog", "hugo", "pelican", "mkdocs", "floor")
LABEL = {"shiplog": "shiplog", "hugo": "Hugo", "pelican": "Pelican", "mkdocs": "MkDocs",
         "floor": "Python floor"}
LOOP_GOALS = {"no change": 2.0, "one post edited": 3.0, "serve edit": 0.3, "serve edit (reload)": 0.3}


def _rows(path: Path, sessions: str | None) -> list[dict]:  # type: ignore[type-arg]
    wanted = set(sessions.split(",")) if sessions else None
    rows = []
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if row.get("excluded"):
            continue
        if wanted is None or row["session"] in wanted:
            rows.append(row)
    return rows


def _mib(kib: float) -> str:
    return f"{kib / 1024 / 1024:.1f} GiB" if kib >= 1024 * 1024 else f"{kib / 1024:.0f} MiB"


def _memory(run: dict) -> float:  # type: ignore[type-arg]
    """Peak PSS of the process tree (shared pages counted once), or summed RSS for older rows."""
    return run.get("tree_pss_kib") or run["tree_rss_kib"]


def _s(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.1f} s"


def render(path: Path, sessions: str | None = None) -> str:
    rows = _rows(path, sessions)
    machines = [r for r in rows if r["kind"] == "machine"]
    cold: dict[tuple[str, int], list[dict]] = defaultdict(list)  # type: ignore[type-arg]
    failed: dict[tuple[str, int], list[dict]] = defaultdict(list)  # type: ignore[type-arg]
    loop: dict[tuple[str, int], list[dict]] = defaultdict(list)  # type: ignore[type-arg]
    for r in rows:
        if r["kind"] == "cold":
            (cold if r["code"] == 0 else failed)[(r["tool"], r["n"])].append(r)
        elif r["tool"] == "shiplog" and r["kind"] in LOOP_GOALS:
            loop[(r["kind"], r["n"])].append(r)
    sizes = sorted({n for _, n in cold} | {n for _, n in failed})
    median = {k: statistics.median(r["wall"] for r in v) for k, v in cold.items()}

    out = []
    if machines:
        m = machines[-1]
        dates = sorted({r["at"][:10] for r in rows if r["kind"] != "machine"}) or [m["at"][:10]]
        revisions = sorted({r["shiplog"] for r in machines if r.get("shiplog")})
        out += [f"Date: {', '.join(dates)}  ", f"Machine: {m['machine']}  ",
                f"shiplog: {'; '.join(revisions) or 'not recorded'}  ",
                "Versions: " + "; ".join(f"{k} {v}" for k, v in m["versions"].items()), ""]
    out += ["| tool | N posts | runs | median wall | per post | median CPU (user+sys) | peak memory "
            "| × shiplog (wall) | load avg |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for n in sizes:
        base = median.get(("shiplog", n))
        for tool in ORDER:
            runs = cold.get((tool, n), [])
            if not runs:
                if failed.get((tool, n)):
                    f = failed[(tool, n)][0]
                    why = "timed out" if f["code"] == -9 else f"exit {f['code']}"
                    out.append(f"| {LABEL[tool]} | {n:,} | 0 | {why} after {_s(f['wall'])} | | | | | |")
                continue
            wall = median[(tool, n)]
            cpu = statistics.median(r["cpu"] for r in runs)
            rss = max(_memory(r) for r in runs)
            ratio = f"{wall / base:.2f}" if base else "–"
            load = statistics.median(r["load"] for r in runs)
            out.append(f"| {LABEL[tool]} | {n:,} | {len(runs)} | {_s(wall)} | {wall / n * 1000:.1f} ms "
                       f"| {_s(cpu)} | {_mib(rss)} | {ratio} | {load:.1f} |")
    if loop:
        out += ["", "shiplog's author loop (medians; `shiplog build` again after a build, "
                "and `shiplog serve` from a post's write to its new page being served):", "",
                "| N posts | measurement | runs | median | peak memory | goal |", "|---:|---|---:|---:|---:|---|"]
        for (kind, n), runs in sorted(loop.items(), key=lambda kv: (kv[0][1], list(LOOP_GOALS).index(kv[0][0]))):
            goal = f"< {_s(LOOP_GOALS[kind])}"
            timed = [r for r in runs if "seconds" in r or ("wall" in r and r.get("code") == 0)]
            if not timed:
                note = next((r.get("note") or f"exit {r.get('code')}" for r in runs), "")
                out.append(f"| {n:,} | {kind} | 0 | {note} | | {goal} |")
                continue
            values = [r["seconds"] if "seconds" in r else r["wall"] for r in timed]
            rss = max((_memory(r) for r in timed if "tree_rss_kib" in r), default=0)
            out.append(f"| {n:,} | {kind} | {len(values)} | {_s(statistics.median(values))} "
                       f"| {_mib(rss) if rss else ''} | {goal} |")
    goals = []
    for n in sizes:
        s, h, f = median.get(("shiplog", n)), median.get(("hugo", n)), median.get(("floor", n))
        if s and h:
            goals.append(f"- {n:,} posts: shiplog / Hugo = {s / h:.2f} (goal at 10,000: at most 0.50)")
        if s and f:
            goals.append(f"- {n:,} posts: shiplog / floor = {s / f:.2f} (goal at 10,000: at most 1.25)")
    if goals:
        out += ["", "Goals (issue 10):", *goals]
    out += ["", "Wall times are medians of whole processes (/usr/bin/time -v). CPU is user+sys of the "
            "process and its children. Peak memory is the sampled peak of the process tree's summed PSS "
            "(summed RSS in rows taken before PSS was recorded). Load avg is the 1-minute load when the "
            "runs started: on a 2-CPU machine shared with other jobs, wall times above a load of 2 "
            "are inflated, and CPU time is the steadier comparison."]
    return "\n".join(out)
