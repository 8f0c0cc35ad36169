"""Diagrams as code (Graphviz `dot`, PlantUML) rendered at build time to inline SVG.

The renderers' SVG is rewritten so it belongs to the page: every colour becomes currentColor or
one of the site's CSS variables (so light and dark mode both work), backgrounds are transparent,
text takes the page's font, ids carry a per-diagram prefix, and the fixed size shrinks to fit.
`inline_svg` does that rewriting and is shared with charts.py.

PlantUML over an own sequence renderer: PlantUML takes every colour as a command-line skin
parameter, so it renders with sentinel colours that map one-to-one onto site variables; the
result is clean in both schemes and we get its full sequence syntax (notes, dividers, groups,
activations) for free. Its cost is a JVM start per diagram (~1 s), which the engine's cache hides.
"""
from __future__ import annotations

import functools
import html
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from typing import Callable

import graphviz

__all__ = ["DiagramError", "RendererMissing", "LANGUAGES", "renderer_version", "render_diagram",
           "inline_svg"]

LANGUAGES: dict[str, str] = {"dot": "graphviz", "graphviz": "graphviz",
                             "plantuml": "plantuml", "sequence": "plantuml"}
TIMEOUT_SECONDS = 30
INSTALL = {
    "graphviz": "Graphviz's `dot` is not installed: apt-get install graphviz (or run make install)",
    "plantuml": "PlantUML is not installed: apt-get install plantuml default-jre-headless "
                "(or run make install)",
}
EXECUTABLE = {"graphviz": "dot", "plantuml": "plantuml"}


class DiagramError(Exception):
    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line          # 1-based, within the diagram source

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


class RendererMissing(DiagramError):
    pass


def _renderer(lang: str) -> str:
    try:
        return LANGUAGES[lang]
    except KeyError:
        raise DiagramError(f"unknown diagram language {lang!r}; known: {', '.join(LANGUAGES)}") from None


def _executable(renderer: str) -> str:
    path = shutil.which(EXECUTABLE[renderer])
    if path is None:
        raise RendererMissing(INSTALL[renderer])
    return path


