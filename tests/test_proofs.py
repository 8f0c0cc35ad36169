"""Proof runs: figures on a card come only from running its module."""
import json
from pathlib import Path

from sitekit import run_shiplog, write

CARD = """title: Demo
sections:
  - label: What
    body: Adds.
proof:
  args: [--json]
  timeout: {timeout}
claims:
  - "total is {{total:,}}"
"""


def build(site: Path, *extra: str):
    return run_shiplog("build", "--root", str(site), "--out", str(site / "_site"), *extra)


def module(site: Path, body: str, timeout: float = 20) -> None:
    write(site, "projects/demo/__main__.py", body)
    write(site, "projects/demo/card.yaml", CARD.format(timeout=timeout))


def project_page(site: Path) -> str:
    return (site / "_site/projects/demo/index.html").read_text()


def runs_log(site: Path) -> list[str]:
    log = site / "runs.log"
    return log.read_text().splitlines() if log.exists() else []


COUNTING = """import json, pathlib
pathlib.Path("runs.log").open("a").write("run\\n")
print(json.dumps({"total": 1234567}))
"""


def test_a_proof_fills_the_claims_and_is_cached(site):
    module(site, COUNTING)
    assert build(site).code == 0
    assert "total is 1,234,567" in project_page(site)
    assert "$ python -m projects.demo --json" in project_page(site)
    assert runs_log(site) == ["run"]
    assert build(site).code == 0                       # same source and args: cache hit
    assert runs_log(site) == ["run"]
    cached = json.loads((site / ".shiplog-cache/proofs/demo.json").read_text())
    assert cached["results"] == {"total": 1234567} and cached["args"] == ["--json"]


def test_editing_the_module_invalidates_the_cache(site):
    module(site, COUNTING)
    assert build(site).code == 0
    write(site, "projects/demo/helper.py", "# a new source file changes the hash\n")
    assert build(site).code == 0
    assert runs_log(site) == ["run", "run"]
    write(site, "projects/demo/tests/test_more.py", "def test_x(): pass\n")
    write(site, "projects/demo/README.md", "# Docs change\n")
    assert build(site).code == 0                       # tests and docs are not proof inputs
    assert runs_log(site) == ["run", "run"]


def test_a_failing_proof_fails_the_build_with_the_stderr_tail(site):
    module(site, "import sys\nprint('step 1 ok', file=sys.stderr)\nraise SystemExit('invariant broken: 2 double charges')\n")
    result = build(site)
    assert result.code == 1
    assert "projects/demo/card.yaml:5: proof run `python -m projects.demo --json` failed with exit code 1" in result.err
    assert "invariant broken: 2 double charges" in result.err and "step 1 ok" in result.err


def test_a_proof_that_times_out(site):
    module(site, "import time\ntime.sleep(30)\n", timeout=1)
    result = build(site)
    assert result.code == 1
    assert "projects/demo/card.yaml:5: proof run `python -m projects.demo --json` timed out after 1 s" in result.err


def test_a_proof_that_prints_garbage(site):
    module(site, "print('Results: 42 things')\n")
    result = build(site)
    assert result.code == 1
    assert "did not print one JSON object on stdout (it printed 'Results: 42 things')" in result.err


def test_a_claim_using_a_key_the_run_lacks(site):
    module(site, "import json\nprint(json.dumps({'count': 3}))\n")
    result = build(site)
    assert result.code == 1
    assert "projects/demo/card.yaml:9: claim 'total is {total:,}' uses 'total' which the proof run did not print" in result.err
    assert "the run printed keys: count" in result.err


def test_no_proofs_without_a_cache_shows_not_yet_verified(site):
    module(site, COUNTING)
    assert build(site, "--no-proofs").code == 0
    html = project_page(site)
    assert runs_log(site) == []
    assert "total is … " in html and "not yet verified" in html and "1,234,567" not in html


def test_no_proofs_with_a_cache_for_older_code_marks_figures_unverified(site):
    module(site, COUNTING)
    assert build(site).code == 0
    write(site, "projects/demo/__main__.py", COUNTING + "# changed\n")
    assert build(site, "--no-proofs").code == 0
    html = project_page(site)
    assert runs_log(site) == ["run"]
    assert "total is 1,234,567" in html and "unverified: from an earlier version of the code" in html
    data = json.loads((site / "_site/projects.json").read_text())
    assert data["projects"][0]["verified"] is False
    # with a cache for the current code the figures stay verified
    assert build(site).code == 0
    assert build(site, "--no-proofs").code == 0
    assert "unverified" not in project_page(site)
