"""content/posts/*.md and content/pages/*.md -> Post and Page records, validated."""
from __future__ import annotations

import functools
import re
from pathlib import Path

from generator.model import Config
from generator.errors import ErrorCollector, SiteError
from generator.load.aliases import read_aliases
from generator.load.fields import Fields
from generator.load.frontmatter import parse_document
from generator.markdown.convert import render_markdown, slugify, count_prose_words
from generator.markdown.figures import Figures
from generator.markdown.images import MISSING, Images, file_digest
from generator.model import Page, Post, Tag
from generator.markdown.textstats import draft_progress, reading_minutes, strip_placeholders

POST_KEYS = ("title", "date", "tags", "summary", "status", "target_words", "project", "aliases")
PAGE_KEYS = ("title", "summary", "order")
STATUSES = ("published", "draft")
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
RESERVED_PAGE_SLUGS = {"notes", "projects", "tags", "static", "feed.xml", "sitemap.xml",
                       "robots.txt", "404", "pagefind", "index"}


def check_slug(slug: str, path: str, what: str) -> None:
    """Slugs become folder names in the output: only lowercase letters, digits, - and _."""
    if not SLUG.match(slug):
        suggestion = slugify(slug)
        raise SiteError(f"invalid {what} slug {slug!r}: it names an output folder, so it may hold "
                        "only lowercase letters, digits, '-' and '_'", path, None,
                        f"rename the file to {suggestion}.md" if suggestion else None)


def make_tags(names: list[str]) -> tuple[Tag, ...]:
    seen: dict[str, Tag] = {}
    for name in names:
        slug = slugify(name)
        if slug and slug not in seen:
            seen[slug] = Tag(name, slug)
    return tuple(seen.values())


@functools.cache
def site_figures(root: Path | None) -> Figures:
    return Figures(root)


@functools.cache
def site_images(root: Path, static_dir: Path) -> Images:
    return Images(root, static_dir)


def parse_post(text: str, rel: str, slug: str, config: Config) -> Post:
    """One post file -> Post, with every computed field; raises BuildFailed/SiteError."""
    doc = parse_document(text, rel)
    errors = ErrorCollector()
    meta = Fields(doc.meta, rel, errors, "front-matter")
    meta.check_keys(POST_KEYS)
    status = meta.choice("status", STATUSES, "published")
    published = status == "published"
    title = meta.text("title", required=True)
    date = meta.date("date", required=published)
    target = meta.integer("target_words", config.target_words)
    project = meta.text("project") or None
    tags = make_tags(meta.text_list("tags"))
    summary = meta.text("summary")
    aliases = read_aliases(meta)
    errors.raise_if_any()
    try:
        rendered = render_markdown(doc.body, doc.body_line, figures=site_figures(config.root),
                                   images=(site_images(config.root, config.static_dir), (config.root / rel).parent))
    except SiteError as exc:
        raise SiteError(exc.message, rel, exc.line, exc.hint) from None
    unwritten_removed = doc.body if published else strip_placeholders(doc.body)
    # Same rules as rendered.words, so a draft without placeholders needs no second parse.
    written = rendered.words if unwritten_removed == doc.body else count_prose_words(unwritten_removed)
    return Post(
        slug=slug, source=rel, title=title, date=date, summary=summary, tags=tags,
        status=status, target_words=target, project=project, project_line=meta.line_of("project"),
        html=rendered.html, headings=rendered.headings, words=rendered.words,
        written_words=written, code_lines=rendered.code_lines, images=rendered.images,
        reading_minutes=reading_minutes(rendered.words, rendered.code_lines, rendered.images,
                                        config.wpm, config.code_line_seconds),
        progress=draft_progress(written, target, published),
        links=rendered.links, image_refs=rendered.image_refs,
        inputs=rendered.inputs, assets=rendered.assets,
        problems=tuple(SiteError(p.message, rel, p.line, p.hint) for p in rendered.problems),
        aliases=aliases, aliases_line=meta.line_of("aliases"),
    )


def inputs_hold(record: Post | Page, root: Path) -> bool:
    """True while every file besides its own that the record was made from is as it was."""
    for rel, digest in record.inputs:
        try:
            if file_digest((root / rel).read_bytes()) != digest:
                return False
        except OSError:
            if digest != MISSING:
                return False
    return True


def parse_page(text: str, rel: str, slug: str) -> Page:
    doc = parse_document(text, rel)
    errors = ErrorCollector()
    meta = Fields(doc.meta, rel, errors, "front-matter")
    meta.check_keys(PAGE_KEYS)
    title = meta.text("title", required=True)
    summary = meta.text("summary")
    order = meta.integer("order", 100, minimum=0)
    errors.raise_if_any()
    if slug in RESERVED_PAGE_SLUGS:
        raise SiteError(f"page slug {slug!r} is taken by a page shiplog makes", rel, None,
                        "rename the file")
    try:
        rendered = render_markdown(doc.body, doc.body_line, figures=site_figures(None))
    except SiteError as exc:
        raise SiteError(exc.message, rel, exc.line, exc.hint) from None
    return Page(slug, rel, title, summary, order, rendered.html, rendered.headings,
                rendered.links, rendered.image_refs)


def markdown_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.md")) if folder.is_dir() else []


def relative(path: Path, config: Config) -> str:
    return path.relative_to(config.root).as_posix()
