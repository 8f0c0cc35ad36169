"""The floor: the least any Python generator on shiplog's stack must do for this corpus.

read + YAML front matter (C loader) + markdown-it-py + Pygments + one Jinja template + write,
in 2 processes, and nothing else: no validation, no listings, no tags, no cache.

  python bench/floor.py POSTS_DIR OUT_DIR [--jobs 2]
"""
from __future__ import annotations

import argparse
import html
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import jinja2
import yaml
from markdown_it import MarkdownIt
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><article><h1>{{ title }}</h1><p><time>{{ date }}</time></p>
<ul>{% for tag in tags %}<li>#{{ tag }}</li>{% endfor %}</ul>
{{ body|safe }}
</article></body></html>
"""
_FORMATTER = HtmlFormatter(nowrap=True)
_LEXERS: dict[str, object] = {}


def _highlight(code: str, lang: str, attrs: str) -> str:
    if lang not in _LEXERS:
        try:
            _LEXERS[lang] = get_lexer_by_name(lang, stripnl=False)
        except ClassNotFound:
            _LEXERS[lang] = None
    lexer = _LEXERS[lang]
    return highlight(code, lexer, _FORMATTER) if lexer else html.escape(code)


MD = MarkdownIt("commonmark", {"html": True, "highlight": _highlight}).enable("table")
ENV = jinja2.Environment(autoescape=True)
PAGE = ENV.from_string(TEMPLATE)


def build_one(src: Path, out: Path) -> None:
    text = src.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    meta = yaml.load(front, Loader=Loader)
    if meta.get("status") == "draft":
        return
    page = PAGE.render(title=meta["title"], date=str(meta["date"]), tags=meta.get("tags", []),
                       body=MD.render(body))
    dest = out / src.stem / "index.html"
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(page, encoding="utf-8")


def build_chunk(args: tuple[list[str], str]) -> int:
    paths, out = args
    for path in paths:
        build_one(Path(path), Path(out))
    return len(paths)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("posts", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--jobs", type=int, default=2)
    a = ap.parse_args()
    paths = sorted(str(p) for p in a.posts.glob("*.md"))
    a.out.mkdir(parents=True, exist_ok=True)
    chunks = [(paths[i::a.jobs], str(a.out)) for i in range(a.jobs)]   # one chunk per process
    with ProcessPoolExecutor(a.jobs) as pool:
        done = sum(pool.map(build_chunk, chunks))
    print(f"floor: {done} posts read, {os.cpu_count()} cpus, {a.jobs} processes")


if __name__ == "__main__":
    main()
