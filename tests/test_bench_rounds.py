"""The benchmark harness (bench/): the tools take turns round by round, and it runs on a fresh clone."""
from __future__ import annotations

from pathlib import Path

import pytest

from bench import measure, run, sites


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """The tools' builds in the order they ran; hugo's second build fails."""
    order: list[str] = []
    monkeypatch.setattr(sites, "build_command",
                        lambda work, tool, n: sites.Build([tool], tmp_path, (tmp_path / tool,)))

    monkeypatch.setattr(sites.os, "sync", lambda: order.append("sync"))

    def fake_run(cmd: list[str], cwd: Path, timeout: float) -> measure.Run:
        order.append(cmd[0])
        failed = cmd[0] == "hugo" and order.count("hugo") == 2
        return measure.Run(1.0, 1.0, 1, 1, 1 if failed else 0, 0.0)

    monkeypatch.setattr(measure, "run", fake_run)
    return order


def test_tools_take_turns_and_a_failing_tool_drops_out(recorded: list[str], tmp_path: Path) -> None:
    log = run.Log(tmp_path / "runs.jsonl", "s")
    ok = run.cold_builds(log, tmp_path, ["shiplog", "hugo", "floor"], 10, 3, 60)
    builds = [tool for tool in recorded if tool != "sync"]
    assert builds == ["shiplog", "hugo", "floor", "shiplog", "hugo", "floor", "shiplog", "floor"]
    assert recorded[::2] == ["sync"] * 8             # the disks are synced before every build
    assert ok == {"shiplog", "floor"}
    assert len((tmp_path / "runs.jsonl").read_text().splitlines()) == 8


def test_versions_without_the_other_tools_venv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """`--tools shiplog,floor` on a fresh clone: no bench/.venv-tools, and no crash over it."""
    monkeypatch.setattr(sites, "TOOLS_VENV", tmp_path / "missing")
    versions = sites.tool_versions()
    assert "hugo" not in versions
    assert versions["shiplog stack (markdown-it-py, pygments, jinja2, pyyaml, libyaml)"].count(" ") == 4
