"""A project's source files, highlighted with line numbers and #L<n> anchors for its pages."""
from __future__ import annotations

import html
from pathlib import Path

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_for_filename
from pygments.util import ClassNotFound

from generator.markdown import speedups
from generator.incremental.inventory import files_under
from generator.markdown.convert import render_markdown
from generator.model import SourceFile

SOURCE_SUFFIXES = {".py", ".tla", ".cfg", ".tf", ".sql", ".toml", ".sh", ".txt", ".j2", ".jinja"}
DATA_DIRS = {"corpus", "data", "fixtures"}
"""Inputs, but not worth reading on the site."""
_FORMATTER = HtmlFormatter(nowrap=True)
MAX_BYTES = 200_000


def project_sources(project_dir: Path) -> list[Path]:
    """Code and tests worth reading, in a stable order (data folders and caches left out)."""
    files = []
    for path in files_under(project_dir):
        rel = path.relative_to(project_dir)
        if (path.suffix in SOURCE_SUFFIXES and not DATA_DIRS.intersection(rel.parts[:-1])
                and path.stat().st_size <= MAX_BYTES):
            files.append(path)
    return files


def highlight_source(text: str, filename: str) -> str:
    """One <span id="L<n>"> per line, each with a link to itself, inside the caller's <pre>."""
    try:
        code = highlight(text, speedups.lexer(get_lexer_for_filename(filename, stripnl=False)), _FORMATTER)
    except ClassNotFound:
        code = html.escape(text)
    lines = code.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return "\n".join(
        f'<span class="line" id="L{n}"><a class="ln" href="#L{n}" aria-label="line {n}">{n}</a>{line}</span>'
        for n, line in enumerate(lines, 1))


def load_sources(project_dir: Path) -> tuple[SourceFile, ...]:
    out = []
    for path in project_sources(project_dir):
        rel = path.relative_to(project_dir).as_posix()
        text = path.read_text(encoding="utf-8", errors="replace")
        out.append(SourceFile(rel, text.count("\n") + (0 if text.endswith("\n") or not text else 1),
                              highlight_source(text, path.name), rel.startswith("tests/")
                              or path.name.startswith("test_")))
    return tuple(out)


def render_readme(project_dir: Path, sources: tuple[SourceFile, ...], blob_url: str) -> str:
    """The project's README.md as HTML, under the page's own h1. Relative links are pointed at
    the in-site source pages, or at the code host (`blob_url`) for other files, so none break."""
    readme = project_dir / "README.md"
    if not readme.is_file():
        return ""
    pages = {s.path: s.page for s in sources}

    def rewrite(target: str) -> str:
        if not target or "://" in target or target.startswith(("/", "#", "mailto:")):
            return target
        path, _, anchor = target.partition("#")
        path = path.removeprefix("./").rstrip("/")
        if path in pages:
            return pages[path] + (f"#{anchor}" if anchor.startswith("L") else "")
        if blob_url and (project_dir / path).exists():
            return f"{blob_url}/{path}" + (f"#{anchor}" if anchor else "")
        return "./"   # a file the site does not publish: link to the project page itself

    text = readme.read_text(encoding="utf-8")
    return render_markdown(text, heading_shift=1, rewrite=rewrite).html
