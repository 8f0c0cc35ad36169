"""Diagram fences: a ```dot (or graphviz) or ```plantuml (or sequence) block in Markdown becomes
an inline SVG figure at build time (generator/pictures/diagrams.py draws it).

Each diagram is rendered once per content: the SVG is kept in the store under a key made of the
renderer's version, the language, the ids' prefix and the source (store.py), so a rebuild, or a
clean build after the first, runs no renderer at all. A mistake is a SiteError at the line of the
fence (or the line inside it that the renderer names).
"""
from __future__ import annotations

from pathlib import Path

from generator.errors import SiteError
from generator.incremental.store import Blobs, digest

LANGUAGES = frozenset({"dot", "graphviz", "plantuml", "sequence"})
"""Fence info words drawn as diagrams (the renderer's own list, without importing it)."""


class Figures:
    """Renders diagram fences for the documents of one site; `root` None: no store (tests)."""

    def __init__(self, root: Path | None) -> None:
        self.blobs = Blobs(root, "diagrams", "1") if root is not None else None

    def diagram(self, lang: str, source: str, id_prefix: str, title: str | None = None) -> str:
        from generator.pictures.diagrams import render_diagram, renderer_version

        version = renderer_version(lang)
        if self.blobs is None:
            return render_diagram(lang, source, id_prefix=id_prefix, title=title)
        key = self.blobs.key(version, lang, id_prefix, title or "", source)
        return self.blobs.make(key, lambda: render_diagram(lang, source, id_prefix=id_prefix, title=title)
                               .encode()).decode()


class FenceContext:
    """What one document's fences need: the site's Figures and where the body starts."""

    def __init__(self, figures: Figures, body_line: int) -> None:
        self.figures = figures
        self.body_line = body_line
        self.count = 0

    def render(self, lang: str, source: str, fence_line: int) -> str:
        """The figure for a fence whose opening line is `fence_line` (0-based in the body)."""
        from generator.pictures.diagrams import DiagramError

        self.count += 1
        prefix = f"dg{self.count}-{digest(source)[:6]}-"
        try:
            return self.figures.diagram(lang, source, prefix)
        except DiagramError as exc:
            line = self.body_line + fence_line + (exc.line or 0)
            raise SiteError(f"{lang} diagram: {exc.args[0] if exc.args else exc}", None, line) from None
