"""--graph, --msc and the states_per_level chart series follow the model and the run, not a description."""
from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from projects.tar import cli, graph, msc, tar_bits, tar_model, vbfs


def declared_nodes(dot: str) -> dict[str, str]:
    """``{node id: label}`` for every node statement in the DOT text."""
    return {m[1]: m[2] for m in re.finditer(r'^\s*("[^"]+"|\w+) \[(?:shape=\w+, )?(?:style=\w+, )?label="([^"]*)"\]',
                                            dot, re.M)}


def test_graph_draws_every_action_of_both_models_and_every_variable() -> None:
    dot = graph.dot(2, 1)
    nodes = declared_nodes(dot)
    for mode in ("partial", "atomic"):
        for action in tar_model.model(2, 1, mode).actions:  # type: ignore[arg-type]
            assert f'"{re.sub(r"[0-9]+", "", action.name)}"' in nodes, action.name
    assert set(tar_bits.VARIABLES) <= set(nodes) and "Safety" in nodes
    assert "partial only" in nodes['"Revoke(b)"'] and "atomic only" in nodes['"RevokeAtomic(b)"']


def test_graph_edges_are_the_compiled_rules_reads_and_writes() -> None:
    dot = graph.dot(3, 2)
    assert '"Serve(b, n)" -> breach;' in dot  # the only writer of breach ...
    assert len(re.findall(r"-> breach", dot)) == 1
    assert 'acl -> "Serve(b, n)" [style=dashed];' in dot  # ... reading the replica, not the ledger's word
    assert '"RevokeAtomic(b)" -> acl;' in dot and '"Revoke(b)" -> acl' not in dot
    assert dot == graph.dot(1, 1) == graph.dot(3, 2)  # one node per action, whatever the size


@pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz not installed")
def test_graph_renders_with_graphviz() -> None:
    done = subprocess.run(["dot", "-Tsvg"], input=graph.dot(3, 2), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "<svg" in done.stdout, done.stderr


def chart(nodes: int, buyers: int) -> tuple[str, list[tuple[str, str, str]]]:
    v = vbfs.explore(tar_bits.compile_model(nodes, buyers, "partial")).violation
    assert v is not None
    return msc.plantuml(v, "t"), [msc._event(step) for step in v.trace[1:]]


def test_msc_participants_and_messages_are_the_trace_steps() -> None:
    text, events = chart(3, 2)
    participants = re.findall(r'^(?:database|participant|actor) "[^"]+" as (\S+)$', text, re.M)
    assert participants == msc.lanes(events) == ["ledger", "n1", "b1"]
    drawn = [(m[1], m[1], m[2]) if m[1] else (m[3], m[4], m[5])
             for m in re.finditer(r"^(?:note over (\S+): \d+\. (.+)|(\S+) --?> (\S+): \d+\. (.+))$", text, re.M)]
    assert drawn == events and len(drawn) == 5
    assert text.splitlines()[-2] == "note across: Safety violated after step 5: breach = {b1@n1}"


def test_msc_prints_the_counterexample_the_proof_run_reports(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--nodes", "2", "--buyers", "2", "--json"]) == 0
    trace = json.loads(capsys.readouterr().out)["partial"]["trace"]
    assert cli.main(["--nodes", "2", "--buyers", "2", "--msc"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("@startuml") and text.rstrip().endswith("@enduml")
    steps = re.findall(r"(?:note over \S+|\S+ --?> \S+): (\d+)\. ", text)
    assert [int(n) for n in steps] == list(range(1, len(trace)))
    assert "2 nodes x 2 buyers" in text


def test_msc_refuses_atomic_mode() -> None:
    with pytest.raises(SystemExit):
        cli.main(["--mode", "atomic", "--msc"])


@pytest.mark.skipif(shutil.which("plantuml") is None, reason="plantuml not installed")
def test_msc_renders_with_plantuml() -> None:
    text, _ = chart(3, 2)
    done = subprocess.run(["plantuml", "-tsvg", "-pipe"], input=text, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "<svg" in done.stdout, done.stderr
    assert "Syntax Error" not in done.stdout


def test_states_per_level_sums_to_the_distinct_states(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--nodes", "2", "--buyers", "2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    for mode in ("partial", "atomic"):
        rows = [r for r in out["states_per_level"] if r["mode"] == mode]
        assert all(set(r) == {"mode", "level", "states"} for r in rows)
        assert [r["level"] for r in rows] == list(range(out[mode]["diameter"] + 1))
        assert rows[0]["states"] == 1 and all(r["states"] > 0 for r in rows)
        assert sum(r["states"] for r in rows) == out[mode]["states"] == tar_model.expected_states(2, 2, mode)
