"""The saga as it ran: a Graphviz digraph of which service published which event to whose queue.

Drawn from a real run, not from a description: every edge is an event type that some service put
in its transactional outbox during the run (read back from each service's own database), routed
by SUBSCRIPTIONS to the queue the relay sent it to. A path the run did not take is not drawn, so
run it with failures, cancellations and an outage (the card does) to see the compensations.
"""
from __future__ import annotations

from .events import SUBSCRIPTIONS
from .simulation import RunResult

COMPENSATING = ("Failed", "Rejected", "Cancelled", "Refunded", "Released")
"""Event types that undo or end a saga: drawn dashed."""


def flows(result: RunResult) -> list[tuple[str, str, str]]:
    """(emitting service, event type, receiving service) for every event type the run published."""
    found = set()
    for service in (result.order, result.inventory, result.payment, result.shipping):
        for (event_type,) in service.store.db.execute("SELECT DISTINCT event_type FROM outbox"):
            found.add((service.name, event_type, SUBSCRIPTIONS[event_type]))
    return sorted(found)


def to_dot(result: RunResult) -> str:
    edges = flows(result)
    services = sorted({s for s, _, _ in edges} | {r for _, _, r in edges})
    lines = ["digraph cloudflow {",
             '  label="CloudFlow as it ran: each event from the outbox that wrote it to the queue that read it";',
             "  rankdir=TB;",
             "  node [shape=box, style=rounded];"]
    for name in services:
        lines.append(f'  {name} [label="{name}\\nservice"];')
    lines.append('  gateway [shape=note, label="payment gateway\\n(behind a breaker)"];')
    lines.append('  payment -> gateway [style=dotted, arrowhead=none];')
    for sender, event_type, receiver in edges:
        style = ", style=dashed" if event_type.endswith(COMPENSATING) else ""
        lines.append(f'  {sender} -> {receiver} [label="{event_type}"{style}];')
    lines.append("}")
    return "\n".join(lines) + "\n"
