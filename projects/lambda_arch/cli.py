"""Command line: the proof run (default), `serve` and `token`. The only module that prints or exits."""
from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
from pathlib import Path
from typing import NoReturn

from botocore.exceptions import BotoCoreError, ClientError

from . import graph, wiring
from .events import Workload
from .pipeline import RunConfig, run

SUBCOMMANDS = ("serve", "token")
INVARIANTS = (
    ("merge_mismatches", lambda r: r["merge_mismatches"] == 0),
    ("late_events_lost", lambda r: r["late_events_lost"] == 0),
    ("recompute_cross_check", lambda r: r["recompute_cross_check"] is True),
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """A usage mistake: the usage, one line saying what is wrong, exit status 1."""
        self.print_usage(sys.stderr)
        self.exit(1, f"{self.prog}: error: {message}\n")


def _run_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="python -m projects.lambda_arch",
        description="Run a Lambda Architecture in miniature: a seeded event stream feeds a speed layer "
                    "(per-minute aggregates with a 24 h TTL) and a batch layer (raw JSONL -> Parquet -> SQL); "
                    "the serving merge is checked against a full recompute for many windows and cutoffs.",
        epilog="subcommands: 'serve' starts the JSON API + dashboard on 127.0.0.1 (see serve --help); "
               "'token' mints a development JWT for it (see token --help). Exit status 1 if a checked "
               "invariant fails.")
    add_workload_args(p)
    p.add_argument("--checks", type=int, default=12, metavar="K",
                   help="random merge checks per checkpoint (three checkpoints per batch run; default 12)")
    p.add_argument("--data", type=Path, help="keep the data here (raw/, events/, views/, speed.sqlite) "
                                             "instead of a temporary directory; `serve --data` reads it")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout (logs go to stderr)")
    p.add_argument("--graph", action="store_true",
                   help="print the wiring a run builds as a Graphviz digraph and exit (pipe it to dot -Tsvg)")
    p.add_argument("--aws", action="store_true",
                   help="run on AWS interfaces through boto3: Kinesis, DynamoDB (speed store, leases), S3, Glue; "
                        "on a moto server started for the run unless --endpoint-url names one")
    p.add_argument("--endpoint-url", metavar="URL", help="with --aws: the server to use (moto: moto_server -p 5000)")
    p.add_argument("--faults", action="store_true",
                   help="with --aws: inject every stream fault, seeded by --seed: throttling, partial PutRecords "
                        "failures, expired iterators, consumers killed before their checkpoint, a shard split")
    p.add_argument("-v", "--verbose", action="store_true", help="log each batch run")
    return p


def add_workload_args(p: argparse.ArgumentParser, events: int = 200_000) -> None:
    """Options shared by the proof run and `serve` (which builds its data the same way)."""
    p.add_argument("--events", type=int, default=events, metavar="N", help=f"events to generate (default {events:,})")
    p.add_argument("--duplicate-rate", type=float, default=0.03, metavar="P",
                   help="fraction of events delivered more than once (default 0.03)")
    p.add_argument("--late-rate", type=float, default=0.02, metavar="L",
                   help="fraction of events first delivered minutes to hours late (default 0.02)")
    p.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    p.add_argument("--hours", type=int, default=48, help="hours of event time to simulate (default 48)")
    p.add_argument("--batch-every", type=int, default=2, metavar="H",
                   help="hours between batch runs; each run's cutoff is its start (default 2)")


