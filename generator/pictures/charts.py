"""Vega-Lite charts rendered at build time to inline SVG with vl-convert (offline, no client JS).

The card author writes the spec without data; the rows of a proof run are its data. The chart
renders with sentinel colours that are then replaced by the site's CSS variables, so the same
SVG reads in light and dark mode (see diagrams.inline_svg, which does the rewriting).
"""
from __future__ import annotations

import copy
import html
import re
import xml.etree.ElementTree as ET

import vl_convert

from .diagrams import DiagramError, inline_svg

__all__ = ["ChartError", "renderer_version", "render_chart"]

VEGA_LITE = vl_convert.get_vegalite_versions()[-1]     # pinned per vl-convert release

# Sentinel colour -> site colour. Series take accent, warn, focus, muted, fg in turn: each pair
# is told apart in both schemes; a sixth series repeats the first.
_ROLES = {
    "#010101": "currentColor",      # labels, titles
    "#020202": "var(--muted)",      # axis lines, ticks
    "#030303": "var(--rule)",       # gridlines, the plot frame
    "#040404": "var(--accent)",
    "#050505": "var(--warn)",
    "#060606": "var(--focus)",
    "#070707": "var(--muted)",
    "#080808": "var(--fg)",
}
_SERIES = ["#040404", "#050505", "#060606", "#070707", "#080808"]
_CONFIG = {
    "aria": False,                  # the whole <svg> is one role="img" with its <title>
    "background": None,
    "font": "sans-serif",
    "view": {"stroke": "#030303", "discreteWidth": {"step": 40}},
    "mark": {"color": "#040404"},
    "range": {"category": _SERIES},
    "axis": {"domainColor": "#020202", "tickColor": "#020202", "gridColor": "#030303",
             "labelColor": "#010101", "titleColor": "#010101", "labelFontSize": 12,
             "titleFontSize": 12},
    # The browser's sans-serif may be wider than the font vl-convert measures with: keep room
    # between labels so they do not run into each other.
    "axisX": {"labelSeparation": 10},
    "axisY": {"labelSeparation": 4},
    "legend": {"labelColor": "#010101", "titleColor": "#010101", "labelFontSize": 12,
               "titleFontSize": 12},
    "title": {"color": "#010101", "subtitleColor": "#020202"},
    "header": {"labelColor": "#010101", "titleColor": "#010101"},
}


class ChartError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


REVISION = 2
"""Raised when this module draws different SVG from the same spec (2: marks lose their roles)."""


def renderer_version() -> str:
    """E.g. "2 vl-convert 1.9.0 vega-lite 6.4", for cache keys."""
    return f"{REVISION} vl-convert {vl_convert.__version__} vega-lite {VEGA_LITE}"


def render_chart(spec: dict, rows: list[dict], *, id_prefix: str, title: str) -> str:
    """The chart as an HTML <figure class="chart">: caption, inline SVG, and its data as a table."""
    _check(spec, rows)
    full = {**copy.deepcopy(spec), "data": {"values": rows}}
    full["config"] = _merge(_CONFIG, spec.get("config", {}))
    try:
        svg = vl_convert.vegalite_to_svg(full, vl_version=VEGA_LITE, allowed_base_urls=[],
                                         format_locale="en-US", time_format_locale="en-US")
    except ValueError as e:
        raise ChartError(f"invalid chart spec: {_one_line(str(e))}") from None
    try:
        body = inline_svg(_one_image(ET.fromstring(svg)), id_prefix=id_prefix, title=title, paint=_paint,
                          css_class="chart-svg")
    except (ET.ParseError, DiagramError) as e:
        raise ChartError(f"vl-convert produced unreadable SVG: {e}") from None
    return "\n".join(['<figure class="chart">', f"<figcaption>{html.escape(title)}</figcaption>",
                      body, _table(rows), "</figure>"])


