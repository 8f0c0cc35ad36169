"""Wire the system together and run it on simulated time until every queue has drained.

A discrete-event loop: at each step it picks the earliest thing that can happen (an API call
from the workload, or a worker pool that has a visible message or an unsent outbox row), moves
the clock there and does it. Nothing coordinates the saga: the loop only decides *when* each
independent service gets to run.
"""
from __future__ import annotations

import heapq
import itertools
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from .breaker import BreakerConfig, CircuitBreaker
from .business import Workload, WorkloadSpec, make_workload
from .clock import VirtualClock
from .consumer import ConsumerStats, WorkerConfig, WorkerPool
from .faults import FaultPlan, FaultyTransport
from .gateway import PaymentGateway
from .memory_broker import MemoryBroker
from .services.inventory import InventoryService
from .services.order import OrderService
from .services.payment import PaymentService, RetryPolicy
from .services.shipping import ShippingService
from .sqs_transport import SqsTransport
from .tracing import Tracer
from .transport import Transport

QUEUES = ("order", "inventory", "payment", "shipping")


@dataclass(frozen=True, slots=True)
class Scenario:
    """Everything one run depends on; the same Scenario gives the same business outcome."""

    seed: int = 7
    workload: WorkloadSpec = WorkloadSpec()
    faults: FaultPlan = FaultPlan(duplicate_rate=0.1, reorder_rate=0.1, send_error_rate=0.05)
    gateway_error_rate: float = 0.05
    outage: tuple[float, float] | None = None
    """(start, seconds) of a full payment-gateway outage, simulated time"""
    poison: int = 0
    """malformed messages dropped into the inventory queue; they must end in its DLQ"""
    workers: WorkerConfig = WorkerConfig(crash_rate=0.02)
    breaker: BreakerConfig = BreakerConfig()
    retry: RetryPolicy = RetryPolicy()
    max_receive_count: int = 10
    transport: str = "memory"
    horizon: float = 24 * 3600.0
    """simulated seconds after which an undrained run stops (and reports stuck sagas)"""

    def without_delivery_faults(self) -> Scenario:
        """The same run with no duplicate deliveries and no crashes: the reference business state."""
        return replace(self, faults=replace(self.faults, duplicate_rate=0.0),
                       workers=replace(self.workers, crash_rate=0.0))


@dataclass(slots=True)
class RunResult:
    scenario: Scenario
    workload: Workload
    transport: FaultyTransport
    tracer: Tracer
    order: OrderService
    inventory: InventoryService
    payment: PaymentService
    shipping: ShippingService
    stats: ConsumerStats
    poison_ids: set[str] = field(default_factory=set)
    sim_seconds: float = 0.0
    wall_seconds: float = 0.0
    cpu_seconds: float = 0.0
    """this process's CPU time for the run: steadier than wall time when the cores are shared"""
    drained: bool = False


def run(scenario: Scenario, sqs_client: Any = None, queue_prefix: str = "saga") -> RunResult:
    """Run the scenario; `sqs_client` (a boto3 SQS client) is required for transport 'sqs'."""
    started, cpu_started = time.perf_counter(), time.process_time()
    seed = scenario.seed
    rng = lambda name: random.Random(f"{name}:{seed}")  # noqa: E731 - one independent stream per concern
    clock = VirtualClock()
    workload = make_workload(scenario.workload, seed)
    inner: Transport = (SqsTransport(clock, sqs_client, prefix=queue_prefix) if scenario.transport == "sqs"
                        else MemoryBroker(clock))
    transport = FaultyTransport(inner, clock, scenario.faults, rng("faults"))
    for name in QUEUES:
        transport.create_queue(name, scenario.max_receive_count)

    tracer = Tracer(rng("trace"))
    outages = [(scenario.outage[0], scenario.outage[0] + scenario.outage[1])] if scenario.outage else []
    gateway = PaymentGateway(clock, rng("gateway"), scenario.gateway_error_rate, outages,
                             workload.balances, workload.bad_cards)
    order = OrderService(clock, tracer)
    inventory = InventoryService(workload.stock)
    payment = PaymentService(gateway, CircuitBreaker(scenario.breaker), rng("payment"), scenario.retry)
    shipping = ShippingService()
    stats = ConsumerStats()
    workers_rng = rng("workers")
    pools = [WorkerPool(s, transport, clock, tracer, workers_rng, scenario.workers, stats)
             for s in (order, inventory, payment, shipping)]

    result = RunResult(scenario, workload, transport, tracer, order, inventory, payment, shipping, stats)
    calls = _api_calls(scenario, workload, order, inner, result.poison_ids)
    result.drained = _loop(clock, calls, pools, scenario.horizon)
    result.sim_seconds = clock.now
    result.wall_seconds = time.perf_counter() - started
    result.cpu_seconds = time.process_time() - cpu_started
    return result


def _api_calls(scenario: Scenario, workload: Workload, order: OrderService, inner: Transport,
               poison_ids: set[str]) -> list[tuple[float, int, Callable[[], None]]]:
    """The outside world's calls, as a heap: order placements, cancellations, poison messages."""
    seq = itertools.count()
    calls: list[tuple[float, int, Callable[[], None]]] = []
    for o in workload.orders:
        calls.append((o.placed_at, next(seq), lambda o=o: order.place(o)))
        if o.cancel_at is not None:
            calls.append((o.cancel_at, next(seq), lambda o=o: order.cancel(o.order_id)))
    span = workload.orders[-1].placed_at if workload.orders else 0.0
    poison_rng = random.Random(f"poison:{scenario.seed}")
    for i in range(scenario.poison):
        body = f'{{"type": "OrderPlaced", "note": "producer bug #{i}"}}'
        calls.append((poison_rng.uniform(0.0, span), next(seq),
                      lambda body=body: poison_ids.add(inner.send("inventory", body, {}))))
    heapq.heapify(calls)
    return calls


def _loop(clock: VirtualClock, calls: list[tuple[float, int, Callable[[], None]]],
          pools: list[WorkerPool], horizon: float) -> bool:
    """Run until nothing is left to do; False if the horizon was reached first."""
    last = 0.0
    while True:
        best_t = calls[0][0] if calls else None
        best: WorkerPool | None = None
        for pool in pools:
            t = pool.next_time()
            if t is not None and (best_t is None or t < best_t):
                best_t, best = t, pool
        if best_t is None:
            return True
        if best_t > horizon:
            return False
        # Work that became possible only now (a breaker that stopped pausing a queue) is done
        # now, not at the stale time an idle worker last finished.
        last = max(last, best_t)
        clock.jump(last)
        if best is None:
            heapq.heappop(calls)[2]()
        else:
            best.step()
