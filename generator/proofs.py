"""Proof runs: run each card's module, cache what it printed, and fill the card's claims.

A card's figures are only ever text produced by `python -m projects.<slug> <proof.args>`: a run
that fails, times out, prints no JSON or lacks a key fails the build at the card's line. Results
are cached under .shiplog-cache/proofs/, keyed by a hash of the module's files and the args, so a
build re-runs a proof only when its module changed.
"""
from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import shlex
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from generator.errors import ErrorCollector, SiteError
from generator.incremental.inventory import files_under
from generator.incremental.store import PROOFS_DIR, atomic_write
from generator.model import Chart, Claim, Picture, ProofRun, Project

NOT_PROOF_INPUTS = {"README.md", "card.yaml"}
STDERR_TAIL = 12
_running: set[subprocess.Popen[str]] = set()
_running_lock = threading.Lock()
"""Held while a run starts, so that stop_running() sees every run that has started."""
_stopping = False


def stop_running() -> None:
    """Kill every proof run still going (and whatever it started), and start no other: shiplog is
    stopping."""
    global _stopping
    with _running_lock:
        _stopping = True
        procs = list(_running)
    for proc in procs:
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL)


def module_files(project_dir: Path) -> list[Path]:
    """The files a proof's output can depend on: the package's inputs minus its tests and docs."""
    files = []
    for path in files_under(project_dir):
        rel = path.relative_to(project_dir)
        if rel.parts[0] != "tests" and rel.as_posix() not in NOT_PROOF_INPUTS:
            files.append(path)
    return files


