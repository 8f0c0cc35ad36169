"""Pictures in a built site: diagram fences in posts, and a card's pictures and charts drawn from
its module's runs. Real dot, PlantUML and vl-convert; each mistake at its file and line; drawn
once per content; incremental == clean after editing a fence, a chart spec and the module."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator.engine import build
from generator.errors import BuildFailed
from sitekit import run_shiplog, tree, write

pytestmark = pytest.mark.skipif(shutil.which("dot") is None and os.environ.get("CI") != "true",
                                reason="Graphviz is installed by make install")

FENCE = """

```dot
digraph flow {
  label="Order flow";
  order -> payment [label="OrderCreated"];
}
```
"""
MODULE = '''import argparse
import json

STEPS = ["order", "payment", "inventory"]
parser = argparse.ArgumentParser()
parser.add_argument("--n", type=int, default=10)
parser.add_argument("--json", action="store_true")
parser.add_argument("--graph", action="store_true")
args = parser.parse_args()
if args.graph:
    print("digraph demo {")
    for a, b in zip(STEPS, STEPS[1:]):
        print(f"  {a} -> {b};")
    print("}")
else:
    total = sum(range(args.n))
    series = [{"k": k, "sum": sum(range(k))} for k in range(1, 6)]
    print(json.dumps({"n": args.n, "total": total, "nested": {"ok": True}, "series": series}))
'''
CARD_EXTRA = """pictures:
  - args: [--graph]
    format: dot
    alt: The demo's steps, in order
charts:
  - title: Sums by length
    data: series
    spec: {mark: bar, encoding: {x: {field: k, type: ordinal}, y: {field: sum, type: quantitative}}}
"""


@pytest.fixture
def pictured(site: Path) -> Path:
    post = site / "content/posts/oldest.md"
    post.write_text(post.read_text() + FENCE)
    write(site, "projects/demo/__main__.py", MODULE)
    card = site / "projects/demo/card.yaml"
    card.write_text(card.read_text() + CARD_EXTRA)
    return site


def test_fences_pictures_and_charts_are_drawn_inline(pictured: Path) -> None:
    result = build(pictured)
    post = (result.out / "notes/oldest/index.html").read_text()
    assert post.count('<svg class="diagram-svg"') == 1 and 'role="img"' in post
    assert "Order flow" in post and "Diagram source" in post
    project = (result.out / "projects/demo/index.html").read_text()
    assert project.count('class="diagram-svg"') == 1 and "python -m projects.demo --graph" in project
    assert "The demo&#39;s steps, in order" in project or "The demo's steps, in order" in project
    assert project.count('class="chart-svg"') == 1 and 'class="num">sum</th>' in project
    home = (result.out / "index.html").read_text()
    assert 'class="card-picture"' in home


def test_a_drawn_picture_is_never_drawn_again(pictured: Path, tmp_path: Path) -> None:
    """Drawn once per content: a `dot` that logs its calls sees the drawing in the first clean
    build and only the version question (part of the key) in the second."""
    bin_dir, log = tmp_path / "bin", tmp_path / "dot-calls"
    bin_dir.mkdir()
    (bin_dir / "dot").write_text(f'#!/bin/sh\necho "$@" >> {log}\nexec {shutil.which("dot")} "$@"\n')
    (bin_dir / "dot").chmod(0o755)
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    first = run_shiplog("build", "--root", str(pictured), "--no-cache", env=env)
    assert first.code == 0, first.err
    drawn = [line for line in log.read_text().splitlines() if line.strip() != "-V"]
    assert len(drawn) == 2                                   # the post's fence and the card's picture
    before = tree(pictured / "_site")
    log.unlink()
    again = run_shiplog("build", "--root", str(pictured), "--no-cache", env=env)
    assert again.code == 0, again.err
    assert [line for line in log.read_text().splitlines() if line.strip() != "-V"] == []
    assert tree(pictured / "_site") == before


def test_a_diagram_mistake_is_reported_at_its_line_and_the_output_kept(pictured: Path) -> None:
    result = build(pictured)
    before = tree(result.out)
    post = pictured / "content/posts/oldest.md"
    post.write_text(post.read_text().replace('order -> payment [label="OrderCreated"];',
                                             "order -> ;"))
    line = next(n for n, text in enumerate(post.read_text().splitlines(), 1) if "order -> ;" in text)
    with pytest.raises(BuildFailed) as failed:
        build(pictured)
    error = failed.value.errors[0]
    assert (error.path, error.line) == ("content/posts/oldest.md", line)
    assert "dot diagram: syntax error" in error.message
    assert tree(result.out) == before


def test_a_missing_renderer_says_what_to_install(pictured: Path, tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    os.symlink(shutil.which("python3") or "/usr/bin/python3", bin_dir / "python3")
    result = run_shiplog("build", "--root", str(pictured), "--no-proofs", env={"PATH": str(bin_dir)})
    assert result.code == 1
    assert "content/posts/oldest.md:" in result.err and "apt-get install graphviz" in result.err


def test_a_chart_of_a_key_the_run_did_not_print_is_an_error_at_the_chart(pictured: Path) -> None:
    card = pictured / "projects/demo/card.yaml"
    card.write_text(card.read_text().replace("data: series", "data: seriess"))
    line = next(n for n, text in enumerate(card.read_text().splitlines(), 1) if "title: Sums by length" in text)
    with pytest.raises(BuildFailed) as failed:
        build(pictured)
    error = failed.value.errors[0]
    assert error.path == "projects/demo/card.yaml" and error.line == line
    assert "'seriess'" in error.message and "series" in (error.hint or "")


@pytest.mark.parametrize("edit", ["fence", "chart spec", "module"])
def test_incremental_equals_clean_after_editing_a_picture(pictured: Path, tmp_path: Path, edit: str) -> None:
    out, clean = tmp_path / "out", tmp_path / "clean"
    build(pictured, out)
    if edit == "fence":
        post = pictured / "content/posts/oldest.md"
        post.write_text(post.read_text().replace("OrderCreated", "OrderPlaced"))
    elif edit == "chart spec":
        card = pictured / "projects/demo/card.yaml"
        card.write_text(card.read_text().replace("mark: bar", "mark: line"))
    else:
        module = pictured / "projects/demo/__main__.py"
        module.write_text(module.read_text().replace('"inventory"]', '"inventory", "shipping"]'))
    build(pictured, out)
    build(pictured, clean, incremental=False)
    assert tree(out) == tree(clean)
    if edit == "module":
        assert "shipping" in (out / "projects/demo/index.html").read_text()
