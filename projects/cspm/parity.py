"""Compare a scan of the demo's bad account with Prowler's verdicts on the same account, pinned in tests/.

``python -m projects.cspm.parity`` seeds the bad account in moto, scans it, and
prints the agreement: per control (both give a PASS/FAIL verdict) and per
resource (both judge the same resource), with every disagreement listed.
``python -m projects.cspm.parity --serve PORT`` serves the same seeded account on
a moto server at 127.0.0.1:PORT until interrupted, for running Prowler against it.
Prowler names some resources differently; ``same_resource`` maps its names to
this scanner's (the password policy and the support policy are the account,
the CloudTrail bucket checks name the bucket, a log group without ``:*``).
"""
from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from .engine import Report

TABLE = Path(__file__).parent / "tests" / "prowler_cis15_bad_account.json"
VERDICTS = ("PASS", "FAIL")


def load_table(path: Path = TABLE) -> dict[str, Any]:
    return json.loads(path.read_text())


def same_resource(cis: str, resource: str, account: str, trail_buckets: dict[str, str],
                  log_groups: dict[str, str]) -> str:
    """Prowler's name for a resource -> this scanner's name for it."""
    if resource.endswith(":password-policy") or resource.endswith(":policy/AWSSupportAccess"):
        return f"arn:aws:iam::{account}:root"
    if cis in ("3.3", "3.6") and resource in trail_buckets:
        return f"arn:aws:s3:::{trail_buckets[resource]}"
    if cis.startswith("4.") and cis != "4.16":
        region = resource.split(":")[3]
        return log_groups.get(region, resource) if resource.endswith(":log-group") else resource.removesuffix(":*")
    if resource.endswith(":hub/unknown"):
        return resource.replace(":hub/unknown", ":hub/default")
    if resource.endswith(":recorder"):
        return resource.replace(":recorder", ":configuration-recorder/*")
    return resource


def prowler_verdicts(report: Report, rows: list[dict[str, str]]) -> dict[tuple[str, str], str]:
    """(CIS id, resource in this scanner's naming) -> Prowler's status, FAIL if any of its checks fails there."""
    snap = report.snapshot
    trails = snap.section("cloudtrail").get("trails", [])
    buckets = {t["TrailARN"]: t["S3BucketName"] for t in trails}
    groups = {g.split(":")[3]: g.removesuffix(":*") for g in snap.section("cloudwatch").get("metric_filters", {})}
    out: dict[tuple[str, str], str] = {}
    for r in rows:
        key = (r["cis"], same_resource(r["cis"], r["resource"], snap.account, buckets, groups))
        out[key] = "FAIL" if "FAIL" in (out.get(key), r["status"]) else r["status"]
    return out


def compare(report: Report, rows: list[dict[str, str]]) -> dict[str, Any]:
    ours = {(cr.control.id, r.resource): r.status.value for cr in report.controls for r in cr.results}
    ours_control = {cr.control.id: cr.status for cr in report.controls if cr.control.is_cis}
    theirs = prowler_verdicts(report, rows)
    theirs_control: dict[str, str] = defaultdict(lambda: "PASS")
    for (cis, _), status in theirs.items():
        if status == "FAIL" or cis not in theirs_control:
            theirs_control[cis] = status
    both = sorted((c for c in ours_control if ours_control[c] in VERDICTS and theirs_control.get(c) in VERDICTS),
                  key=lambda c: tuple(map(int, c.split("."))))
    pairs = sorted(k for k in ours.keys() & theirs.keys() if ours[k] in VERDICTS and theirs[k] in VERDICTS)
    return {
        "controls_both_judge": len(both),
        "controls_agree": sum(ours_control[c] == theirs_control[c] for c in both),
        "control_disagreements": {c: [ours_control[c], theirs_control[c]] for c in both
                                  if ours_control[c] != theirs_control[c]},
        "resources_both_judge": len(pairs),
        "resources_agree": sum(ours[k] == theirs[k] for k in pairs),
        "resource_disagreements": {f"{c} {r}": [ours[(c, r)], theirs[(c, r)]] for c, r in pairs
                                   if ours[(c, r)] != theirs[(c, r)]},
        "only_this_scanner": sorted({c for c, s in ours_control.items() if s in VERDICTS} - set(theirs_control),
                                    key=lambda c: tuple(map(int, c.split(".")))),
        "not_judged_here": {c: [ours_control.get(c), s] for c, s in sorted(theirs_control.items())
                            if s in VERDICTS and ours_control.get(c) not in VERDICTS},
    }


def serve(port: int) -> int:
    """The bad demo account on a moto server, seeded in this process (the demo back-dates moto's objects)."""
    import os
    import time

    from moto.server import ThreadedMotoServer

    from . import demo
    os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    os.environ["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{port}"
    demo.seed(demo.session(shared=False), "bad")
    print(f"bad demo account served at http://127.0.0.1:{port} (Ctrl-C stops it)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    import argparse
    p = argparse.ArgumentParser(prog="python -m projects.cspm.parity", description=__doc__.splitlines()[0])
    p.add_argument("--serve", type=int, metavar="PORT", help="serve the seeded bad account on a moto server instead")
    args = p.parse_args(argv)
    if args.serve:
        return serve(args.serve)
    from .demo import moto_account
    from .demorun import collect
    from .engine import scan
    with moto_account("bad") as (session, seeded):
        report = scan(collect(session, seeded))
    table = load_table()
    print(json.dumps({"source": table["source"], **compare(report, table["rows"])}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
