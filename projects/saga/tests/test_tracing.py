"""X-Ray header format and the connectivity check the run relies on."""
from __future__ import annotations

import random
import re

from projects.saga.tracing import Tracer, context_of, is_connected, parse_header, render_tree

XRAY = re.compile(r"^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=1$")


def test_header_has_the_xray_shape_and_round_trips() -> None:
    tracer = Tracer(random.Random(1))
    root = tracer.new_trace("api", "PlaceOrder", 0.0)
    header = context_of(root).header()
    assert XRAY.match(header)
    ctx = parse_header(header)
    assert ctx is not None and ctx.root == root.trace_id and ctx.parent == root.span_id and ctx.sampled


def test_headers_without_a_root_are_not_contexts() -> None:
    assert parse_header(None) is None
    assert parse_header("Parent=53995c3f42cd8ad8;Sampled=1") is None


def test_connected_means_one_root_and_no_dangling_parent() -> None:
    tracer = Tracer(random.Random(2))
    root = tracer.new_trace("api", "PlaceOrder", 0.0)
    child = tracer.child(context_of(root), "inventory", "OrderPlaced", 0.01)
    grandchild = tracer.child(context_of(child), "payment", "InventoryReserved", 0.02)
    assert is_connected([root, child, grandchild])
    assert not is_connected([child, grandchild])  # no root
    stray = tracer.new_trace("payment", "InventoryReserved", 0.03)
    stray.trace_id = root.trace_id
    assert not is_connected([root, child, grandchild, stray])  # two roots
    lines = render_tree([root, child, grandchild])
    assert [line.split()[0] for line in lines] == ["api", "inventory", "payment"]
    assert lines[2].startswith("    payment")
