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
    "headline without proof": (BASE + "headline:\n  - {figure: '{x}', label: things}\n",
                               "projects/demo/card.yaml:5: headline figures need a 'proof'"),
    "too many headline figures": (BASE + "proof:\n  args: [--json]\nclaims:\n  - '{x}'\nheadline:\n"
                                  + "  - {figure: '{x}', label: x}\n" * 5,
                                  "projects/demo/card.yaml:9: a card shows at most 4 headline figures, not 5"),
    "picture without args": (BASE + "pictures:\n  - {format: dot, alt: The wiring}\n",
                             "projects/demo/card.yaml:6: a picture needs 'args'"),
    "unknown picture format": (BASE + "pictures:\n  - {args: [--graph], format: svg, alt: x}\n",
                               "projects/demo/card.yaml:6: 'format' must be one of dot, plantuml"),
    "chart without spec": (BASE + "proof:\n  args: [--json]\nclaims:\n  - '{x}'\ncharts:\n  - {title: T, data: rows}\n",
                           "projects/demo/card.yaml:10: a chart needs 'spec'"),
}


def test_headline_figures_come_from_the_run(site):
    card = site / "projects/demo/card.yaml"
    card.write_text(card.read_text() + "headline:\n  - {figure: '{total:,}', label: the sum}\n"
                    "  - {figure: '{missing}', label: nothing}\n")
    result = run_shiplog("build", "--root", str(site))
    assert result.code == 1
    assert "claim '{missing}' uses 'missing' which the proof run did not print" in result.err
    card.write_text(card.read_text().replace("  - {figure: '{missing}', label: nothing}\n", ""))
    result = run_shiplog("build", "--root", str(site))
    assert result.code == 0, result.err
    home = (site / "_site/index.html").read_text()
    assert '<dt>the sum</dt><dd>499,500</dd>' in home


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
