"""Render a Report: terminal table, JSON, SARIF 2.1.0 or a self-contained HTML page."""
from __future__ import annotations

import json
from typing import Any

from ..engine import Report
from . import html, sarif, table

FORMATS = ("table", "json", "sarif", "html")


def as_json(report: Report, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Summary figures plus every control's per-resource results."""
    out = report.summary()
    out["control_results"] = [
        {"id": cr.control.id, "title": cr.control.title, "section": cr.control.section,
         "framework": cr.control.framework, "level": cr.control.level, "assessment": cr.control.assessment,
         "severity": cr.control.severity.value,
         "status": cr.status, "needs": list(cr.control.needs),
         "results": [{"resource": r.resource, "region": r.region, "status": r.status.value, "evidence": r.evidence}
                     for r in cr.results]}
        for cr in report.controls]
    return {**out, **(extra or {})}


def render(report: Report, fmt: str, extra: dict[str, Any] | None = None) -> str:
    if fmt == "json":
        return json.dumps(as_json(report, extra), indent=1)
    if fmt == "sarif":
        return json.dumps(sarif.document(report), indent=1)
    if fmt == "html":
        return html.page(report)
    return table.text(report, extra)