def _one_image(root: ET.Element) -> ET.Element:
    """The roles Vega gives marks removed (a spec's own `aria` can bring them back), so that the
    whole <svg> is one image named by its title: a graphics-symbol without a name fails axe."""
    for element in root.iter():
        if element is not root:
            for name in [a for a in element.attrib if a == "role" or a.startswith("aria-")]:
                del element.attrib[name]
    return root


def _check(spec: dict, rows: list[dict]) -> None:
    if not isinstance(spec, dict):
        raise ChartError(f"the chart spec must be a mapping, not {type(spec).__name__}")
    if "data" in spec:
        raise ChartError("the chart spec must not carry data: the proof run's rows are its data")
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise ChartError("the chart data must be a list of records (mappings of field to value)")
    available = {k for r in rows for k in r} | _derived(spec)
    for field in sorted(_fields(spec)):
        if field not in available and field.split(".")[0] not in available:
            raise ChartError(f"the chart encodes field {field!r}, which the data does not have; "
                             f"fields: {', '.join(sorted(available)) or '(no rows)'}")


def _fields(node) -> set[str]:
    """Every field named under an "encoding" anywhere in the spec (layers, facets included)."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "encoding" and isinstance(value, dict):
                found |= _channel_fields(value)
            elif key != "data":
                found |= _fields(value)
    elif isinstance(node, list):
        for item in node:
            found |= _fields(item)
    return found


def _channel_fields(encoding: dict) -> set[str]:
    found = set()
    for channel in encoding.values():
        for definition in channel if isinstance(channel, list) else [channel]:  # tooltip lists
            if isinstance(definition, dict):
                if isinstance(definition.get("field"), str):
                    found.add(definition["field"])
                found |= _channel_fields({k: v for k, v in definition.items() if k == "condition"})
    return found


def _derived(node) -> set[str]:
    """Fields that transforms make ("as"), which the rows need not have."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "as":
                names = value if isinstance(value, list) else [value]
                found |= {n for n in names if isinstance(n, str)}
            elif key != "data":
                found |= _derived(value)
    elif isinstance(node, list):
        for item in node:
            found |= _derived(item)
    return found


def _merge(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        merged[key] = _merge(base[key], value) if isinstance(base.get(key), dict) and isinstance(value, dict) else value
    return merged


def _one_line(message: str) -> str:
    """vl-convert's error without its header and JavaScript stack."""
    lines = [l.strip() for l in message.splitlines() if l.strip() and not l.strip().startswith("at ")]
    lines = [l for l in lines if not l.endswith("conversion failed:")] or lines
    return re.sub(r"\s+", " ", lines[0] if lines else message)[:300]


def _paint(prop: str, value: str, tag: str, colours: dict[str, str]) -> str:
    if value in {"none", "transparent"}:
        return "none"
    if value in _ROLES:
        return _ROLES[value]
    if value in {"white", "#fff", "#ffffff"}:
        return "none" if prop == "fill" else "var(--bg)"
    return "currentColor" if tag == "text" else "var(--accent)"   # the author's own colours


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return html.escape(str(value), quote=False)


def _table(rows: list[dict]) -> str:
    columns = list(dict.fromkeys(k for r in rows for k in r))
    numeric = {c for c in columns if all(_is_number(r[c]) for r in rows if r.get(c) is not None)
               and any(_is_number(r.get(c)) for r in rows)}

    def cls(column: str) -> str:
        return ' class="num"' if column in numeric else ""

    head = "".join(f'<th scope="col"{cls(c)}>{html.escape(str(c), quote=False)}</th>' for c in columns)
    body = "\n".join("<tr>" + "".join(f"<td{cls(c)}>{_cell(r.get(c))}</td>" for c in columns) + "</tr>"
                     for r in rows)
    return (f"<details><summary>Data</summary><table>\n<thead><tr>{head}</tr></thead>\n"
            f"<tbody>\n{body}\n</tbody></table></details>")
