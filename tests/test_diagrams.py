"""Diagrams through the real `dot` and PlantUML: themable, prefixed, valid inline SVG."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from browser.sitebuild import NODE_MODULES, missing_tool
from generator.pictures.diagrams import (LANGUAGES, DiagramError, RendererMissing, render_diagram,
                                         renderer_version)

DOT = """digraph saga {
  label="Order SAGA";
  rankdir=LR;
  order [label="order service"];
  q [label="orders queue", shape=cylinder];
  pay [label="payment service", color=red, style=filled, fillcolor="#ffeecc"];
  order -> q [label="OrderCreated"];
  q -> pay;
  pay -> order [label="compensate", style=dashed, color=blue];
}
"""
SEQUENCE = """@startuml
title Lease grants
participant Buyer
participant Ledger
participant "Node A" as A
Buyer -> Ledger: request(lease)
Ledger -> A: grant(lease 17)
A --> Ledger: answer(ok)
note right of Ledger: quorum 1 of 1
== expiry ==
Ledger -> A: revoke(lease 17)
@enduml
"""
COLOUR_LITERAL = re.compile(r"#[0-9a-f]{3,8}\b|rgba?\(|hsla?\(|\b(white|black)\b", re.I)


def needs(renderer: str) -> None:
    if not shutil.which({"graphviz": "dot", "plantuml": "plantuml"}[renderer]):
        missing_tool(renderer, "make install")


def svg_of(fragment: str) -> str:
    return re.search(r"<svg.*</svg>", fragment, re.S).group(0)


@pytest.fixture(scope="module")
def dot_html() -> str:
    needs("graphviz")
    return render_diagram("dot", DOT, id_prefix="d1")


@pytest.fixture(scope="module")
def seq_html() -> str:
    needs("plantuml")
    return render_diagram("sequence", SEQUENCE, id_prefix="s1", title="Granting a lease")


def test_languages_name_their_renderers():
    assert LANGUAGES == {"dot": "graphviz", "graphviz": "graphviz",
                         "plantuml": "plantuml", "sequence": "plantuml"}


def test_dot_renders_an_accessible_figure_with_its_source(dot_html):
    assert dot_html.startswith('<figure class="diagram">') and dot_html.endswith("</figure>")
    svg = svg_of(dot_html)
    assert re.match(r'<svg [^>]*role="img" aria-labelledby="d1-title"', svg)
    assert '<title id="d1-title">Order SAGA</title>' in svg        # the graph's label
    assert "order service" in svg and "OrderCreated" in svg
    assert "<figcaption>" not in dot_html                          # no title given
    assert "<details><summary>Diagram source</summary><pre>digraph saga {" in dot_html
    assert "pay -&gt; order" in dot_html                           # the source, escaped


def test_plantuml_renders_the_sequence_with_the_given_title(seq_html):
    svg = svg_of(seq_html)
    assert "<figcaption>Granting a lease</figcaption>" in seq_html
    assert '<title id="s1-title">Granting a lease</title>' in svg
    for text in ("Buyer", "Ledger", "Node A", "grant(lease 17)", "quorum 1 of 1", "expiry"):
        assert text in svg


def test_title_falls_back_to_the_graph_name_then_diagram():
    needs("graphviz")
    assert "<title id=\"x-title\">pipeline</title>" in render_diagram("dot", "digraph pipeline { a -> b }", id_prefix="x")
    assert "<title id=\"x-title\">Diagram</title>" in render_diagram("graphviz", "digraph { a -> b }", id_prefix="x")


@pytest.mark.parametrize("which", ["dot_html", "seq_html"])
def test_no_colour_size_font_or_prolog_is_baked_in(which, request):
    fragment = request.getfixturevalue(which)
    svg = svg_of(fragment)
    assert not COLOUR_LITERAL.search(svg), COLOUR_LITERAL.search(svg).group(0)
    assert "var(--" in svg and "currentColor" in svg
    assert not re.search(r"<\?xml|<!DOCTYPE|<!--|\bpt\"|font-family=\"|Times|xmlns|filter=", fragment)
    assert re.match(r'<svg class="diagram-svg" viewBox="[\d. ]+" width="\d+" height="\d+"', svg)
    assert "max-width:100%;height:auto" in svg


@pytest.mark.parametrize("lang, source", [("dot", DOT), ("sequence", SEQUENCE)])
def test_every_id_is_prefixed_and_references_follow(lang, source):
    needs(LANGUAGES[lang])
    a, b = (render_diagram(lang, source, id_prefix=p) for p in ("a1", "b2"))
    ids_a, ids_b = (re.findall(r'\bid="([^"]+)"', x) for x in (a, b))
    assert ids_a and all(i.startswith("a1-") for i in ids_a)
    assert all(i.startswith("b2-") for i in ids_b)
    assert not set(ids_a) & set(ids_b)
    assert len(set(ids_a)) == len(ids_a)
    for ref in re.findall(r'url\(#([^)]+)\)|href="#([^"]+)"|aria-labelledby="([^"]+)"', a):
        assert "".join(ref) in ids_a


@pytest.mark.parametrize("lang, source", [("dot", DOT), ("sequence", SEQUENCE)])
def test_same_input_same_bytes(lang, source):
    needs(LANGUAGES[lang])
    assert render_diagram(lang, source, id_prefix="p") == render_diagram(lang, source, id_prefix="p")


def test_dot_syntax_error_names_its_line():
    needs("graphviz")
    with pytest.raises(DiagramError) as e:
        render_diagram("dot", "digraph {\n  a -> b;\n  c -> ;\n}\n", id_prefix="x")
    assert e.value.line == 3
    assert "syntax error" in e.value.message


@pytest.mark.parametrize("source, line", [
    ("@startuml\nA -> B: hi\nfoo(\n@enduml\n", 3),
    ("A -> B: hi\nB -> A: ok\nfoo(\n", 3),          # without @startuml, which we add
])
def test_plantuml_syntax_error_names_its_line(source, line):
    needs("plantuml")
    with pytest.raises(DiagramError) as e:
        render_diagram("plantuml", source, id_prefix="x")
    assert e.value.line == line
    assert "Syntax Error" in e.value.message


@pytest.mark.parametrize("lang, install", [("dot", "apt-get install graphviz"),
                                           ("sequence", "apt-get install plantuml")])
def test_missing_renderer_says_what_to_install(lang, install, monkeypatch):
    monkeypatch.setenv("PATH", "")
    with pytest.raises(RendererMissing) as e:
        render_diagram(lang, "digraph { a -> b }", id_prefix="x")
    assert install in str(e.value) and "make install" in str(e.value)
    with pytest.raises(RendererMissing):
        renderer_version(lang)


def test_unknown_language_is_an_error():
    with pytest.raises(DiagramError, match="mermaid"):
        render_diagram("mermaid", "graph TD; a-->b", id_prefix="x")


def test_renderer_versions():
    needs("graphviz")
    assert re.fullmatch(r"graphviz \d+\.\d+\.\d+", renderer_version("dot"))
    needs("plantuml")
    assert re.fullmatch(r"plantuml \S+", renderer_version("sequence"))


def test_the_nu_html_checker_accepts_a_page_with_two_diagrams(dot_html, seq_html, tmp_path):
    vnu = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
    java = shutil.which("java")
    if not java or not vnu.is_file():
        missing_tool("java and vnu-jar", "bash tests/setup_system.sh")
    page = tmp_path / "page.html"
    page.write_text('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Diagrams</title>'
                    f"</head><body><main>{dot_html}\n{seq_html}</main></body></html>\n")
    proc = subprocess.run([java, "-Xss4m", "-jar", str(vnu), "--stdout", "--also-check-svg", str(page)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and not proc.stdout.strip(), proc.stdout


def test_ids_plantuml_makes_from_names_become_valid_xml_names():
    needs("plantuml")
    out = render_diagram("plantuml", "@startuml\nclass Order\nclass Payment\nOrder --> Payment\n@enduml",
                         id_prefix="k")
    ids = re.findall(r'\bid="([^"]+)"', out)
    assert len(ids) > 1 and all(re.fullmatch(r"k-[A-Za-z0-9_.-]+", i) for i in ids), ids
