"""X-Ray style tracing: one trace per saga, carried across queues in the AWSTraceHeader.

Header format (as AWS X-Ray writes it): ``Root=1-<8 hex epoch>-<24 hex>;Parent=<16 hex>;Sampled=1``.
Every consumer opens a span whose parent is the span that produced the message, so the trace
stays one tree across services. Deliveries the consumer drops as duplicates get a short span
annotated ``duplicate`` instead of a new trace, which is the noise a fresh trace per Lambda
invocation would add.
"""
from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field

HEADER = "AWSTraceHeader"


@dataclass(frozen=True, slots=True)
class TraceContext:
    root: str
    parent: str
    sampled: bool = True

    def header(self) -> str:
        return f"Root={self.root};Parent={self.parent};Sampled={int(self.sampled)}"


def parse_header(value: str | None) -> TraceContext | None:
    """Parse an AWSTraceHeader; None when missing or without a Root."""
    if not value:
        return None
    parts = dict(p.split("=", 1) for p in value.split(";") if "=" in p)
    if "Root" not in parts:
        return None
    return TraceContext(parts["Root"], parts.get("Parent", ""), parts.get("Sampled", "1") == "1")


@dataclass(slots=True)
class Span:
    trace_id: str
    span_id: str
    parent_id: str | None
    service: str
    name: str
    start: float
    end: float = 0.0
    annotations: dict[str, str] = field(default_factory=dict)


class Tracer:
    """Collects spans in memory (the X-Ray daemon's job), with seeded ids."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self.spans: list[Span] = []

    def new_trace(self, service: str, name: str, now: float) -> Span:
        trace_id = f"1-{int(1_700_000_000 + now):08x}-{self._rng.getrandbits(96):024x}"
        return self._open(trace_id, None, service, name, now)

    def child(self, ctx: TraceContext, service: str, name: str, now: float) -> Span:
        return self._open(ctx.root, ctx.parent, service, name, now)

    def _open(self, trace_id: str, parent: str | None, service: str, name: str, now: float) -> Span:
        span = Span(trace_id, f"{self._rng.getrandbits(64):016x}", parent, service, name, now)
        self.spans.append(span)
        return span

    def by_trace(self) -> dict[str, list[Span]]:
        traces: dict[str, list[Span]] = defaultdict(list)
        for span in self.spans:
            traces[span.trace_id].append(span)
        return traces


def context_of(span: Span) -> TraceContext:
    """The context a message produced inside `span` carries."""
    return TraceContext(span.trace_id, span.span_id)


def is_connected(spans: list[Span]) -> bool:
    """Exactly one root, and every other span's parent is a span of the same trace."""
    ids = {s.span_id for s in spans}
    roots = [s for s in spans if s.parent_id is None]
    return len(roots) == 1 and all(s.parent_id in ids for s in spans if s.parent_id is not None)


def render_tree(spans: list[Span]) -> list[str]:
    """The span tree as indented lines, children in start-time order; times in simulated ms."""
    children: dict[str | None, list[Span]] = defaultdict(list)
    for s in sorted(spans, key=lambda s: (s.start, s.span_id)):
        children[s.parent_id].append(s)
    lines: list[str] = []

    def walk(span: Span, depth: int) -> None:
        notes = " ".join(f"{k}={v}" for k, v in sorted(span.annotations.items()))
        lines.append(f"{'  ' * depth}{span.service:<9} {span.name:<18} "
                     f"@{span.start * 1000:10.1f}ms  {(span.end - span.start) * 1000:7.1f}ms  {notes}".rstrip())
        for child in children.get(span.span_id, []):
            walk(child, depth + 1)

    for root in children.get(None, []):
        walk(root, 0)
    return lines
