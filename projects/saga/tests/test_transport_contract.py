"""The SQS semantics both transports must share: visibility timeout, receive count, DLQ, receipts."""
from __future__ import annotations

from projects.saga.clock import VirtualClock
from projects.saga.tracing import HEADER
from projects.saga.transport import Transport

Fixture = tuple[Transport, VirtualClock]


def test_a_received_message_is_hidden_until_its_visibility_timeout(transport: Fixture) -> None:
    t, clock = transport
    t.create_queue("q", max_receive_count=5)
    sent_id = t.send("q", "hello", {"k": "v"})
    [first] = t.receive("q", 10, visibility_timeout=30)
    assert (first.message_id, first.body, first.attributes["k"], first.receive_count) == (sent_id, "hello", "v", 1)
    assert t.receive("q", 10, 30) == []
    clock.jump(29.0)
    assert t.receive("q", 10, 30) == []
    clock.jump(30.0)
    [again] = t.receive("q", 10, 30)
    assert again.message_id == sent_id and again.receive_count == 2 and again.receipt != first.receipt


def test_delete_with_the_current_receipt_acknowledges(transport: Fixture) -> None:
    t, clock = transport
    t.create_queue("q", max_receive_count=5)
    t.send("q", "x", {})
    [d] = t.receive("q", 10, 5)
    t.delete("q", d.receipt)
    clock.jump(100.0)
    assert t.receive("q", 10, 5) == [] and t.depth("q") == 0 and t.next_ready("q") is None


def test_change_visibility_defers_a_message(transport: Fixture) -> None:
    t, clock = transport
    t.create_queue("q", max_receive_count=5)
    t.send("q", "x", {})
    [d] = t.receive("q", 10, 30)
    t.change_visibility("q", d.receipt, 3.0)
    assert t.next_ready("q") == 3.0
    clock.jump(3.0)
    assert [m.receive_count for m in t.receive("q", 10, 30)] == [2]


def test_after_max_receive_count_the_message_moves_to_the_dead_letter_queue(transport: Fixture) -> None:
    t, clock = transport
    t.create_queue("q", max_receive_count=3)
    poison_id = t.send("q", "poison", {})
    t.send("q", "fine", {})
    for i in range(3):
        got = {d.body: d for d in t.receive("q", 10, 1)}
        if "fine" in got:
            t.delete("q", got["fine"].receipt)
        assert got["poison"].receive_count == i + 1
        clock.jump(clock.now + 1)
    assert t.receive("q", 10, 1) == []
    [dead] = t.dead_letters("q")
    assert (dead.message_id, dead.body, dead.receive_count) == (poison_id, "poison", 3)
    assert t.depth("q") == 0


def test_trace_header_travels_with_the_message(transport: Fixture) -> None:
    t, _ = transport
    t.create_queue("q", max_receive_count=3)
    header = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
    t.send("q", "x", {HEADER: header, "event_type": "OrderPlaced"})
    [d] = t.receive("q", 10, 1)
    assert d.attributes == {HEADER: header, "event_type": "OrderPlaced"}