def check_workload(p: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Reject values the generator would accept but that make no sense."""
    if args.events < 1 or args.hours < 1 or args.batch_every < 1:
        p.error("--events, --hours and --batch-every must be at least 1")
    if not (0 <= args.duplicate_rate <= 1 and 0 <= args.late_rate <= 1):
        p.error("--duplicate-rate and --late-rate are fractions between 0 and 1")


def config_from(args: argparse.Namespace, data_dir: Path, checks: int) -> RunConfig:
    w = Workload(args.events, args.duplicate_rate, args.late_rate, args.seed, args.hours)
    return RunConfig(w, data_dir, args.batch_every, checks)


def _human(r: dict[str, object]) -> str:
    stale = ", ".join(f"{s['lag_h']}h lag -> {s['missing_events']:,} missing" for s in r["stale_batch"])
    return "\n".join([
        f"events            {r['events']:,} ({r['deliveries']:,} deliveries, {r['duplicate_deliveries']:,} duplicates)",
        f"merge checks      {r['merge_checks']:,} windows x cutoffs, {r['merge_mismatches']} mismatches, "
        f"{r['merge_exact']:,} equal to the recompute with no drift to explain",
        f"duplicates        speed view over-counted up to {r['duplicate_drift_max']:,} before a batch run; "
        f"{r['duplicate_drift_healed']:,} healed in total",
        f"late events       {r['late_events']:,} arrived after their batch; {r['late_events_recovered']:,} "
        f"recovered by the next one, {r['late_events_lost']} lost ({r['late_beyond_ttl']:,} past the TTL on arrival)",
        f"stale batch       {stale}",
        f"freshness         p50 {r['freshness_p50_ms']} ms, p99 {r['freshness_p99_ms']} ms (ingest -> readable)",
        f"batch             view query {r['batch_query_ms']} ms over full history; "
        f"{r['batch_runs']} runs, {r['partitions_rewritten']} partitions rewritten",
        f"throughput        {r['events_per_s']:,} deliveries/s through both paths",
        f"cross-check       raw SQL == Parquet SQL == log: {r['recompute_cross_check']}",
        f"stream            {_stream_line(r['stream'])}",
    ])


def _stream_line(s: dict[str, object]) -> str:
    faults = ", ".join(f"{k.replace('_', ' ')} {n:,}" for k, n in s["faults"].items()) or "no faults injected"
    restarts = ", ".join(f"{app} x{n}" for app, n in s["consumer_restarts"].items()) or "none"
    return (f"{s['kind']}; {faults}; consumers restarted: {restarts}; "
            f"{s['replayed_deltas_skipped']:,} replayed deltas skipped")


def _run(args: argparse.Namespace, data_dir: Path) -> dict[str, object]:
    cfg = config_from(args, data_dir, args.checks)
    if not args.aws:
        return run(cfg)
    from . import aws
    return aws.run(cfg, args.endpoint_url, args.faults)


def _graph(args: argparse.Namespace) -> str:
    """Build the run's wiring without running it (no AWS request either), and draw it."""
    with tempfile.TemporaryDirectory(prefix="lambda_arch-") as tmp:
        if args.aws:
            from . import aws
            wired = aws.wiring(Path(tmp), aws.clients(args.endpoint_url or "http://127.0.0.1:5000"), aws.Names())
        else:
            wired = wiring.embedded(Path(tmp))
        try:
            return graph.to_dot(wired)
        finally:
            wired.close()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in SUBCOMMANDS:
        from . import server_cli
        return server_cli.main(argv[0], argv[1:])
    parser = _run_parser()
    args = parser.parse_args(argv)
    check_workload(parser, args)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    if (args.endpoint_url or args.faults) and not args.aws:
        parser.error("--endpoint-url and --faults go with --aws (the in-process stream has no shards or leases)")
    if args.graph:
        print(_graph(args), end="")
        return 0
    try:
        if args.data:
            args.data.mkdir(parents=True, exist_ok=True)
            report = _run(args, args.data)
        else:
            with tempfile.TemporaryDirectory(prefix="lambda_arch-") as tmp:
                report = _run(args, Path(tmp))
    except (BotoCoreError, ClientError) as err:
        print(f"error: AWS at {args.endpoint_url or 'the in-process moto server'}: {err}", file=sys.stderr)
        return 1
    failed = [name for name, ok in INVARIANTS if not ok(report)]
    report["invariants_failed"] = failed
    print(json.dumps(report, indent=2) if args.json else _human(report))
    for name in failed:
        print(f"INVARIANT FAILED: {name}", file=sys.stderr)
    for example in report["mismatch_examples"]:
        print(f"  {example}", file=sys.stderr)
    return 1 if failed else 0
