"""SARIF 2.1.0 for code-scanning tools: one rule per control, one result per failing resource.

Cloud resources have no source file, so each result's location is the resource
ARN (as artifact URI and as a logical location); partialFingerprints keep a
finding's identity stable across runs so tools can track it.
"""
from __future__ import annotations

import hashlib
from typing import Any

from ..engine import Report
from ..model import Severity

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "note"}
SCORE = {Severity.CRITICAL: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5", Severity.LOW: "3.0"}
"""GitHub maps properties.security-severity onto critical/high/medium/low with these bands."""


def document(report: Report) -> dict[str, Any]:
    rules = []
    index = {}
    for i, cr in enumerate(report.controls):
        c = cr.control
        index[c.id] = i
        rules.append({
            "id": c.id,
            "name": "".join(w.capitalize() for w in c.title.split()[:8] if w.isalnum()) or c.id,
            "shortDescription": {"text": c.title},
            "fullDescription": {"text": f"{c.framework} {c.id}: {c.title}"},
            "help": {"text": c.remediation},
            "defaultConfiguration": {"level": LEVEL[c.severity]},
            "properties": {"tags": ["security", "aws", "cis" if c.is_cis else "fsbp"],
                           "security-severity": SCORE[c.severity],
                           **({"cis-level": c.level, "cis-assessment": c.assessment} if c.level else {})},
        })
    results = [{
        "ruleId": c.id,
        "ruleIndex": index[c.id],
        "level": LEVEL[c.severity],
        "message": {"text": f"{c.title}: {r.evidence}"},
        "locations": [{
            "physicalLocation": {"artifactLocation": {"uri": r.resource}},
            "logicalLocations": [{"fullyQualifiedName": r.resource, "kind": "resource"}],
        }],
        "partialFingerprints": {"cspmFinding/v1": hashlib.sha256(f"{c.id}|{r.resource}".encode()).hexdigest()},
    } for c, r in report.findings()]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "cspm", "informationUri": "https://www.cisecurity.org/benchmark/amazon_web_services",
                                "semanticVersion": "1.0.0", "rules": rules}},
            "automationDetails": {"id": f"cspm/{report.snapshot.account}/"},
            "results": results,
        }],
    }
