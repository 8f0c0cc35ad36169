"""Markdown -> HTML with markdown-it-py and Pygments, measuring the rendered text as it goes.

One configured MarkdownIt: CommonMark + tables, strikethrough, task lists and footnotes; heading
ids with self-links; fenced code highlighted with CSS classes (an unknown language stays escaped
plain text). The measurements (words, code lines, images, links) feed textstats and `check`.
"""
from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass
from collections.abc import Callable
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin
from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from generator.markdown import speedups
from generator.errors import SiteError
from generator.markdown.figures import LANGUAGES as DIAGRAMS, FenceContext, Figures
from generator.markdown.images import DocumentImages, Images
from generator.markdown.textstats import count_words
from generator.model import Heading, Reference

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TAG = re.compile(r"<[^>]*>")
_FORMATTER = HtmlFormatter(nowrap=True)


@dataclass(frozen=True, slots=True)
class Rendered:
    html: str
    headings: tuple[Heading, ...]
    words: int
    code_lines: int
    images: int
    links: tuple[Reference, ...]
    image_refs: tuple[Reference, ...]
    inputs: tuple[tuple[str, str], ...] = ()
    assets: tuple[tuple[str, str], ...] = ()
    problems: tuple[SiteError, ...] = ()
    """Mistakes that still leave a page to show (an image that cannot be used), with their lines."""


def slugify(text: str) -> str:
    """A URL- and id-safe slug: lowercase words joined by hyphens (Unicode letters kept)."""
    text = re.sub(r"[^\w\s-]", "", text.lower()).replace("_", "-")
    return re.sub(r"[\s-]+", "-", text).strip("-")


@functools.lru_cache(maxsize=128)
def _lexer(lang: str) -> Lexer | None:
    try:
        return speedups.lexer(get_lexer_by_name(lang, stripnl=False))
    except ClassNotFound:
        return None


def highlight_code(code: str, lang: str) -> str:
    """Pygments spans for known languages, escaped text otherwise (never an error)."""
    lexer = _lexer(lang) if lang else None
    if lexer is None:
        return html.escape(code)
    return pygments_highlight(code, lexer, _FORMATTER)


def _fence_lang(token: Token) -> str:
    return token.info.strip().split(maxsplit=1)[0] if token.info.strip() else ""


