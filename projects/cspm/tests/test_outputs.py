"""Table, JSON, SARIF 2.1.0 and HTML renderings of one report."""
from __future__ import annotations

import json
from dataclasses import replace
from html.parser import HTMLParser

from projects.cspm.checks import CONTROLS
from projects.cspm.model import Result, Status
from projects.cspm.report import as_json, render

CARD_KEYS = {"controls", "resources", "passed", "failed", "not_evaluated", "by_section", "duration_s", "findings"}


def test_json_has_the_card_keys_and_consistent_counts(bad):
    doc = json.loads(render(bad.report, "json", {"duration_s": 1.0}))
    assert CARD_KEYS <= set(doc)
    assert doc["controls"] == len(CONTROLS) == doc["passed"] + doc["failed"] + doc["not_evaluated"] + doc["manual"] + doc["no_resources"]
    assert len(doc["findings"]) == doc["results"]["FAIL"] == len(bad.seeded.expected_failures)
    assert sum(s["controls"] for s in doc["by_section"].values()) == doc["controls"]
    assert {f["control"] for f in doc["findings"]} == {c for c, _ in bad.seeded.expected_failures}


def test_table_groups_controls_by_section_in_benchmark_order(bad):
    text = render(bad.report, "table")
    heads = [text.index(s) for s in ("1 Identity", "2 Storage", "3 Logging", "4 Monitoring", "5 Networking",
                                     "Extras (AWS FSBP")]
    assert heads == sorted(heads)
    assert text.index("1.9 ") < text.index("1.10 ") < text.index("2.1.1 ")
    assert "FAIL arn:aws:iam::123456789012:user/bob: console password, mfa_active=false" in text


def test_sarif_is_2_1_0_with_one_result_per_failure(bad):
    doc = json.loads(render(bad.report, "sarif"))
    assert doc["version"] == "2.1.0" and "sarif-2.1.0" in doc["$schema"]
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [c.id for c in CONTROLS]
    assert len(run["results"]) == len(bad.report.findings())
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["level"] in ("error", "warning", "note")
        assert res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("arn:aws:")
        assert 0 < float(rules[res["ruleIndex"]]["properties"]["security-severity"]) <= 10
    prints = [r["partialFingerprints"]["cspmFinding/v1"] for r in run["results"]]
    assert len(set(prints)) == len(prints)


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        self.text.append(data)


def test_html_is_self_contained_and_escapes_everything(bad):
    evil = "<script>alert(1)</script>"
    first = bad.report.controls[0]
    tampered = replace(bad.report, controls=(replace(first, results=(Result(evil, Status.FAIL, evil),)),
                                             *bad.report.controls[1:]))
    page = render(tampered, "html")
    parser = _Collect()
    parser.feed(page)
    assert not any(tag in ("script", "link", "img", "iframe") for tag, _ in parser.tags)
    assert not any(attr in ("src", "href") for _, attrs in parser.tags for attr in attrs)
    assert evil not in page and "&lt;script&gt;" in page
    assert evil in "".join(parser.text)  # shown as text, not run
    assert page.count("<tr>") == len(CONTROLS) + 6  # one header row per section


def test_as_json_lists_every_result_with_its_evidence(bad):
    doc = as_json(bad.report)
    n = sum(len(cr.results) for cr in bad.report.controls)
    assert sum(len(c["results"]) for c in doc["control_results"]) == n
    assert all(r["evidence"] for c in doc["control_results"] for r in c["results"])


def test_sarif_and_html_carry_the_new_controls_and_manual_ones(bad):
    rules = {r["id"]: r for r in json.loads(render(bad.report, "sarif"))["runs"][0]["tool"]["driver"]["rules"]}
    assert {"1.6", "1.19", "2.3.3", "2.4.1", "3.9", "3.11", "4.1", "4.15", "4.16", "5.1"} <= set(rules)
    assert rules["1.18"]["properties"]["cis-assessment"] == "Manual"
    assert rules["4.3"]["properties"]["cis-assessment"] == "Automated"
    results = json.loads(render(bad.report, "sarif"))["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"4.1", "3.10", "5.1", "2.3.1"}
    assert not any(r["ruleId"] in ("1.1", "5.5") for r in results)  # MANUAL is never a finding
    page = render(bad.report, "html")
    assert "<td>4.15</td>" in page and "<td class=MANUAL>MANUAL</td>" in page
