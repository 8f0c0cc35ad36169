"""Plain-text table grouped by benchmark section, failing resources listed under their control."""
from __future__ import annotations

from typing import Any

from ..engine import Report
from ..model import Status

MARK = {"PASS": "PASS", "FAIL": "FAIL", "NOT_EVALUATED": "N/E ", "MANUAL": "MAN ", "NO_RESOURCES": "n/a "}


def text(report: Report, extra: dict[str, Any] | None = None) -> str:
    s = report.summary()
    lines = [f"CIS AWS Foundations Benchmark v1.5.0 scan of account {s['account']} ({s['source']}), "
             f"regions: {', '.join(s['regions'])}"]
    lines += [f"  fixture: {f}" for f in s["fixtures"]]
    section = None
    for cr in report.controls:
        c = cr.control
        if c.section != section:
            section = c.section
            lines += ["", section, "-" * len(section)]
        counts = {st: len(cr.with_status(st)) for st in Status}
        level = f"L{c.level}" if c.level else "--"
        lines.append(f"{MARK[cr.status]} {c.id:<6} {level} {c.severity.value:<8} {c.title[:72]:<72} "
                     f"{counts[Status.PASS]:>3} ok {counts[Status.FAIL]:>2} fail {counts[Status.NOT_EVALUATED]:>2} n/e")
        for r in cr.results:
            if r.status not in (Status.PASS, Status.MANUAL):
                lines.append(f"       {MARK[r.status.value]} {r.resource}: {r.evidence}")
    lines += ["", f"{s['controls']} controls ({s['cis_controls']} CIS evaluated, {s['cis_manual_controls']} CIS manual, "
              f"{s['extra_controls']} extras) over {s['resources']} resources: {s['passed']} pass, {s['failed']} fail, "
              f"{s['not_evaluated']} not evaluated, {s['manual']} manual, {s['no_resources']} without resources; "
              f"{len(s['findings'])} failing results"]
    for key, value in (extra or {}).items():
        lines += _extra(key, value)
    return "\n".join(lines)


def _extra(key: str, value: Any) -> list[str]:
    """Run facts (the demo's self-checks, timings) as indented key: value lines."""
    if not isinstance(value, dict):
        return [f"{key}: {value}"]
    lines = ["", f"{key}:"]
    for k, v in value.items():
        if isinstance(v, dict):
            v = ", ".join(f"{kk}={vv}" for kk, vv in v.items())
        if v or v == 0:
            lines.append(f"  {k}: {v}")
    return lines
