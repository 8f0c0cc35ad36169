"""One self-contained HTML page (inline CSS, no scripts, no external requests); all text escaped."""
from __future__ import annotations

from html import escape

from ..engine import Report
from ..model import Status

CSS = """body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#1b1b1b}
table{border-collapse:collapse;width:100%;margin-bottom:1.5rem}th,td{border:1px solid #ccc;padding:.3rem .5rem;
text-align:left;vertical-align:top}th{background:#f0f0f0}.PASS{color:#11651d}.FAIL{color:#a4161a;font-weight:600}
.NOT_EVALUATED{color:#8a5a00}.MANUAL{color:#444;font-style:italic}.NO_RESOURCES{color:#666}details{margin:.2rem 0}code{font-size:12px}"""


def page(report: Report) -> str:
    s = report.summary()
    out = ["<!doctype html><html lang=en><head><meta charset=utf-8>",
           f"<title>CIS AWS v1.5 scan {escape(s['account'])}</title><style>{CSS}</style></head><body>",
           f"<h1>CIS AWS Foundations Benchmark v1.5.0: account {escape(s['account'])}</h1>",
           f"<p>Source: {escape(str(s['source']))}. Regions: {escape(', '.join(s['regions']))}. "
           f"{s['controls']} controls over {s['resources']} resources: {s['passed']} pass, "
           f"{s['failed']} fail, {s['not_evaluated']} not evaluated, {s['manual']} manual (CIS marks them Manual: "
           "listed for review, never judged).</p>"]
    out += [f"<p>Fixture: {escape(f)}</p>" for f in s["fixtures"]]
    section = None
    for cr in report.controls:
        c = cr.control
        if c.section != section:
            if section is not None:
                out.append("</tbody></table>")
            section = c.section
            out.append(f"<h2>{escape(section)}</h2><table><thead><tr><th>ID</th><th>Level</th><th>Severity</th>"
                       "<th>Control</th><th>Status</th><th>Resources</th></tr></thead><tbody>")
        rows = "".join(f"<li class={r.status.value}>{r.status.value} <code>{escape(r.resource)}</code>: "
                       f"{escape(r.evidence)}</li>" for r in cr.results)
        n = len(cr.results)
        detail = (f"<details{' open' if cr.with_status(Status.FAIL) else ''}><summary>{n} "
                  f"resource{'' if n == 1 else 's'}</summary><ul>{rows}</ul><p>Remediation: {escape(c.remediation)}</p></details>")
        out.append(f"<tr><td>{escape(c.id)}</td><td>{c.level or '-'}</td><td>{c.severity.value}</td>"
                   f"<td>{escape(c.title)}</td><td class={cr.status}>{cr.status}</td><td>{detail}</td></tr>")
    out.append("</tbody></table></body></html>")
    return "\n".join(out)