def _run(cmd: list[str], data: bytes, renderer: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(cmd, input=data, capture_output=True, timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        raise DiagramError(f"{renderer} took longer than {TIMEOUT_SECONDS} s") from None
    except FileNotFoundError:
        raise RendererMissing(INSTALL[renderer]) from None


def renderer_version(lang: str) -> str:
    """E.g. "graphviz 2.43.0" or "plantuml 1.2020.02", for cache keys."""
    renderer = _renderer(lang)
    return _version(renderer, _executable(renderer))


@functools.cache
def _version(renderer: str, executable: str) -> str:   # keyed by path: a new install, a new key
    if renderer == "graphviz":
        try:
            return "graphviz " + ".".join(map(str, graphviz.version()))
        except graphviz.ExecutableNotFound:
            raise RendererMissing(INSTALL[renderer]) from None
    out = _run([executable, "-version"], b"", renderer).stdout.decode(errors="replace")
    found = re.search(r"PlantUML version (\S+)", out)
    if not found:
        raise DiagramError(f"cannot read PlantUML's version from {out[:80]!r}")
    return "plantuml " + found.group(1)


def render_diagram(lang: str, source: str, *, id_prefix: str, title: str | None = None) -> str:
    """The diagram as an HTML <figure class="diagram">: inline SVG plus its source as text."""
    renderer = _renderer(lang)
    exe = _executable(renderer)
    if renderer == "graphviz":
        svg, paint, label = _graphviz(exe, source), _graphviz_paint, _graphviz_label
    else:
        svg, paint, label = _plantuml(exe, source), _plantuml_paint, lambda root: _plantuml_title(source)
    root = _parse(svg, renderer)
    if renderer == "graphviz":
        _drop_graphviz_background(root)
    name = title or label(root) or "Diagram"
    parts = ['<figure class="diagram">']
    if title:
        parts.append(f"<figcaption>{html.escape(title)}</figcaption>")
    parts.append(inline_svg(root, id_prefix=id_prefix, title=name, paint=paint, css_class="diagram-svg"))
    parts.append("<details><summary>Diagram source</summary>"
                 f"<pre>{html.escape(source.strip(chr(10)), quote=False)}</pre></details>")
    parts.append("</figure>")
    return "\n".join(parts)


# --- Graphviz -------------------------------------------------------------------------------

# dot measures text with these fonts; the browser draws it in the page's sans-serif, which is
# about as wide as Helvetica/Arial metrics. Nodes get sentinel colours (as PlantUML below), so
# they look like PlantUML's participants; what the source sets itself wins over these defaults.
_GRAPHVIZ_ROLES = {"#030303": "var(--accent)", "#040404": "var(--accent-bg)"}
GRAPHVIZ_DEFAULTS = ["-Gfontname=Helvetica", "-Nfontname=Helvetica", "-Efontname=Helvetica",
                     "-Gfontsize=14", "-Nfontsize=14", "-Efontsize=12", "-Gbgcolor=transparent",
                     "-Nstyle=filled", "-Ncolor=#030303", "-Nfillcolor=#040404"]


def _graphviz(exe: str, source: str) -> str:
    """Runs `dot` directly rather than through graphviz.pipe, which takes neither a timeout nor
    command-line defaults (our fonts)."""
    proc = _run([exe, "-Tsvg", *GRAPHVIZ_DEFAULTS], source.encode(), "graphviz")
    if proc.returncode != 0:
        err = proc.stderr.decode(errors="replace").strip()
        line = re.search(r"syntax error in line (\d+)", err)
        message = next((l for l in err.splitlines() if l.startswith("Error")), err or "dot failed")
        message = re.sub(r"^Error:\s*(<stdin>:\s*)?", "", message).strip()
        raise DiagramError(message or f"dot exited with {proc.returncode}",
                           int(line.group(1)) if line else None)
    return proc.stdout.decode()


def _drop_graphviz_background(root: ET.Element) -> None:
    graph = root.find("{*}g")
    if graph is None:
        return
    for child in list(graph):
        if _local(child.tag) == "polygon":          # the page background, before any node
            if child.get("fill", "").lower() in {"white", "#ffffff", "transparent", "none"}:
                graph.remove(child)
            return


def _graphviz_label(root: ET.Element) -> str | None:
    """The graph's label (its direct <text>s), else its name unless dot made one up ("%3")."""
    graph = root.find("{*}g")
    if graph is None:
        return None
    label = " ".join((t.text or "").strip() for t in graph.findall("{*}text")).strip()
    name = (graph.findtext("{*}title") or "").strip()
    return label or (name if name and not name.startswith("%") else None)


def _graphviz_paint(prop: str, value: str, tag: str, colours: dict[str, str]) -> str:
    """Default black -> the text colour; anything else the author coloured -> the accent."""
    if value in {"none", "transparent"}:
        return "none"
    if value in _GRAPHVIZ_ROLES:
        return _GRAPHVIZ_ROLES[value]
    if tag == "text":
        return "currentColor" if value in {"black", "#000000"} else "var(--accent)"
    if prop == "fill" and value == colours.get("stroke"):   # arrowheads: filled like their line
        prop = "stroke"
    if prop == "stroke":
        return "currentColor" if value in {"black", "#000000"} else "var(--accent)"
    if value in {"white", "#ffffff"}:
        return "var(--card)"
    if value in {"black", "#000000"}:
        return "currentColor"
    return "var(--accent-bg)"                                # style=filled, any fillcolor


# --- PlantUML -------------------------------------------------------------------------------

# Skin parameters set to sentinel colours, each standing for one site colour. The sentinels are
# near-black greys nobody picks, so what the author coloured explicitly is told apart.
_PLANTUML_ROLES = {
    "#010101": "currentColor",     # text, arrows
    "#020202": "var(--muted)",     # lifelines, dividers, group frames
    "#030303": "var(--accent)",    # participant borders
    "#040404": "var(--accent-bg)", # participant boxes
    "#050505": "var(--code-bg)",   # notes, dividers, groups, boxes
    "#060606": "var(--card)",      # activation bars
}
_PLANTUML_SKIN = {
    "shadowing": "false", "BackgroundColor": "transparent", "defaultFontName": "sans-serif",
    "defaultFontColor": "#010101", "ArrowColor": "#010101",
    "SequenceLifeLineBorderColor": "#020202", "SequenceLifeLineBackgroundColor": "#060606",
    "ParticipantBorderColor": "#030303", "ParticipantBackgroundColor": "#040404",
    "ActorBorderColor": "#030303", "ActorBackgroundColor": "#040404",
    "NoteBorderColor": "#020202", "NoteBackgroundColor": "#050505",
    "SequenceDividerBorderColor": "#020202", "SequenceDividerBackgroundColor": "#050505",
    "SequenceGroupBorderColor": "#020202", "SequenceGroupBackgroundColor": "#050505",
    "SequenceGroupHeaderFontColor": "#010101", "SequenceBoxBorderColor": "#020202",
    "SequenceBoxBackgroundColor": "#050505", "SequenceReferenceBorderColor": "#020202",
    "SequenceReferenceBackgroundColor": "#050505", "SequenceReferenceHeaderBackgroundColor": "#050505",
    "SequenceDelayFontColor": "#010101", "BorderColor": "#020202",
    "ClassBorderColor": "#030303", "ClassBackgroundColor": "#040404",
    "ComponentBorderColor": "#030303", "ComponentBackgroundColor": "#040404",
    "ActivityBorderColor": "#030303", "ActivityBackgroundColor": "#040404",
    "ActivityStartColor": "#010101", "ActivityEndColor": "#010101", "ActivityBarColor": "#010101",
    "ActivityDiamondBorderColor": "#030303", "ActivityDiamondBackgroundColor": "#040404",
    "StateBorderColor": "#030303", "StateBackgroundColor": "#040404",
}


def _plantuml(exe: str, source: str) -> str:
    skin = [f"-S{k}={v}" for k, v in _PLANTUML_SKIN.items()]
    text = source if "@start" in source else f"@startuml\n{source}\n@enduml\n"
    offset = 0 if "@start" in source else 1                  # the line we added above it
    proc = _run([exe, "-tsvg", "-pipe", "-nometadata", "-charset", "UTF-8", *skin],
                text.encode(), "plantuml")
    err = proc.stderr.decode(errors="replace")
    if proc.returncode != 0 or re.search(r"^ERROR$", err, re.M):
        found = re.search(r"^ERROR\n(\d+)\n(.*)$", err, re.M)   # 0-based line, then the message
        if found:
            raise DiagramError(found.group(2).strip() or "syntax error",
                               max(int(found.group(1)) + 1 - offset, 1))
        raise DiagramError(err.strip().splitlines()[-1] if err.strip() else
                           f"plantuml exited with {proc.returncode}")
    return proc.stdout.decode()


def _plantuml_title(source: str) -> str | None:
    found = re.search(r"^\s*title\s+(.+?)\s*$", source, re.M | re.I)
    return found.group(1) if found else None


def _plantuml_paint(prop: str, value: str, tag: str, colours: dict[str, str]) -> str:
    if value in {"none", "transparent"}:
        return "none"
    if value in _PLANTUML_ROLES:
        return _PLANTUML_ROLES[value]
    if tag == "text" or prop == "stroke":                    # author's own colours: the accent
        return "var(--accent)"
    return "var(--accent-bg)"


# --- SVG rewriting (shared with charts.py) ---------------------------------------------------

Paint = Callable[[str, str, str, dict[str, str]], str]
_PAINTED = ("fill", "stroke", "stop-color", "flood-color", "lighting-color", "color")
_DROPPED_ROOT = {"width", "height", "style", "preserveAspectRatio", "contentScriptType",
                 "contentStyleType", "zoomAndPan", "version", "class", "id"}
_XLINK = "{http://www.w3.org/1999/xlink}"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _parse(svg: str, renderer: str) -> ET.Element:
    try:
        return ET.fromstring(svg.encode())        # drops the prolog, DOCTYPE and comments
    except ET.ParseError as e:
        raise DiagramError(f"{renderer} produced unreadable SVG: {e}") from None


def _declarations(style: str) -> list[tuple[str, str]]:
    pairs = (d.split(":", 1) for d in style.split(";") if ":" in d)
    return [(k.strip().lower(), v.strip()) for k, v in pairs]


def _font(value: str) -> str | None:
    """Monospace stays monospace (the site's), anything else inherits the page's font."""
    return "var(--mono)" if re.search(r"mono|courier|consol", value, re.I) else None


def inline_svg(root: ET.Element, *, id_prefix: str, title: str, paint: Paint, css_class: str,
               drop: Callable[[ET.Element], bool] = lambda el: False) -> str:
    """`root` serialised as an inline <svg role="img"> for HTML: colours through `paint`, fonts
    inherited, ids prefixed, fixed size replaced by its viewBox size that shrinks to fit."""
    rename: dict[str, str] = {}      # in document order, so the same input gets the same ids
    for el in root.iter():
        old = el.get("id")
        if old and old not in rename:   # PlantUML's ids ("Order->Payment") are no XML names
            new = f"{id_prefix}-" + re.sub(r"[^A-Za-z0-9_.-]", "_", old)
            while new in rename.values():
                new += "_"
            rename[old] = new

    def refs(value: str) -> str:
        return re.sub(r"url\(\s*['\"]?#([^)'\"]+)['\"]?\s*\)",
                      lambda m: f"url(#{rename.get(m.group(1), m.group(1))})", value)

    def element(el: ET.Element, out: list[str]) -> None:
        tag = _local(el.tag)
        if tag in {"metadata", "script"} or drop(el):
            return
        attrs, style = [], []
        colours = {k: v.strip().lower() for k, v in el.attrib.items() if k in _PAINTED}
        colours |= {k: v.lower() for k, v in _declarations(el.get("style", "")) if k in _PAINTED}
        for key, value in el.attrib.items():
            if key.startswith(_XLINK):
                if key == _XLINK + "href":
                    attrs.append(("href", "#" + rename.get(value[1:], value[1:]) if value.startswith("#") else value))
                continue
            if key.startswith("{"):
                continue
            if key in _PAINTED:
                style.append((key, paint(key, colours[key], tag, colours)))
            elif key == "font-family":
                if font := _font(value):
                    style.append(("font-family", font))
            elif key == "style":
                for k, v in _declarations(value):
                    if k in _PAINTED:
                        style.append((k, paint(k, colours[k], tag, colours)))
                    elif k == "font-family":
                        if font := _font(v):
                            style.append((k, font))
                    elif k not in {"background", "background-color"}:
                        style.append((k, refs(v)))
            elif key == "id":
                attrs.append(("id", rename[value]))
            elif key == "href" and value.startswith("#"):
                attrs.append(("href", "#" + rename.get(value[1:], value[1:])))
            else:
                attrs.append((key, refs(value)))
        if style:
            attrs.append(("style", ";".join(f"{k}:{v}" for k, v in style)))
        out.append("<" + tag + "".join(f' {k}="{html.escape(v)}"' for k, v in attrs))
        children = list(el)
        if not children and not (el.text or "").strip() and tag != "title":
            out.append("/>")
        else:
            out.append(">" + html.escape(el.text or "", quote=False))
            for child in children:
                element(child, out)
                out.append(html.escape(child.tail or "", quote=False))
            out.append(f"</{tag}>")

    box = [float(n) for n in re.split(r"[\s,]+", root.get("viewBox", "").strip()) if n]
    if len(box) != 4:
        raise DiagramError("the renderer's SVG has no viewBox")
    width, height = (f"{n:.0f}" for n in box[2:])
    title_id = f"{id_prefix}-title"
    head = (f'<svg class="{css_class}" viewBox="{" ".join(f"{n:g}" for n in box)}" width="{width}" '
            f'height="{height}" role="img" aria-labelledby="{title_id}" '
            'style="max-width:100%;height:auto;fill:currentColor;font-family:var(--sans,sans-serif)">'
            f'<title id="{title_id}">{html.escape(title, quote=False)}</title>')
    out: list[str] = []
    for child in root:
        element(child, out)
        out.append(html.escape(child.tail or "", quote=False))
    body = "".join(out)
    for key in root.attrib:      # anything else the renderer put on <svg> stays
        if key not in _DROPPED_ROOT | {"viewBox"} and not key.startswith("{"):
            head = head.replace("<svg ", f'<svg {key}="{html.escape(root.get(key))}" ', 1)
    return head + body + "</svg>"