def _render_fence(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    lang = _fence_lang(token)
    if lang in DIAGRAMS:
        fences = env.get("fences") or FenceContext(Figures(None), 1)
        return fences.render(lang, token.content, token.map[0] if token.map else 0) + "\n"
    cls = f' class="language-{html.escape(lang)}"' if lang else ""
    # tabindex: a code block that scrolls sideways must be reachable by keyboard.
    return f'<pre class="highlight" tabindex="0"><code{cls}>{highlight_code(token.content, lang)}</code></pre>\n'


def _render_code_block(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    return f'<pre class="highlight" tabindex="0"><code>{html.escape(tokens[idx].content)}</code></pre>\n'


def _render_heading_close(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    anchor = tokens[idx - 2].attrGet("id")
    link = (f' <a class="anchor" href="#{anchor}" aria-label="Link to this section">#</a>'
            if anchor else "")
    return f"{link}</{tokens[idx].tag}>\n"


def _render_html(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    # Author notes in <!-- comments --> stay in the source; they are not published.
    return _COMMENT.sub("", tokens[idx].content)


def _render_table_open(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    return '<div class="table-wrap" tabindex="0">' + self.renderToken(tokens, idx, options, env)


def _render_table_close(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    return self.renderToken(tokens, idx, options, env) + "</div>\n"


def _render_th_open(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    # An empty header cell (a table's blank corner, `| | a | b |`) is a <td>: screen readers
    # announce a <th> with no text as a header with no name (axe: empty-table-header).
    inline = tokens[idx + 1] if idx + 1 < len(tokens) else None
    if inline is not None and inline.type == "inline" and not inline.content.strip():
        tokens[idx].tag = tokens[idx + 2].tag = "td"
    return self.renderToken(tokens, idx, options, env)


def _render_image(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    if tokens[idx].attrGet("width") is None:       # not a processed local image: an external one
        tokens[idx].attrSet("loading", "lazy")
        tokens[idx].attrSet("decoding", "async")
    return self.image(tokens, idx, options, env)


def make_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "xhtmlOut": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin).use(tasklists_plugin)
    md.add_render_rule("fence", _render_fence)
    md.add_render_rule("code_block", _render_code_block)
    md.add_render_rule("heading_close", _render_heading_close)
    md.add_render_rule("html_block", _render_html)
    md.add_render_rule("html_inline", _render_html)
    md.add_render_rule("table_open", _render_table_open)
    md.add_render_rule("table_close", _render_table_close)
    md.add_render_rule("th_open", _render_th_open)
    md.add_render_rule("image", _render_image)
    return speedups.install(md)


_PARSER = make_parser()




class _Measure:
    """Walks the token stream once: heading ids, word and code counts, links and images."""

    def __init__(self, body_line: int, heading_shift: int = 0,
                 rewrite: Callable[[str], str] | None = None,
                 images: tuple[Images, Path] | None = None) -> None:
        self.body_line = body_line
        self.heading_shift = heading_shift
        self.rewrite = rewrite
        self.site_images = images
        self.used = DocumentImages()
        self.words = 0
        self.code_lines = 0
        self.images = 0
        self.headings: list[Heading] = []
        self.links: list[Reference] = []
        self.image_refs: list[Reference] = []
        self._ids: dict[str, int] = {}

    def unique_id(self, text: str) -> str:
        base = slugify(text) or "section"
        count = self._ids.get(base, 0)
        self._ids[base] = count + 1
        return base if count == 0 else f"{base}-{count + 1}"

    def walk(self, tokens: list[Token]) -> None:
        line = self.body_line
        prose: list[str] = []   # counted in one pass at the end: words never span two pieces
        heading: Token | None = None    # a heading_open whose text is the next inline token
        for token in tokens:
            if token.map:
                line = self.body_line + token.map[0]
            kind = token.type
            if kind == "inline":
                text = self._inline(token, line)
                prose.append(text)
                if heading is not None:
                    anchor = self.unique_id(text)
                    heading.attrSet("id", anchor)
                    self.headings.append(Heading(int(heading.tag[1]), text, anchor))
                    heading = None
            elif kind == "heading_open" or kind == "heading_close":
                if self.heading_shift:
                    token.tag = f"h{min(6, int(token.tag[1]) + self.heading_shift)}"
                if kind == "heading_open":
                    heading = token
            elif kind == "fence":
                if _fence_lang(token) in DIAGRAMS:
                    self.images += 1        # a diagram is read as a picture, not as code
                else:
                    self.code_lines += sum(1 for ln in token.content.splitlines() if ln.strip())
            elif kind == "html_block":
                prose.append(html.unescape(_TAG.sub(" ", _COMMENT.sub("", token.content))))
        self.words += count_words(" ".join(prose))

    def _inline(self, token: Token, line: int) -> str:
        """An inline token's text (its text and code spans, a space for each line break), noting
        its links and images on the way, each at its own line."""
        parts: list[str] = []
        for child in token.children or ():
            kind = child.type
            if kind == "text" or kind == "code_inline":
                parts.append(child.content)
            elif kind == "softbreak" or kind == "hardbreak":
                parts.append(" ")
                line += 1      # a reference's own line, not its paragraph's first
            elif kind == "link_open":
                if self.rewrite:
                    child.attrSet("href", self.rewrite(str(child.attrGet("href") or "")))
                self.links.append(Reference(str(child.attrGet("href") or ""), line))
            elif kind == "image":
                if self.rewrite:
                    child.attrSet("src", self.rewrite(str(child.attrGet("src") or "")))
                self.images += 1
                alt = "".join(c.content for c in child.children or ())
                target = str(child.attrGet("src") or "")
                self.image_refs.append(Reference(target, line, alt))
                if self.site_images is not None:
                    self._local_image(child, target, alt, line)
        return "".join(parts)

    def _local_image(self, token: Token, target: str, alt: str, line: int) -> None:
        images, folder = self.site_images  # type: ignore[misc]
        try:
            if images.local_file(target, folder) is None:
                return
            attrs = images.image(target, alt, folder, self.used)
        except SiteError as exc:
            self.used.problems.append(SiteError(exc.message, None, line, exc.hint))
            return
        for name, value in attrs.items():
            if name != "alt":
                token.attrSet(name, value)


def render_markdown(body: str, body_line: int = 1, heading_shift: int = 0,
                    rewrite: Callable[[str], str] | None = None, figures: Figures | None = None,
                    images: tuple[Images, Path] | None = None) -> Rendered:
    """Render a Markdown body; `body_line` maps token lines to file lines. `heading_shift`
    demotes headings (a README's # under a page's own h1); `rewrite` maps link/image targets;
    `figures` draws diagram fences (and keeps them in the site's store); `images` (the site's
    Images and the document's folder) turns local images into sized, responsive ones."""
    env: dict[str, Any] = {"fences": FenceContext(figures or Figures(None), body_line)}
    tokens = _PARSER.parse(body, env)
    measure = _Measure(body_line, heading_shift, rewrite, images)
    measure.walk(tokens)
    out = _PARSER.renderer.render(tokens, _PARSER.options, env)
    return Rendered(out, tuple(measure.headings), measure.words, measure.code_lines,
                    measure.images, tuple(measure.links), tuple(measure.image_refs),
                    tuple(measure.used.inputs), tuple(dict.fromkeys(measure.used.assets)),
                    tuple(measure.used.problems))


def count_prose_words(body: str) -> int:
    """Words of a Markdown body by the same rules, without rendering it."""
    measure = _Measure(1)
    measure.walk(_PARSER.parse(body, {}))
    return measure.words


@functools.cache
def pygments_css(light: str = "friendly", dark: str = "github-dark") -> str:
    """Syntax colours for both schemes, chosen by prefers-color-scheme."""
    light_css = HtmlFormatter(style=light).get_style_defs(".highlight")
    dark_css = HtmlFormatter(style=dark).get_style_defs(".highlight")
    return f"{light_css}\n@media (prefers-color-scheme: dark) {{\n{dark_css}\n}}\n"
