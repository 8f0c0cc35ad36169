"""Card validation: each mistake at its line."""
import pytest

from sitekit import run_shiplog, write

BASE = "title: Demo\nsections:\n  - label: What\n    body: Adds.\n"

CASES = {
    "unknown key": (BASE + "stak: [Python]\n", "projects/demo/card.yaml:5: unknown card key 'stak'\n  hint: did you mean 'stack'?"),
    "missing title": ("sections:\n  - label: What\n    body: Adds.\n", "projects/demo/card.yaml:1: missing required key 'title' in card"),
    "missing sections": ("title: Demo\n", "projects/demo/card.yaml:1: missing required key 'sections' in card"),
    "empty section": ("title: Demo\nsections:\n  - label: What\n    body: ''\n", "projects/demo/card.yaml:4: 'body' must not be empty"),
    "proof without claims": (BASE + "proof:\n  args: [--json]\n", "projects/demo/card.yaml:5: a 'proof' without 'claims' shows nothing"),
    "claims without proof": (BASE + "claims:\n  - '{x} things'\n", "projects/demo/card.yaml:5: claims need a 'proof'"),
    "bad format syntax": (BASE + "proof:\n  args: [--json]\nclaims:\n  - 'ok {x}'\n  - '{x:,} and {y'\n",
                          "projects/demo/card.yaml:9: claim '{x:,} and {y' has bad format syntax"),
    "unknown kind": (BASE + "kind: demo\n", "projects/demo/card.yaml:5: 'kind' must be one of system, research, tool"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_card_mistakes(site, case):
    text, expected = CASES[case]
    write(site, "projects/demo/card.yaml", text)
    result = run_shiplog("build", "--root", str(site), "--out", str(site / "_site"), "--no-proofs")
    assert result.code == 1
    assert expected in result.err, result.err


def test_card_without_a_package(site):
    write(site, "projects/lonely/card.yaml", BASE)
    result = run_shiplog("build", "--root", str(site), "--out", str(site / "_site"), "--no-proofs")
    assert result.code == 1
    assert "projects/lonely/card.yaml: project 'lonely' has a card but no Python package" in result.err
