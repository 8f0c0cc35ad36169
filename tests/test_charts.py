"""Charts through the real vl-convert: themable, prefixed, valid inline SVG with a data table."""
from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from browser.sitebuild import NODE_MODULES, missing_tool
from generator.pictures.charts import ChartError, render_chart, renderer_version

ROWS = [{"posts": n, "impl": impl, "seconds": s}
        for n, impl, s in [(100, "shiplog", 0.42), (100, "floor", 0.32), (1000, "shiplog", 0.61),
                           (1000, "floor", 0.48), (10000, "shiplog", 2.5), (10000, "floor", 2.1)]]
LINE = {"mark": {"type": "line", "point": True},
        "encoding": {"x": {"field": "posts", "type": "quantitative"},
                     "y": {"field": "seconds", "type": "quantitative", "title": "clean build (s)"},
                     "color": {"field": "impl", "type": "nominal"}}}
COLOUR_LITERAL = re.compile(r"#[0-9a-f]{3,8}\b|rgba?\(|hsla?\(|\b(white|black)\b", re.I)


@pytest.fixture(scope="module")
def chart() -> str:
    return render_chart(LINE, ROWS, id_prefix="c1", title="Clean build time")


def svg_of(fragment: str) -> str:
    return re.search(r"<svg.*</svg>", fragment, re.S).group(0)


class Table(HTMLParser):
    """The data table's header and body cells, with the classes of the cells."""

    def __init__(self) -> None:
        super().__init__()
        self.head: list[tuple[str, str | None, str | None]] = []
        self.rows: list[list[tuple[str, str | None]]] = []
        self._cell: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and self.head:
            self.rows.append([])
        if tag in {"th", "td"}:
            self._cell = {"tag": tag, "text": "", "class": a.get("class"), "scope": a.get("scope")}

    def handle_data(self, data):
        if self._cell is not None:
            self._cell["text"] += data

    def handle_endtag(self, tag):
        if tag in {"th", "td"} and self._cell:
            c, self._cell = self._cell, None
            if c["tag"] == "th":
                self.head.append((c["text"], c["scope"], c["class"]))
            else:
                self.rows[-1].append((c["text"], c["class"]))


def test_the_chart_is_an_accessible_figure(chart):
    assert chart.startswith('<figure class="chart">\n<figcaption>Clean build time</figcaption>')
    svg = svg_of(chart)
    assert re.match(r'<svg class="chart-svg" viewBox="[\d. ]+" width="\d+" height="\d+" role="img" '
                    r'aria-labelledby="c1-title"', svg)
    assert '<title id="c1-title">Clean build time</title>' in svg
    assert "clean build (s)" in svg and "shiplog" in svg


def test_marks_carry_no_role_of_their_own_even_when_the_spec_asks():
    spec = {"mark": {"type": "bar", "aria": True}, "config": {"aria": True},
            "encoding": {"x": {"field": "p", "type": "ordinal"}, "y": {"field": "ms", "type": "quantitative"}}}
    html = render_chart(spec, [{"p": "p50", "ms": 3}, {"p": "p99", "ms": 9}], id_prefix="c", title="Latency")
    assert html.count("role=") == 1 and 'role="img"' in html and "aria-roledescription" not in html


def test_the_data_table_matches_the_rows(chart):
    table = Table()
    table.feed(chart[chart.index("<details><summary>Data</summary>"):])
    assert table.head == [("posts", "col", "num"), ("impl", "col", None), ("seconds", "col", "num")]
    assert table.rows == [[(str(r["posts"]), "num"), (r["impl"], None), (str(r["seconds"]), "num")]
                          for r in ROWS]


def test_no_colour_font_or_fixed_size_is_baked_in(chart):
    svg = svg_of(chart)
    assert not COLOUR_LITERAL.search(svg), COLOUR_LITERAL.search(svg).group(0)
    for role in ("var(--accent)", "var(--warn)", "var(--muted)", "var(--rule)", "currentColor"):
        assert role in svg
    assert not re.search(r'font-family="|<\?xml|xmlns', svg)
    assert re.search(r"</title><g", svg), "a background rect before the marks"
    assert "max-width:100%;height:auto" in svg


