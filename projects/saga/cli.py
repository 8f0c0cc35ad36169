"""`python -m projects.saga`: run the saga under injected faults, check it, report what was measured."""
from __future__ import annotations

import argparse
import json
import logging
import sys
from contextlib import ExitStack
from dataclasses import replace
from typing import Any

from .business import WorkloadSpec
from .graph import to_dot
from .faults import FaultPlan
from .report import evaluate, figures
from .simulation import RunResult, Scenario, run
from .sqs_transport import moto_sqs_client
from .tracing import render_tree

log = logging.getLogger("projects.saga")


def _outage(text: str) -> tuple[float, float]:
    start, _, seconds = text.partition(":")
    try:
        return float(start), float(seconds)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected START:SECONDS, got {text!r}") from None


def _rate(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"a probability must be in [0, 1], got {text}")
    return value


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m projects.saga",
        description="CloudFlow: order, inventory, payment and shipping services choreographed over "
                    "SQS-style queues (no orchestrator). Runs N orders under injected faults on a "
                    "simulated clock, drains the queues, checks the invariants and reports. Exit 1 if "
                    "any invariant fails.",
        epilog="example: python -m projects.saga --orders 2000 --duplicate-rate 0.3 --outage 20:30 --json")
    p.add_argument("--orders", type=int, default=500, help="orders to place (default 500)")
    p.add_argument("--rate", type=float, default=20.0, help="orders per simulated second (default 20)")
    p.add_argument("--duplicate-rate", type=_rate, default=0.1, metavar="P",
                   help="chance each delivery is delivered again later, same message id (default 0.1)")
    p.add_argument("--failure-rate", type=_rate, default=0.05, metavar="Q",
                   help="chance each payment-gateway call and each queue send fails transiently (default 0.05)")
    p.add_argument("--crash-rate", type=_rate, default=0.02, metavar="C",
                   help="chance a worker crashes after committing, before the ack (default 0.02)")
    p.add_argument("--reorder-rate", type=_rate, default=0.1, metavar="R",
                   help="chance a message is held back up to 1 s; batches are shuffled (default 0.1)")
    p.add_argument("--cancel-rate", type=_rate, default=0.05, help="share of customers who cancel (default 0.05)")
    p.add_argument("--outage", type=_outage, metavar="START:SECONDS",
                   help="full payment-gateway outage, in simulated seconds (e.g. 20:30)")
    p.add_argument("--poison", type=int, default=0, metavar="N", help="malformed messages to inject (end in a DLQ)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--transport", choices=("memory", "sqs"), default="memory",
                   help="memory: in-process SQS-semantics broker; sqs: boto3 SQS on moto's mock_aws")
    p.add_argument("--no-reference", action="store_true",
                   help="skip the second run without duplicates/crashes that the final state is compared to")
    p.add_argument("--trace", metavar="ORDER_ID", help="print this order's span tree (e.g. 42 or o-000042)")
    p.add_argument("--unsafe-no-idempotency", action="store_true",
                   help="negative control: turn off processed-message records and business keys")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.add_argument("--graph", action="store_true",
                   help="print the event flow of this run as a Graphviz digraph (pipe it to dot -Tsvg)")
    return p


def scenario_from(args: argparse.Namespace) -> Scenario:
    base = Scenario()
    return replace(
        base, seed=args.seed, transport=args.transport, outage=args.outage, poison=args.poison,
        gateway_error_rate=args.failure_rate,
        workload=WorkloadSpec(orders=args.orders, rate=args.rate, cancel_rate=args.cancel_rate),
        faults=FaultPlan(duplicate_rate=args.duplicate_rate, reorder_rate=args.reorder_rate,
                         send_error_rate=args.failure_rate),
        workers=replace(base.workers, crash_rate=args.crash_rate, idempotent=not args.unsafe_no_idempotency))


def execute(scenario: Scenario, reference: bool) -> tuple[RunResult, dict[str, Any]]:
    """Run the scenario (and its fault-free reference) and compute the figures."""
    with ExitStack() as stack:
        client = stack.enter_context(moto_sqs_client()) if scenario.transport == "sqs" else None
        digest = None
        if reference:
            from .invariants import business_state
            digest = business_state(run(scenario.without_delivery_faults(), client, queue_prefix="reference"))
        result = run(scenario, client)
        return result, figures(result, digest)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(message)s")
    scenario = scenario_from(args)
    result, fig = execute(scenario, reference=not args.no_reference)
    tree = _trace_lines(result, args.trace) if args.trace else None
    if args.graph:
        print(to_dot(result), end="")
    elif args.json:
        if tree is not None:
            fig["trace"] = tree
        print(json.dumps(fig))
    else:
        if tree is not None:
            print("\n".join(tree))
        print(_summary(fig))
    for check in evaluate(result, fig):
        if not check.ok:
            log.error("invariant failed: %s (%s)", check.name, check.detail)
    return 0 if fig["ok"] else 1


def _trace_lines(result: RunResult, order: str) -> list[str]:
    order_id = order if order.startswith("o-") else f"o-{int(order):06d}"
    trace_id = result.order.trace_of(order_id)
    if trace_id is None:
        return [f"no order {order_id}"]
    status = result.order.states()[order_id][0]
    return [f"trace {trace_id}  order {order_id}  {status}  (simulated ms)",
            *render_tree(result.tracer.by_trace()[trace_id])]


def _summary(f: dict[str, Any]) -> str:
    b, d = f["breaker"], f["dlq"]
    lines = [
        f"sagas      {f['orders']} orders: {f['completed']} completed, {f['compensated']} compensated, "
        f"{f['stuck']} stuck",
        f"money      {f['double_charges']} double charges, {f['net_mismatches']} net mismatches, "
        f"conserved={f['money_conserved']}; inventory conserved={f['inventory_conserved']}",
        f"delivery   {f['duplicates_delivered']} duplicate deliveries, {f['redeliveries']} redeliveries, "
        f"{f['crashes_before_ack']} crashes before ack, {f['producer_resends']} producer re-sends",
        f"dedup      {f['duplicates_skipped']} by message id, {f['business_key_noops']} by business key, "
        f"{f['tombstones']} tombstones, {f['late_forward_noops']} late forward steps dropped",
        f"dlq        {d['count']} messages ({d['saga_messages']} from sagas)",
        f"traces     {f['traces_connected']}/{f['orders']} connected, {f['spans']} spans",
        f"breaker    {b['trips']} trips ({b['trips_outside_outage']} outside an outage), {b['shed']} calls shed, "
        f"open {b['open_seconds']} s, "
        f"final {b['state']}" + (f", opened {b['open_after_ms']} ms into the outage after {b['calls_before_open']} "
                                 f"calls, closed {b['closed_after_recovery_ms']} ms after it"
                                 if "open_after_ms" in b else ""),
        f"reference  same final state without duplicates/crashes: {f['same_state_without_duplicates']}",
        f"speed      {f['orders_per_min']:,} orders/min of wall clock through the simulator "
        f"({f['wall_seconds']} s; {f['orders_per_cpu_min']:,} per CPU minute); saga latency in simulated time p50 {f['p50_ms']} ms, p99 {f['p99_ms']} ms",
        "checks     " + ("all passed" if f["ok"] else
                         "FAILED: " + ", ".join(k for k, ok in f["checks"].items() if not ok)),
    ]
    return "\n".join(lines)