def source_hash(project_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in module_files(project_dir):
        digest.update(path.relative_to(project_dir).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


class ProofCache:
    """One JSON file per project: the last verified run, with the hash and args it was for."""

    def __init__(self, root: Path) -> None:
        self.folder = root / PROOFS_DIR

    def get(self, slug: str) -> dict[str, Any] | None:
        try:
            entry: dict[str, Any] = json.loads((self.folder / f"{slug}.json").read_text())
            return entry
        except (OSError, ValueError):
            return None

    def put(self, slug: str, entry: dict[str, Any]) -> None:
        # Keys keep the module's own order, so a cached result reads back exactly as the fresh run.
        atomic_write(self.folder / f"{slug}.json", (json.dumps(entry, indent=2) + "\n").encode())


def _tail(text: str) -> str:
    lines = text.strip().splitlines()[-STDERR_TAIL:]
    return "module stderr (last lines):\n    " + "\n    ".join(lines) if lines else "the module printed nothing on stderr"


def run_module(root: Path, project: Project) -> tuple[dict[str, Any], float]:
    """Run the proof in a subprocess from the site root; SiteError on any failure."""
    out, err, seconds = _run(root, project, project.proof_args, project.proof_line)
    where = (project.source, project.proof_line)
    try:
        results = json.loads(out)
    except ValueError:
        first = out.strip().splitlines()[0][:80] if out.strip() else "nothing"
        raise SiteError(f"proof run `{project.run_command}` did not print one JSON object on stdout "
                        f"(it printed {first!r})", *where, _tail(err)) from None
    if not isinstance(results, dict):
        raise SiteError(f"proof run `{project.run_command}` printed JSON that is not an object", *where)
    return results, seconds


def _run(root: Path, project: Project, args: tuple[str, ...], line: int) -> tuple[str, str, float]:
    """Run `python -m projects.<slug> <args>` from the site root: (stdout, stderr, seconds), or SiteError
    at the card's `line` when it fails or times out."""
    argv = [sys.executable, "-m", project.module, *args]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])))
    where = (project.source, line)
    command = shlex.join(["python", "-m", project.module, *args])
    start = time.monotonic()
    with _running_lock:
        if _stopping:
            raise SiteError("shiplog is stopping: the proof run was not started", *where)
        proc = subprocess.Popen(argv, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, text=True, start_new_session=True)
        _running.add(proc)
    try:
        out, err = proc.communicate(timeout=project.proof_timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        raise SiteError(f"proof run `{command}` timed out after {project.proof_timeout:g} s",
                        *where, "raise proof.timeout, or make the run smaller\n  " + _tail(err)) from None
    finally:
        with _running_lock:
            _running.discard(proc)
    seconds = time.monotonic() - start
    if proc.returncode != 0:
        raise SiteError(f"proof run `{command}` failed with exit code {proc.returncode}",
                        *where, _tail(err))
    return out, err, seconds


def fill_claims(project: Project, results: dict[str, Any],
                which: tuple[Claim, ...] | None = None) -> tuple[tuple[Claim, ...], list[SiteError]]:
    """Format each claim (or headline figure) with the run's JSON; a key the run lacks is an error
    at its line."""
    claims, errors = [], []
    for claim in project.claims if which is None else which:
        try:
            claims.append(dataclasses.replace(claim, text=claim.template.format_map(results)))
        except (KeyError, IndexError) as exc:
            errors.append(SiteError(
                f"claim {claim.template!r} uses {exc} which the proof run did not print",
                project.source, claim.line, f"the run printed keys: {', '.join(sorted(results))}"))
            claims.append(claim)
        except (ValueError, TypeError) as exc:
            errors.append(SiteError(f"claim {claim.template!r} cannot be filled: {exc}",
                                    project.source, claim.line))
            claims.append(claim)
    return tuple(claims), errors


def _prove(root: Path, project: Project, cache: ProofCache, run: bool) -> tuple[Project, list[SiteError]]:
    digest = source_hash(root / "projects" / project.slug)
    entry = cache.get(project.slug)
    matches = bool(entry and entry.get("source_hash") == digest
                   and entry.get("args") == list(project.proof_args))
    if run and not matches:
        try:
            results, seconds = run_module(root, project)
        except SiteError as exc:
            return project, [exc]
        entry = {"source_hash": digest, "args": list(project.proof_args), "results": results,
                 "seconds": round(seconds, 2)}
        cache.put(project.slug, entry)
        matches = True
    if not entry:
        return project, []
    claims, errors = fill_claims(project, entry["results"])
    headline, headline_errors = fill_claims(project, entry["results"], project.headline)
    errors += headline_errors
    if errors and not matches:
        # A stale cache entry from other code may lack new keys: show those claims unverified.
        errors = []
    proof = ProofRun(command=shlex.join(["python", "-m", project.module, *entry["args"]]),
                     source_hash=entry["source_hash"], results=entry["results"], fresh=matches)
    pictures, picture_errors = draw_pictures(root, project, entry, cache, run and matches)
    charts, chart_errors = draw_charts(root, project, entry["results"], strict=matches)
    return dataclasses.replace(project, claims=claims, headline=headline, proof=proof, pictures=pictures,
                               charts=charts), errors + picture_errors + chart_errors


def draw_pictures(root: Path, project: Project, entry: dict[str, Any], cache: ProofCache,
                  run: bool) -> tuple[tuple[Picture, ...], list[SiteError]]:
    """Each picture the module draws of itself: its run's output is kept in the proof's cache
    entry (same source hash), and drawn once per content (figures.py)."""
    from generator.markdown.figures import Figures
    from generator.pictures.diagrams import DiagramError

    printed: dict[str, str] = entry.setdefault("pictures", {})
    out, errors, changed = [], [], False
    for number, picture in enumerate(project.pictures, 1):
        key = shlex.join(picture.args)
        if key not in printed and run:
            try:
                printed[key] = _run(root, project, picture.args, picture.line)[0]
                changed = True
            except SiteError as exc:
                errors.append(exc)
        source = printed.get(key)
        if source is None:
            out.append(picture)         # not drawn yet: the page says so
            continue
        try:
            html = Figures(root).diagram(picture.format, source, f"pic-{project.slug}-{number}-",
                                         title=picture.alt)
        except DiagramError as exc:
            errors.append(SiteError(f"the picture printed by `{key}` does not draw: {exc.args[0]}",
                                    project.source, picture.line))
            html = ""
        out.append(dataclasses.replace(picture, html=html))
    if changed:
        cache.put(project.slug, entry)
    return tuple(out), errors


def draw_charts(root: Path, project: Project, results: dict[str, Any],
                strict: bool) -> tuple[tuple[Chart, ...], list[SiteError]]:
    """Each chart, from the rows under its `data` key of the proof JSON; drawn once per content."""
    from generator.incremental.store import Blobs
    from generator.pictures.charts import ChartError, render_chart, renderer_version

    out, errors = [], []
    for number, chart in enumerate(project.charts, 1):
        rows = results.get(chart.data)
        if not isinstance(rows, list):
            if strict:
                errors.append(SiteError(
                    f"chart '{chart.title}' uses '{chart.data}', which the proof run did not print as a list of rows",
                    project.source, chart.line, f"the run printed keys: {', '.join(sorted(results))}"))
            out.append(chart)
            continue
        prefix = f"chart-{project.slug}-{number}-"
        blobs = Blobs(root, "charts", renderer_version())
        key = blobs.key(chart.spec, json.dumps(rows, sort_keys=True), prefix, chart.title)
        try:
            html = blobs.make(key, lambda: render_chart(json.loads(chart.spec), rows, id_prefix=prefix,
                                                        title=chart.title).encode()).decode()
        except ChartError as exc:
            errors.append(SiteError(f"chart '{chart.title}': {exc.args[0]}", project.source, chart.line))
            html = ""
        out.append(dataclasses.replace(chart, html=html))
    return tuple(out), errors


def prove_all(root: Path, projects: list[Project], run: bool = True) -> list[Project]:
    """Fill every card's claims, running stale proofs in parallel; BuildFailed on any failure."""
    cache = ProofCache(root)
    collector = ErrorCollector()
    with_proof = [p for p in projects if p.proof_args]
    workers = max(1, min(len(with_proof), os.cpu_count() or 2))
    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        done = dict(zip([p.slug for p in with_proof],
                        pool.map(lambda p: _prove(root, p, cache, run), with_proof)))
    except BaseException:      # Ctrl-C, SIGTERM: do not wait for the runs, end them
        stop_running()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    out = []
    for project in projects:
        if project.slug in done:
            project, errors = done[project.slug]
            collector.extend(errors)
        out.append(project)
    collector.raise_if_any()
    return out
