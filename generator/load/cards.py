"""projects/<slug>/card.yaml -> Project (the card as written; proof runs fill its claims later)."""
from __future__ import annotations

import json
import string
from pathlib import Path

from generator.model import Config, Link
from generator.load.content import check_slug, make_tags
from generator.errors import ErrorCollector, SiteError
from generator.load.fields import Fields
from generator.model import Chart, Claim, Picture, Project, Section
from generator.load.yamlfile import parse_yaml

CARD_FILE = "card.yaml"
CARD_KEYS = ("title", "tagline", "order", "kind", "tags", "stack", "sections", "details", "proof",
             "claims", "links", "pictures", "charts", "headline")
MAX_HEADLINE = 4
PICTURE_FORMATS = ("dot", "plantuml")
KINDS = ("system", "research", "tool")
DEFAULT_PROOF_TIMEOUT = 120.0


def claim_fields(template: str) -> list[str]:
    """The top-level JSON keys a claim template uses; ValueError on bad format syntax."""
    names = []
    for _, field_name, spec, _ in string.Formatter().parse(template):
        if field_name is None:
            continue
        if not field_name or field_name.isdigit():
            raise ValueError("placeholders must name a key, like {orders}")
        names.append(field_name.split("[", 1)[0].split(".", 1)[0])
        if spec and "{" in spec:
            claim_fields(spec)
    return names


def _sections(card: Fields, key: str) -> tuple[Section, ...]:
    out = []
    for item in card.mappings(key):
        item.check_keys(["label", "body"])
        out.append(Section(item.text("label", required=True), item.text("body", required=True)))
    return tuple(out)


def _pictures(card: Fields) -> tuple[Picture, ...]:
    out = []
    for item in card.mappings("pictures"):
        item.check_keys(["args", "format", "alt"])
        args = item.text_list("args")
        if not args:
            item.error("args", "a picture needs 'args', the argv after python -m projects.<slug> that prints it")
        out.append(Picture(tuple(args), item.choice("format", PICTURE_FORMATS, "dot"),
                           item.text("alt", required=True), item.line))
    return tuple(out)


def _charts(card: Fields) -> tuple[Chart, ...]:
    out = []
    for item in card.mappings("charts"):
        item.check_keys(["title", "data", "spec"])
        spec = item.data.get("spec") if isinstance(item.data, dict) else None
        if not isinstance(spec, dict) or not spec:
            item.error("spec", "a chart needs 'spec', a Vega-Lite mapping (mark, encoding) without data")
            spec = {}
        out.append(Chart(item.text("title", required=True), item.text("data", required=True),
                         json.dumps(spec, sort_keys=True), item.line))
    if out and not card.has("proof"):
        card.error("charts", "charts need a 'proof' whose JSON holds their data")
    return tuple(out)


def _headline(card: Fields) -> tuple[Claim, ...]:
    out = []
    for item in card.mappings("headline"):
        item.check_keys(["figure", "label"])
        figure = item.text("figure", required=True)
        try:
            claim_fields(figure)
        except ValueError as exc:
            item.error("figure", f"headline figure {figure!r} has bad format syntax: {exc}")
        out.append(Claim(figure, item.line, label=item.text("label", required=True)))
    if len(out) > MAX_HEADLINE:
        card.error("headline", f"a card shows at most {MAX_HEADLINE} headline figures, not {len(out)}",
                   "keep the ones a reader should remember; the rest belong in claims")
    if out and not card.has("proof"):
        card.error("headline", "headline figures need a 'proof' that produces them")
    return tuple(out)


def parse_card(text: str, rel: str, slug: str) -> Project:
    """One card file -> Project; raises BuildFailed with every mistake in it."""
    errors = ErrorCollector()
    card = Fields(parse_yaml(text, rel), rel, errors, "card")
    card.check_keys(CARD_KEYS)
    if not card.has("sections"):
        errors.add("missing required key 'sections' in card", rel, card.line,
                   "a card needs at least one {label, body} section")
    sections = _sections(card, "sections")
    details = _sections(card, "details")
    proof = card.mapping("proof")
    proof.check_keys(["args", "timeout"])
    args = proof.text_list("args")
    claims = []
    raw_claims = card.data.get("claims") or []
    item_lines = getattr(raw_claims, "item_lines", [])
    for index, value in enumerate(raw_claims if isinstance(raw_claims, list) else []):
        line = item_lines[index] if index < len(item_lines) else card.line_of("claims")
        if not isinstance(value, str) or not value.strip():
            errors.add(f"claim {index + 1} must be non-empty text", rel, line)
            continue
        try:
            claim_fields(value)
        except ValueError as exc:
            errors.add(f"claim {value!r} has bad format syntax: {exc}", rel, line,
                       "claims are Python format strings: {key}, {key:,}, {key[sub]:.1f}; write {{ for a brace")
        claims.append(Claim(value, line))
    if card.has("claims") and not isinstance(card.data["claims"], list):
        card.error("claims", "'claims' must be a list of format strings")
    if claims and not card.has("proof"):
        card.error("claims", "claims need a 'proof' that produces their figures",
                   "add proof: {args: [--json]} naming how to run the module")
    if card.has("proof") and not claims:
        card.error("proof", "a 'proof' without 'claims' shows nothing", "add claims that use its JSON keys")
    if card.has("proof") and not args:
        proof.error("args", "proof needs 'args', the argv after python -m projects.<slug>")
    links = []
    for item in card.mappings("links"):
        item.check_keys(["label", "url"])
        links.append(Link(item.text("label", required=True), item.text("url", required=True)))
    project = Project(
        slug=slug, source=rel,
        title=card.text("title", required=True),
        tagline=card.text("tagline"),
        order=card.integer("order", 100, minimum=0),
        kind=card.choice("kind", KINDS, "system"),
        tags=make_tags(card.text_list("tags")),
        stack=tuple(card.text_list("stack")),
        sections=sections,
        details=details,
        proof_args=tuple(args),
        proof_timeout=proof.number("timeout", DEFAULT_PROOF_TIMEOUT),
        proof_line=card.line_of("proof"),
        claims=tuple(claims),
        links=tuple(links),
        pictures=_pictures(card),
        charts=_charts(card),
        headline=_headline(card),
    )
    errors.raise_if_any()
    return project


def card_files(config: Config) -> list[Path]:
    folder = config.projects_dir
    return sorted(folder.glob(f"*/{CARD_FILE}")) if folder.is_dir() else []


def card_slug(path: Path, rel: str) -> str:
    slug = path.parent.name
    check_slug(slug, rel, "project")
    if not (path.parent / "__init__.py").is_file() and not (path.parent / "__main__.py").is_file():
        raise SiteError(f"project '{slug}' has a card but no Python package", rel, None,
                        f"add projects/{slug}/__init__.py and __main__.py so python -m projects.{slug} runs")
    return slug
