"""The sqs transport (boto3 against moto's mock_aws) passes the same scenarios as the memory broker.

Business outcomes depend only on the seed, so both transports must also end in the same state.
"""
from __future__ import annotations

import pytest

from projects.saga.cli import execute, parser, scenario_from

SCENARIOS = {
    "duplicates": ["--duplicate-rate", "0.5", "--crash-rate", "0"],
    "crashes": ["--duplicate-rate", "0", "--crash-rate", "0.25"],
    "gateway outage": ["--outage", "0.5:3", "--failure-rate", "0.1"],
    "poison": ["--poison", "2"],
}


@pytest.mark.parametrize("name", SCENARIOS)
def test_sqs_and_memory_pass_the_same_scenario_and_agree(name: str) -> None:
    argv = ["--orders", "24", "--seed", "11", "--cancel-rate", "0.2", *SCENARIOS[name]]
    figs = {}
    for transport in ("memory", "sqs"):
        _, fig = execute(scenario_from(parser().parse_args([*argv, "--transport", transport])),
                         reference=transport == "memory")
        assert [k for k, ok in fig["checks"].items() if not ok] == [], transport
        assert fig["stuck"] == 0 and fig["double_charges"] == 0
        figs[transport] = fig
    assert figs["sqs"]["state_digest"] == figs["memory"]["state_digest"]
    assert figs["sqs"]["dlq"]["count"] == figs["memory"]["dlq"]["count"]
