"""`shiplog check`: validate everything, build nothing, report every problem as path:line.

Errors: front matter, cards, config and templates (what a build would reject), internal links
that lead nowhere (a page, or an #anchor on it, that the site does not have), links from
published pages to drafts, and images that do not exist. Warnings: images without alt text,
empty summaries, and links through an old address (an alias) of a post. The site is rendered in
memory (drafts included) so that link targets and anchors are exactly the pages and ids a build
makes; nothing is written and no proof is run.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from generator.engine import Engine, Options
from generator.errors import BuildFailed, SiteError
from generator.incremental.inventory import THEME_DIR
from generator.load.read import Loaded
from generator.model import Config, Page, Post, Reference
from generator.render.redirects import redirect_target

_ID = re.compile(r"""\s(?:id|name)\s*=\s*["']([^"']+)["']""")
_EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)")


@dataclass(frozen=True, slots=True)
class Problem:
    error: SiteError
    warning: bool = False

    def __str__(self) -> str:
        if not self.warning:
            return str(self.error)
        e = self.error
        return str(SiteError(f"warning: {e.message}", e.path, e.line, e.hint))


class Targets:
    """Every URL a build makes, with the ids on each HTML page, plus the static files."""

    def __init__(self, pages: dict[str, set[str]], files: set[str],
                 redirects: dict[str, str] | None = None) -> None:
        self.pages = pages
        self.files = files
        self.redirects = redirects or {}
        """Output path of each alias page -> the URL it leads to."""

    def path_for(self, url_path: str) -> str | None:
        """The output file a site URL path leads to (as the server resolves it), or None."""
        rel = unquote(url_path).lstrip("/")
        for candidate in (rel, rel.rstrip("/") + "/index.html" if rel else "index.html"):
            candidate = candidate.lstrip("/")
            if candidate in self.pages or candidate in self.files:
                return candidate
        return None


def static_files(config: Config) -> set[str]:
    files = set()
    for folder, prefix in ((THEME_DIR / "static", "static/"), (config.templates_dir / "static", "static/"),
                           (config.static_dir, "")):
        if folder.is_dir():
            files |= {prefix + p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    return files


def collect_targets(engine: Engine, config: Config, loaded: Loaded) -> Targets:
    """Render the site in memory (drafts included) and note every page and id; SiteError if it fails."""
    site = engine.assemble(config, loaded)
    pages: dict[str, set[str]] = {}
    redirects: dict[str, str] = {}
    files = static_files(config)
    for output in engine.render(site, engine.environment(config)).outputs:
        if output.path.endswith(".html"):
            pages[output.path] = set(_ID.findall(output.text))
            target = redirect_target(output.text)
            if target:
                redirects[output.path] = target
        else:
            files.add(output.path)
    return Targets(pages, files, redirects)


def _problem(message: str, record: Post | Page, ref: Reference, hint: str | None = None,
             warning: bool = False) -> Problem:
    return Problem(SiteError(message, record.source, ref.line, hint), warning)


class LineFinder:
    """Narrows a reference's line from its block's first line to the line that holds it.

    Markdown gives one line per paragraph; a link on the third line of a paragraph should still
    be reported there. References come in document order, so each target is searched for after
    the previous match of the same target."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
        self.cursor: dict[str, int] = {}

    def line(self, ref: Reference) -> int:
        if not ref.target or ref.line < 1 or ref.line > len(self.starts):
            return ref.line
        start = max(self.starts[ref.line - 1], self.cursor.get(ref.target, 0))
        at = self.text.find(ref.target, start)
        if at < 0:
            return ref.line
        self.cursor[ref.target] = at + len(ref.target)
        return sum(1 for s in self.starts if s <= at)


