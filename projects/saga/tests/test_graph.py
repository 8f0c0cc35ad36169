"""--graph draws what the run did: every event type a service published, to the service
SUBSCRIPTIONS routes it to, and nothing the run did not send."""
import shutil
import subprocess

import pytest

from projects.saga.events import SUBSCRIPTIONS
from projects.saga.graph import flows, to_dot
from projects.saga.business import WorkloadSpec
from projects.saga.simulation import Scenario, run


@pytest.fixture(scope="module")
def result():
    return run(Scenario(workload=WorkloadSpec(orders=300), outage=(8.0, 6.0)))


def test_every_published_event_is_an_edge_to_its_subscriber(result):
    edges = flows(result)
    assert {event for _, event, _ in edges} >= {"OrderPlaced", "InventoryReserved", "PaymentCharged",
                                                "ShipmentScheduled"}
    for sender, event, receiver in edges:
        assert SUBSCRIPTIONS[event] == receiver
        assert f'{sender} -> {receiver} [label="{event}"' in to_dot(result)


def test_a_path_the_run_did_not_take_is_not_drawn():
    quiet = run(Scenario(workload=WorkloadSpec(orders=20, cancel_rate=0.0)))
    assert "OrderCancelled" not in to_dot(quiet)


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is installed by make install")
def test_the_graph_parses_with_dot(result):
    subprocess.run(["dot", "-Tsvg"], input=to_dot(result), text=True, check=True, capture_output=True)
