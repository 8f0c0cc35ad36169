"""Command line: the only place that prints results and chooses the exit code."""
from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

import boto3
from botocore.exceptions import BotoCoreError

from . import fixtures, snapshot as snap
from .collector import CollectionError, Collector
from .engine import Report, scan
from .model import Severity
from .report import FORMATS, render

EXIT_FINDINGS, EXIT_USAGE, EXIT_SELF_CHECK = 1, 2, 3

EPILOG = """examples:
  python -m projects.cspm --demo                      scan a seeded, misconfigured moto account (no AWS needed)
  python -m projects.cspm --demo --json               the same, as the JSON the project card quotes
  python -m projects.cspm --regions eu-west-1 --fail-on high     scan the account of the default credential chain
  python -m projects.cspm --save-snapshot acct.json   collect once ...
  python -m projects.cspm --snapshot acct.json --format sarif -o cspm.sarif   ... and rescan offline
  python -m projects.cspm --graph | dot -Tsvg     the scanner's architecture, from its own tables

exit codes: 0 ok; 1 a FAIL at or above --fail-on; 2 usage or collection error; 3 a demo self-check failed"""


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m projects.cspm", epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="CIS AWS Foundations Benchmark v1.5.0 scanner (IAM, S3, EC2, CloudTrail, KMS) "
                    "with two AWS FSBP extras. Reads an account through boto3, a saved snapshot, or a moto demo.")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--demo", action="store_true",
                     help="seed a known-misconfigured account in moto, scan it, and self-check the result")
    src.add_argument("--snapshot", type=Path, metavar="FILE", help="scan a snapshot saved with --save-snapshot")
    p.add_argument("--save-snapshot", type=Path, metavar="FILE", help="write the collected account state as JSON")
    p.add_argument("--regions", help="comma-separated regions (default: every region enabled for the account)")
    p.add_argument("--profile", help="AWS profile (default credential chain otherwise)")
    p.add_argument("--endpoint-url", help="send every API call here (e.g. a moto server or LocalStack)")
    p.add_argument("--fixture", type=Path, metavar="FILE",
                   help="overlay facts the endpoint cannot represent (see fixtures.py); named in the evidence")
    p.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    p.add_argument("--json", action="store_true", help="shorthand for --format json")
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="write the report here instead of stdout")
    p.add_argument("--fail-on", choices=["none", *(s.value for s in Severity)], default="none",
                   help="exit 1 if any FAIL has this severity or higher (default: none)")
    p.add_argument("--graph", action="store_true",
                   help="print the architecture (AWS calls, checks per section, reports, the scheduled path in "
                        "infra/) as Graphviz DOT and exit")
    p.add_argument("-v", "--verbose", action="store_true", help="log collection progress to stderr")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.ERROR, stream=sys.stderr,
                        format="%(name)s: %(message)s")
    if args.graph:
        from .graph import dot
        print(dot())
        return 0
    fmt = "json" if args.json else args.format
    start = time.perf_counter()
    extra: dict[str, object] = {}
    failed_checks: list[str] = []
    try:
        if args.demo:
            from .demorun import run
            outcome = run()
            report, snapshot = outcome.report, outcome.snapshot
            extra, failed_checks = {"demo": outcome.facts}, outcome.failed_checks
        else:
            snapshot = snap.load(args.snapshot) if args.snapshot else _collect(args)
            if args.fixture:
                fixtures.apply(snapshot, fixtures.load(args.fixture), str(args.fixture))
            report = scan(snapshot)
    except (OSError, ValueError, CollectionError) as e:
        print(f"cspm: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    if args.save_snapshot:
        snap.save(snapshot, args.save_snapshot)
    extra["duration_s"] = round(time.perf_counter() - start, 3)
    text = render(report, fmt, extra)
    if args.output:
        args.output.write_text(text + "\n")
    else:
        print(text)
    for problem in failed_checks:
        print(f"cspm: self-check failed: {problem}", file=sys.stderr)
    return EXIT_SELF_CHECK if failed_checks else _exit_code(report, args.fail_on)


def _collect(args: argparse.Namespace) -> snap.Snapshot:
    regions = [r.strip() for r in args.regions.split(",") if r.strip()] if args.regions else None
    try:
        session = boto3.Session(profile_name=args.profile)
    except BotoCoreError as e:  # unknown profile, broken config file
        raise CollectionError(str(e)) from e
    return Collector(session, regions, endpoint_url=args.endpoint_url, source=args.endpoint_url or "aws").collect()


def _exit_code(report: Report, fail_on: str) -> int:
    worst = report.worst_failure()
    if fail_on == "none" or worst is None:
        return 0
    return EXIT_FINDINGS if worst.rank >= Severity(fail_on).rank else 0
