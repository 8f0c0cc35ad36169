"""Run every control over a snapshot and summarise: the scan itself, free of IO."""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from .checks import CONTROLS
from .model import Control, ControlResult, Result, Severity, Status
from .snapshot import Snapshot, Unavailable


COUNT_KEY = {"PASS": "passed", "FAIL": "failed", "NOT_EVALUATED": "not_evaluated", "MANUAL": "manual",
             "NO_RESOURCES": "no_resources"}


@dataclass(frozen=True, slots=True)
class Report:
    snapshot: Snapshot
    controls: tuple[ControlResult, ...]
    duration_s: float

    def findings(self) -> list[tuple[Control, Result]]:
        return [(cr.control, r) for cr in self.controls for r in cr.with_status(Status.FAIL)]

    def worst_failure(self) -> Severity | None:
        sev = [c.severity for c, _ in self.findings()]
        return max(sev, key=lambda s: s.rank) if sev else None

    def results_by_section(self) -> list[dict[str, Any]]:
        """Per-resource results counted by status, one flat record per section (a chart series)."""
        rows: dict[str, dict[str, Any]] = {}
        for cr in self.controls:
            row = rows.setdefault(cr.control.section, {"section": cr.control.section, "controls": 0, "pass": 0,
                                                         "fail": 0, "not_evaluated": 0, "manual": 0})
            row["controls"] += 1
            for r in cr.results:
                row[r.status.value.lower()] += 1
        return list(rows.values())

    def summary(self) -> dict[str, Any]:
        """The figures the card and --json report (keys are a public contract)."""
        status = Counter(cr.status for cr in self.controls)
        results = Counter(r.status.value for cr in self.controls for r in cr.results)
        by_section: dict[str, dict[str, int]] = {}
        for cr in self.controls:
            sec = by_section.setdefault(cr.control.section, {"controls": 0, "passed": 0, "failed": 0,
                                                              "not_evaluated": 0, "manual": 0, "no_resources": 0})
            sec["controls"] += 1
            sec[COUNT_KEY[cr.status]] += 1
        return {
            "benchmark": "CIS AWS Foundations Benchmark v1.5.0",
            "account": self.snapshot.account,
            "source": self.snapshot.data.get("source"),
            "regions": self.snapshot.regions,
            "region_count": len(self.snapshot.regions),
            "fixtures": self.snapshot.data.get("fixtures", []),
            "controls": len(self.controls),
            "cis_controls": sum(1 for cr in self.controls if cr.control.is_cis and cr.status != "MANUAL"),
            "cis_manual_controls": sum(1 for cr in self.controls if cr.status == "MANUAL"),
            "extra_controls": sum(1 for cr in self.controls if not cr.control.is_cis),
            "resources": len({r.resource for cr in self.controls for r in cr.results if r.status is not Status.MANUAL}),
            "passed": status["PASS"],
            "failed": status["FAIL"],
            "not_evaluated": status["NOT_EVALUATED"],
            "manual": status["MANUAL"],
            "no_resources": status["NO_RESOURCES"],
            "results": {s.value: results[s.value] for s in Status},
            "by_section": by_section,
            "results_by_section": self.results_by_section(),
            "by_severity": dict(Counter(c.severity.value for c, _ in self.findings())),
            "duration_s": round(self.duration_s, 3),
            "findings": [finding_dict(c, r) for c, r in self.findings()],
            "not_evaluated_reasons": [finding_dict(cr.control, r) for cr in self.controls
                                      for r in cr.with_status(Status.NOT_EVALUATED)],
        }


def finding_dict(c: Control, r: Result) -> dict[str, Any]:
    return {"control": c.id, "title": c.title, "severity": c.severity.value, "level": c.level,
            "resource": r.resource, "region": r.region, "status": r.status.value, "evidence": r.evidence,
            "remediation": c.remediation}


def run_control(control: Control, snapshot: Snapshot) -> ControlResult:
    """A check that cannot read what it needs at all yields one NOT_EVALUATED for the account."""
    try:
        results = tuple(control.check(snapshot))
    except Unavailable as e:
        results = (Result(f"account:{snapshot.account}", Status.NOT_EVALUATED, str(e)),)
    return ControlResult(control, results)


def scan(snapshot: Snapshot, controls: tuple[Control, ...] = CONTROLS) -> Report:
    start = time.perf_counter()
    results = tuple(run_control(c, snapshot) for c in controls)
    return Report(snapshot, results, time.perf_counter() - start)
