"""Property: whatever the seed and fault rates, every invariant holds after the queues drain."""
from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from projects.saga.cli import execute, parser, scenario_from
from projects.saga.simulation import Scenario


def scenario(*argv: object) -> Scenario:
    """Build a Scenario exactly as the CLI would from these arguments."""
    return scenario_from(parser().parse_args([str(a) for a in argv]))


def failed(fig: dict[str, Any]) -> list[str]:
    return [name for name, ok in fig["checks"].items() if not ok]


rates = st.floats(0.0, 0.5)


@settings(max_examples=40, deadline=None, database=None)
@given(seed=st.integers(0, 100_000), duplicate_rate=rates, failure_rate=st.floats(0.0, 0.3),
       crash_rate=st.floats(0.0, 0.25), reorder_rate=rates, cancel_rate=rates,
       outage=st.none() | st.tuples(st.floats(0.0, 2.0), st.floats(0.5, 8.0)))
def test_every_saga_ends_consistent(seed: int, duplicate_rate: float, failure_rate: float, crash_rate: float,
                                     reorder_rate: float, cancel_rate: float,
                                     outage: tuple[float, float] | None) -> None:
    argv: list[object] = ["--orders", 40, "--seed", seed, "--duplicate-rate", duplicate_rate,
                          "--failure-rate", failure_rate, "--crash-rate", crash_rate, "--reorder-rate",
                          reorder_rate, "--cancel-rate", cancel_rate, "--poison", 1]
    if outage is not None:
        argv += ["--outage", f"{outage[0]}:{outage[1]}"]
    _, fig = execute(scenario(*argv), reference=True)
    assert failed(fig) == []
    assert fig["stuck"] == 0 and fig["double_charges"] == 0
    assert fig["completed"] + fig["compensated"] == 40
    assert fig["same_state_without_duplicates"] is True
    assert fig["dlq"]["poison_missing"] == 0  # saga messages may also sit there, but their sagas finished


def test_faults_were_really_injected_and_absorbed() -> None:
    """Guard against a property test that passes because nothing happened."""
    _, fig = execute(scenario("--orders", 200, "--duplicate-rate", 0.3, "--crash-rate", 0.1,
                              "--cancel-rate", 0.3), reference=False)
    assert failed(fig) == []
    assert fig["duplicates_delivered"] > 0 and fig["duplicates_skipped"] > 0
    assert fig["redeliveries"] > 0 and fig["crashes_before_ack"] > 0
    assert fig["producer_resends"] > 0 and fig["business_key_noops"] > 0
    assert fig["tombstones"] > 0 and fig["late_forward_noops"] > 0
    assert 0 < fig["compensated"] < fig["orders"]


def test_without_idempotency_the_checks_catch_double_charges() -> None:
    """Negative control: switch off processed-message records and business keys."""
    _, fig = execute(scenario("--orders", 80, "--duplicate-rate", 0.3, "--unsafe-no-idempotency"),
                     reference=True)
    assert fig["double_charges"] > 0
    assert {"no_double_charges", "inventory_conserved"} <= set(failed(fig))
    assert fig["ok"] is False
