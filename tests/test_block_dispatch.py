"""The dispatching block loop (block_dispatch.py) must give exactly the tokens of markdown-it-py's
own loop: on generated documents full of the cases where block rules compete, on the site's own
Markdown, and after the rules change."""
import json
import os
import random
from pathlib import Path

import pytest

from generator.markdown.speedups.block_dispatch import use_block_dispatch
from generator.markdown.convert import make_parser

ROOT = Path(__file__).resolve().parent.parent

# Line starts where rules compete: markers with and without the space a rule needs, indents of
# 0-5 spaces and tabs (code, lazy continuation, list nesting), HTML, references, footnotes, tables,
# setext underlines and fences that open and close.
PIECES = [
    "plain prose with *emphasis* and `code`", "1. first", "2) second", "10. ten", "1986. a year",
    "- item", "* item", "+ item", "-not a list", "*not a list*", "- [ ] task", "- [x] done",
    "> quoted", ">no space", "> > nested", "# Title", "#hashtag", "###### six", "####### seven",
    "## closed ##", "***", "---", "___", "- - -", "* * *", "===", "Setext", "```", "```python",
    "~~~", "````", "<div>", "</div>", "<!-- note -->", "<span>inline</span>", "<p>", "<?php ?>",
    "<![CDATA[ x ]]>", "<!DOCTYPE html>", "<script>", "</script>", "[ref]: /url \"title\"",
    "[ref]", "[^1]: a footnote", "[^1]", "[not a ref]", "| a | b |", "|---|---|", "| 1 | 2 |",
    "a | b", "--- | ---", ":-- | --:", "\\# escaped", "&amp; entity", "_", "+", "-", "1.", ">",
    "~~struck~~", "`", "\t", "",
]
INDENTS = ["", "", "", " ", "  ", "   ", "    ", "     ", "\t"]
# What may follow on the line: inline openings, with and without their closings.
INLINE = [
    "", "", "", "text, with. punctuation; (and) more!", "*em*", "**strong**", "_u_", "*open",
    "~~del~~", "`code`", "`open", "[link](/u \"t\")", "[ref]", "![img](/i.png)", "<https://example.com>",
    "<span class=\"x\">", "<!-- c -->", "&copy;", "\\*", "a  ", "[^1]", "x|y", "| z |", "---",
]


def generated_documents(count: int, seed: int = 20261201) -> list[str]:
    rng = random.Random(seed)
    docs = []
    for _ in range(count):
        lines = [" ".join(filter(None, [rng.choice(INDENTS) + rng.choice(PIECES), rng.choice(INLINE)]))
                 for _ in range(rng.randint(1, 14))]
        docs.append("\n".join(lines) + rng.choice(["", "\n"]))
    return docs


def site_documents() -> list[str]:
    files = [*ROOT.glob("content/**/*.md"), *ROOT.glob("projects/**/*.md"), *ROOT.glob("tests/sites/**/*.md")]
    return [path.read_text(encoding="utf-8") for path in sorted(files)]


def stock_parser():
    parser = make_parser()
    del parser.block.tokenize       # back to ParserBlock.tokenize
    return parser


def tokens(parser, text: str) -> list[dict]:
    return [token.as_dict() for token in parser.parse(text)]


def test_the_theme_parser_dispatches():
    assert "tokenize" in vars(make_parser().block)


@pytest.mark.parametrize("source", ["generated", "site"])
def test_same_tokens_and_html_as_markdown_it_py(source):
    docs = generated_documents(4000) if source == "generated" else site_documents()
    assert len(docs) > 20
    fast, stock = make_parser(), stock_parser()
    for text in docs:
        assert tokens(fast, text) == tokens(stock, text), text
        assert fast.render(text) == stock.render(text), text


def test_rules_enabled_or_disabled_later_are_followed():
    fast, stock = make_parser(), stock_parser()
    text = "# Title\n\n> quote\n\n- item\n\n```\ncode\n```\n"
    assert "<h1>" in fast.render(text)
    for parser in (fast, stock):
        parser.disable(["heading", "blockquote"])
    assert fast.render(text) == stock.render(text)
    assert "<h1>" not in fast.render(text) and "<blockquote>" not in fast.render(text)
    for parser in (fast, stock):
        parser.enable(["heading"])
    assert "<h1>" in fast.render(text) and fast.render(text) == stock.render(text)


def test_a_plugin_rule_not_in_the_table_sees_every_line():
    seen = []

    def spy(state, start, end, silent):
        seen.append(state.src[state.bMarks[start] + state.tShift[start]])
        return False

    parser = use_block_dispatch(make_parser())
    parser.block.ruler.before("paragraph", "spy", spy)
    parser.parse("x\n\n#tag\n\n`a`\n\n[b]\n")
    assert seen == ["x", "#", "`", "["]


SPEC = ROOT / ".venv/share/commonmark-spec/commonmark.json"


@pytest.mark.skipif(not SPEC.is_file() and os.environ.get("CI") != "true",
                    reason="the CommonMark spec examples are fetched by tools/fetch_commonmark_spec.sh")
def test_every_commonmark_spec_example_gives_the_stock_tokens():
    """Every example of the CommonMark spec that markdown-it-py's own tests use (its sdist's
    tests/test_cmark_spec/commonmark.json), through both loops."""
    examples = json.loads(SPEC.read_text(encoding="utf-8"))
    fast, stock = make_parser(), stock_parser()
    for example in examples:
        source = example["markdown"]
        assert tokens(fast, source) == tokens(stock, source), example["example"]
    assert len(examples) > 600