def precise(config: Config, record: Post | Page) -> Post | Page:
    """The record with each link and image on its own line (for messages only)."""
    try:
        finder = LineFinder((config.root / record.source).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return record
    refs = sorted([*((r, "link") for r in record.links), *((r, "image") for r in record.image_refs)],
                  key=lambda pair: pair[0].line)
    moved = {id(r): Reference(r.target, finder.line(r), r.alt) for r, _ in refs}
    return dataclasses.replace(record, links=tuple(moved[id(r)] for r in record.links),
                               image_refs=tuple(moved[id(r)] for r in record.image_refs))


def check_config_links(config: Config, loaded: Loaded, targets: Targets) -> list[Problem]:
    """Site-relative URLs in site.yaml and in cards must lead to a page too."""
    sources = [("site.yaml", config.links)] + [(p.source, p.links) for p in loaded.projects]
    problems = []
    for source, links in sources:
        try:
            lines = (config.root / source).read_text(encoding="utf-8").splitlines()
        except OSError:
            lines = []
        for link in links:
            if not link.url.startswith("/") or link.url.startswith("//"):
                continue
            parts = urlsplit(link.url)
            if targets.path_for(parts.path) is None:
                line = next((n for n, text in enumerate(lines, 1) if link.url in text), None)
                problems.append(Problem(SiteError(f"broken link {link.url!r} ({link.label}): the site has "
                                                  f"no page {parts.path}", source, line)))
    return problems


def check_links(record: Post | Page, targets: Targets, draft_urls: set[str]) -> list[Problem]:
    problems = []
    published = not (isinstance(record, Post) and record.is_draft)
    for ref in record.links:
        if not ref.target or _EXTERNAL.match(ref.target):
            continue
        parts = urlsplit(urljoin(record.url, ref.target))
        path = targets.path_for(parts.path)
        if path is None:
            problems.append(_problem(f"broken link {ref.target!r}: the site has no page {parts.path}",
                                     record, ref, "links are site URLs such as /notes/<slug>/, /projects/<slug>/, /tags/<tag>/"))
            continue
        if path in targets.redirects:
            moved = targets.redirects[path]
            problems.append(_problem(f"link {ref.target!r} goes through an old address of {moved} (an alias)",
                                     record, ref, f"link to {moved} directly", warning=True))
            path = targets.path_for(moved) or path
        if published and path.removesuffix("index.html") in {u.lstrip("/") for u in draft_urls}:
            problems.append(_problem(f"link {ref.target!r} leads to a draft, which a build does not publish",
                                     record, ref))
        anchor = unquote(parts.fragment)
        if anchor and path in targets.pages and anchor not in targets.pages[path]:
            known = sorted(i for i in targets.pages[path] if not i.startswith(("fn", "L")))[:8]
            problems.append(_problem(f"broken link {ref.target!r}: {parts.path} has no #{anchor}", record, ref,
                                     "ids there include: " + ", ".join(known) if known else None))
    return problems


def check_images(record: Post | Page, targets: Targets) -> list[Problem]:
    problems = []
    for ref in record.image_refs:
        if not ref.alt.strip():
            problems.append(_problem(f"image {ref.target!r} has no alt text", record, ref,
                                     "describe it: ![what the picture shows](...)", warning=True))
        if not ref.target or _EXTERNAL.match(ref.target) or isinstance(record, Post):
            continue                 # a post's local images were found and read when it loaded
        url_path = urlsplit(urljoin(record.url, ref.target)).path
        if targets.path_for(url_path) is None:
            problems.append(_problem(f"image {ref.target!r} does not exist ({url_path})", record, ref,
                                     "files in static/ are served at the site root: static/img/x.png is /img/x.png"))
    return problems


def summary_line(config: Config, record: Post | Page) -> int:
    try:
        lines = (config.root / record.source).read_text(encoding="utf-8").splitlines()
    except OSError:
        return 1
    for number, line in enumerate(lines[1:], 2):
        if line.strip() in ("---", "..."):
            return 1
        if line.startswith("summary:"):
            return number
    return 1


def check_summaries(config: Config, records: list[Post | Page]) -> list[Problem]:
    return [Problem(SiteError("empty summary: lists, feeds and link previews show it",
                              r.source, summary_line(config, r), "add summary: one or two sentences"), True)
            for r in records if not r.summary.strip()]


def check_site(root: Path) -> list[Problem]:
    """Every problem of the site at `root`, errors and warnings, sorted by file and line."""
    engine = Engine(root, options=Options(drafts=True, proofs=False, incremental=False))
    try:
        config = engine.config()
    except BuildFailed as exc:
        return [Problem(e) for e in exc.errors]
    loaded, errors = engine.load(config, keep_going=True)
    problems = [Problem(e) for e in errors]
    try:
        loaded = engine.prove(loaded)
    except BuildFailed as exc:
        problems += [Problem(e) for e in exc.errors]
    loaded_records: list[Post | Page] = [*loaded.posts, *loaded.pages]
    records = [precise(config, r) for r in loaded_records]
    problems += check_summaries(config, records)
    try:
        targets = collect_targets(engine, config, loaded)
    except SiteError as exc:
        problems.append(Problem(exc))
        problems.append(Problem(SiteError("links and images were not checked: the site does not render"), True))
    else:
        draft_urls = {p.url for p in loaded.posts if p.is_draft}
        problems += check_config_links(config, loaded, targets)
        for record in records:
            problems += check_links(record, targets, draft_urls)
            problems += check_images(record, targets)
    return sorted(problems, key=lambda p: (p.error.path or "", p.error.line or 0, p.warning, p.error.message))
