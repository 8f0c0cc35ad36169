"""Fixtures: each transport implementation behind the same interface, on a fresh virtual clock."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from projects.saga.clock import VirtualClock
from projects.saga.memory_broker import MemoryBroker
from projects.saga.sqs_transport import SqsTransport, moto_sqs_client
from projects.saga.transport import Transport


@pytest.fixture(params=["memory", "sqs"])
def transport(request: pytest.FixtureRequest) -> Iterator[tuple[Transport, VirtualClock]]:
    clock = VirtualClock()
    if request.param == "memory":
        yield MemoryBroker(clock), clock
    else:
        with moto_sqs_client() as client:
            yield SqsTransport(clock, client, prefix="contract"), clock