def test_authors_own_colours_are_themed_too():
    spec = {**LINE, "mark": {"type": "line", "color": "#ff0000"}}
    svg = svg_of(render_chart(spec, ROWS, id_prefix="x", title="t"))
    assert not COLOUR_LITERAL.search(svg)


def test_ids_are_prefixed_and_two_charts_never_clash():
    spec = {**LINE, "mark": {"type": "line", "clip": True},
            "encoding": {**LINE["encoding"], "x": {"field": "posts", "type": "quantitative",
                                                   "scale": {"domain": [0, 5000]}}}}
    a, b = (render_chart(spec, ROWS, id_prefix=p, title="t") for p in ("a1", "b2"))
    ids_a, ids_b = (re.findall(r'\bid="([^"]+)"', x) for x in (a, b))
    assert len(ids_a) > 1, "the clipped chart should carry a clip-path id"
    assert all(i.startswith("a1-") for i in ids_a) and all(i.startswith("b2-") for i in ids_b)
    for ref in re.findall(r"url\(#([^)]+)\)", a):
        assert ref in ids_a


def test_same_input_same_bytes(chart):
    assert render_chart(LINE, ROWS, id_prefix="c1", title="Clean build time") == chart


def test_an_unknown_field_names_it_and_the_fields_there_are():
    spec = {**LINE, "encoding": {**LINE["encoding"], "y": {"field": "secs", "type": "quantitative"}}}
    with pytest.raises(ChartError, match=r"'secs'.*fields: impl, posts, seconds"):
        render_chart(spec, ROWS, id_prefix="x", title="t")


def test_fields_made_by_transforms_need_not_be_in_the_rows():
    spec = {"transform": [{"calculate": "datum.seconds * 1000", "as": "ms"}],
            "mark": "bar", "encoding": {"x": {"field": "impl", "type": "nominal"},
                                        "y": {"field": "ms", "type": "quantitative", "aggregate": "max"}}}
    assert "<svg" in render_chart(spec, ROWS, id_prefix="x", title="t")


def test_an_invalid_spec_is_one_line_from_vl_convert():
    with pytest.raises(ChartError) as e:
        render_chart({"mark": "nonsense", "encoding": {}}, ROWS, id_prefix="x", title="t")
    assert e.value.message.startswith("invalid chart spec: ")
    assert "\n" not in e.value.message and " at " not in e.value.message


@pytest.mark.parametrize("spec, rows, match", [
    (LINE, {"posts": 1}, "list of records"),
    (LINE, [1, 2], "list of records"),
    ({**LINE, "data": {"values": ROWS}}, ROWS, "must not carry data"),
])
def test_bad_input_is_a_chart_error(spec, rows, match):
    with pytest.raises(ChartError, match=match):
        render_chart(spec, rows, id_prefix="x", title="t")


def test_renderer_version():
    assert re.fullmatch(r"\d+ vl-convert \d+\.\d+\.\d+ vega-lite \d+\.\d+", renderer_version())


def test_the_nu_html_checker_accepts_a_page_with_two_charts(chart, tmp_path):
    vnu = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
    java = shutil.which("java")
    if not java or not vnu.is_file():
        missing_tool("java and vnu-jar", "bash tests/setup_system.sh")
    bars = render_chart({"mark": "bar", "encoding": {"x": {"field": "impl", "type": "nominal"},
                                                     "y": {"field": "seconds", "type": "quantitative"}}},
                        ROWS, id_prefix="c2", title="Bars")
    page = tmp_path / "page.html"
    page.write_text('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Charts</title>'
                    f"</head><body><main>{chart}\n{bars}</main></body></html>\n")
    proc = subprocess.run([java, "-Xss4m", "-jar", str(vnu), "--stdout", "--also-check-svg", str(page)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and not proc.stdout.strip(), proc.stdout
