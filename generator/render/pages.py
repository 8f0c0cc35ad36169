"""Stage 3: Site -> every output file, as (path, text) pairs. Pure: nothing is written here."""
from __future__ import annotations

import json
from contextlib import suppress
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from generator.incremental.cache import PageCache, track_site
from generator.errors import SiteError
from generator.parallel import map_ordered
from generator.markdown.convert import pygments_css
from generator.incremental.store import Blobs
from generator.markdown.images import asset_files
from generator.model import Config, Page, Post, Project, Site, SourceFile, TagIndex
from generator.render.redirects import redirect_page
from generator.render.templates import render_template


@dataclass(frozen=True, slots=True)
class Output:
    path: str
    """Relative to the output folder, always with / separators (notes/x/index.html)."""
    text: str


@dataclass(frozen=True, slots=True)
class Rendering:
    """What the writer is to do: every path of the site is in exactly one of the three lists."""
    outputs: list[Output]
    """Files to write, with their text."""
    kept: list[str]
    """Pages the last build wrote to the output folder with the very same inputs: left as they are."""
    sunk: list[str]
    """Pages handed to the render's `sink` where they were rendered (the writer's stage)."""
    assets: dict[str, Path] = field(default_factory=dict)
    """Binary files made by a renderer (pictures), by output path: the file in the store to copy."""

    @property
    def paths(self) -> list[str]:
        return [o.path for o in self.outputs] + self.kept + self.sunk


@dataclass(frozen=True, slots=True)
class _Draft:
    """An output while the site is being rendered: its text, KEPT, or a pending render."""
    path: str
    text: Any


@dataclass(frozen=True, slots=True)
class Meta:
    """What every page's <head> needs."""
    title: str
    description: str
    url: str
    canonical: str
    og_type: str = "website"
    jsonld: dict[str, Any] = field(default_factory=dict)
    noindex: bool = False
    image: str = ""
    """The absolute URL of the page's social card, if it has one."""
    image_alt: str = ""


@dataclass(frozen=True, slots=True)
class Pager:
    number: int
    count: int
    base: str

    def url(self, number: int) -> str:
        return self.base if number == 1 else f"{self.base}page/{number}/"

    @property
    def prev_url(self) -> str | None:
        return self.url(self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.url(self.number + 1) if self.number < self.count else None


def paginate(items: tuple[Any, ...], per_page: int) -> list[tuple[Any, ...]]:
    """Listing pages never grow with the number of posts: fixed-size chunks, at least one."""
    return [items[i:i + per_page] for i in range(0, len(items), per_page)] or [()]


def page_path(url: str) -> str:
    return url.strip("/") + "/index.html" if url.strip("/") else "index.html"


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


KEPT = _Marker("KEPT")
"""_Draft.text of a page the last build already wrote, unchanged, to the output folder."""


@dataclass(frozen=True, slots=True)
class _Pending:
    """Where a page's text goes once `Renderer.finish` has rendered it."""
    index: int


Sink = Callable[[str, str], None]
"""Takes (output path, text) of a page as soon as it is rendered, in the process that rendered it."""

MetaOf = Callable[[], Meta]
"""A page's Meta, made only when the page is rendered: most pages of a rebuild are not."""

_KEY_IN_WORKER = _Marker("KEY_IN_WORKER")
"""A page's cache key, to be worked out where it renders: with nothing cached (a cold build) every
page renders, so its key need not hold up the parent."""


@dataclass(frozen=True, slots=True)
class _Job:
    path: str
    name: str
    rendering: str
    context: dict[str, Any]
    key: Any
    meta: MetaOf | None = None


class Renderer:
    """Renders each kind of page; one method per kind, each returning Outputs."""

    def __init__(self, site: Site, env: jinja2.Environment, cache: PageCache | None = None,
                 sink: Sink | None = None) -> None:
        self.site = site
        self.config = site.config
        self.env = env
        self.cache = cache
        self.pending: list[_Job] = []
        self.sink = sink
        self.cards: dict[str, tuple[str, str, str]] = {}
        """Social cards to draw: output path -> (title, subtitle, kicker)."""

    def render(self, path: str, name: str, rendering: str, context: dict[str, Any],
               meta: MetaOf | None = None) -> str:
        """One template output, or a placeholder for it: pages whose inputs did not change since the
        last build come from the cache, the others are rendered together by `finish`, on every core."""
        key: Any = None
        if self.cache is not None and self.cache.cold:
            key = _KEY_IN_WORKER
            with suppress(jinja2.TemplateError):   # the render reports it, naming the page
                self.cache.template_digest(name)   # here, so that the parent keeps what it learns
        elif self.cache is not None:
            key = self.cache.static_key(name, context, path)
            if self.cache.lookup(path, key):
                return KEPT
        self.pending.append(_Job(path, name, rendering, context, key, meta))
        return _Pending(len(self.pending) - 1)

    def _render_job(self, job: _Job):  # type: ignore[no-untyped-def]
        """Run in a worker: (text, site attributes read, cache key) or the SiteError, as a value."""
        context, key = job.context, job.key
        try:
            if key is _KEY_IN_WORKER:
                key = self.cache.static_key(job.name, context)  # type: ignore[union-attr]
            attrs: set[str] = set()
            if self.cache is not None and "site" in context:
                tracked, attrs = track_site(context["site"])
                context = {**context, "site": tracked}
            if job.meta is not None:
                context = {**context, "meta": job.meta()}
            text = render_template(self.env, job.name, job.rendering, context)
        except SiteError as exc:
            return exc
        if self.sink is None:
            return text, tuple(sorted(attrs)), key
        self.sink(job.path, text)       # in the worker: the text never travels back
        return None, tuple(sorted(attrs)), key

    def finish(self, drafts: list[_Draft]) -> Rendering:
        """Render every pending page (in worker processes when there are many) and store them in
        the cache; the first template error, in page order, is raised."""
        results = map_ordered(self._render_job, self.pending)
        for job, result in zip(self.pending, results):
            if isinstance(result, SiteError):
                raise result
            if self.cache is not None:
                self.cache.store(job.path, result[2], set(result[1]))
                if job.key is _KEY_IN_WORKER:
                    self.cache.remember_key(job.path, job.name, job.context, result[2])
        self.pending = []
        rendering = Rendering([], [], [])
        for draft in drafts:
            text = draft.text
            if text is KEPT:
                rendering.kept.append(draft.path)
                continue
            if isinstance(text, _Pending):
                text = results[text.index][0]   # type: ignore[index]
                if text is None:
                    rendering.sunk.append(draft.path)
                    continue
            rendering.outputs.append(Output(draft.path, text))
        return rendering

    def meta(self, title: str, description: str, url: str, **extra: Any) -> MetaOf:
        """A page's <head> data, made when the page renders. It must come only from the config and
        values that are also in the page's context: the page cache leaves `meta` out of a page's key
        (cache.py). Anything costly (JSON-LD) goes in `extra` as a function to call then."""
        def make() -> Meta:
            full = title if title == self.config.title else f"{title} · {self.config.title}"
            made = {k: v() if callable(v) else v for k, v in extra.items()}
            return Meta(full, description or self.config.description, url, self.config.absolute(url), **made)
        return make

    def page(self, name: str, url: str, rendering: str, meta: MetaOf, **context: Any) -> _Draft:
        path = page_path(url) if not url.endswith(".html") else url.lstrip("/")
        if self.cache is not None and self.cache.kept(path, name, context):
            return _Draft(path, KEPT)
        text = self.render(path, name, rendering, dict(site=self.site, config=self.config, **context), meta)
        return _Draft(path, text)

    def person(self) -> dict[str, Any]:
        author = self.config.author
        data: dict[str, Any] = {"@type": "Person", "name": author.name, "url": self.config.absolute("/")}
        if author.role:
            data["jobTitle"] = author.role
        links = [l.url for l in self.config.links if l.url.startswith("http")]
        if links:
            data["sameAs"] = links
        return data

    def social(self, url: str, title: str, subtitle: str, kicker: str) -> dict[str, str]:
        """The page's social card: drawn (once per content) and listed as an asset to write;
        returns the Meta fields that point to it."""
        if not self.config.social_cards:
            return {}
        path = social_card_path(url)
        self.cards[path] = (title, subtitle, kicker)
        return {"image": self.config.absolute("/" + path), "image_alt": f"{kicker}: {title}" if kicker else title}

    def home(self) -> _Draft:
        jsonld = {"@context": "https://schema.org", **self.person()}
        meta = self.meta(self.config.title, self.config.description, "/", jsonld=jsonld,
                         **self.social("/", self.config.author.name, self.config.description,
                                       self.config.author.role))
        return self.page("home.html", "/", "the home page", meta,
                         latest=self.site.posts[:self.config.home_latest])

    def notes(self) -> list[_Draft]:
        out = []
        chunks = paginate(self.site.posts, self.config.per_page)
        for number, chunk in enumerate(chunks, 1):
            pager = Pager(number, len(chunks), "/notes/")
            title = self.config.notes_title + (f" (page {number})" if number > 1 else "")
            meta = self.meta(title, self.config.notes_intro, pager.url(number),
                             jsonld={"@context": "https://schema.org", "@type": "Blog",
                                     "name": self.config.notes_title,
                                     "url": self.config.absolute("/notes/")})
            out.append(self.page("notes.html", pager.url(number), "the build log", meta,
                                 posts=chunk, pager=pager))
        return out

    def post(self, post: Post) -> _Draft:
        older, newer = self.site.neighbours.get(post.slug, (None, None))
        context = {"post": post, "older": older, "newer": newer, "project": self.site.project(post.project)}
        path = page_path(post.url)
        card = {} if post.is_draft else self.social(   # listed even when the page is kept
            post.url, post.title, f"{post.reading_minutes} min read" + (f" · {post.month}" if post.date else ""),
            "Engineering note")
        if self.cache is not None and self.cache.kept(path, "post.html", context):
            return _Draft(path, KEPT)   # most posts of a rebuild: nothing else to make

        def jsonld() -> dict[str, Any]:
            data: dict[str, Any] = {
                "@context": "https://schema.org", "@type": "BlogPosting", "headline": post.title,
                "description": post.summary, "url": self.config.absolute(post.url),
                "mainEntityOfPage": self.config.absolute(post.url), "author": self.person(),
                "wordCount": post.words, "keywords": [t.name for t in post.tags],
            }
            if post.date:
                data["datePublished"] = post.date.isoformat()
            return data

        meta = self.meta(post.title, post.summary, post.url, og_type="article", jsonld=jsonld,
                         noindex=post.is_draft, **card)
        return self.page("post.html", post.url, post.source, meta, **context)

    def projects_index(self) -> list[_Draft]:
        meta = self.meta("Projects", "Every project on this site, with the figures its code produced.",
                         "/projects/", jsonld={"@context": "https://schema.org", "@type": "CollectionPage",
                                               "name": "Projects", "url": self.config.absolute("/projects/")})
        return [self.page("projects.html", "/projects/", "the projects page", meta),
                _Draft("projects.json", projects_json(self.site))]

    def project(self, project: Project) -> list[_Draft]:
        jsonld: dict[str, Any] = {
            "@context": "https://schema.org", "@type": "SoftwareSourceCode", "name": project.title,
            "description": project.tagline, "url": self.config.absolute(project.url),
            "programmingLanguage": "Python", "author": self.person(),
            "keywords": [t.name for t in project.tags],
        }
        if self.config.repo_url:
            jsonld["codeRepository"] = self.config.repo_url
        meta = self.meta(project.title, project.tagline, project.url, jsonld=jsonld,
                         **self.social(project.url, project.title, project.tagline, f"Project · {project.kind}"))
        out = [self.page("project.html", project.url, project.source, meta, project=project,
                         posts=self.site.posts_for_project(project.slug))]
        for source in project.sources:
            out.append(self.source(project, source))
        return out

    def source(self, project: Project, source: SourceFile) -> _Draft:
        url = f"{project.url}{source.page}"
        meta = self.meta(f"projects/{project.slug}/{source.path}",
                         f"Source of {source.path} in {project.title}", url)
        return self.page("source.html", url, f"projects/{project.slug}/{source.path}", meta,
                         project=project, source=source)

    def tags(self) -> list[_Draft]:
        meta = self.meta("Tags", "Every tag on the site's notes and projects.", "/tags/")
        out = [self.page("tags.html", "/tags/", "the tags page", meta)]
        for entry in self.site.tags:
            out.extend(self.tag(entry))
        return out

    def tag(self, entry: TagIndex) -> list[_Draft]:
        out = []
        chunks = paginate(entry.posts, self.config.per_page)
        for number, chunk in enumerate(chunks, 1):
            pager = Pager(number, len(chunks), entry.tag.url)
            meta = self.meta(f"#{entry.tag.name}", f"Notes and projects tagged {entry.tag.name}.",
                             pager.url(number))
            out.append(self.page("tag.html", pager.url(number), f"the tag page of {entry.tag.name}",
                                 # the tag and its projects, not the whole index: a page's cache key
                                 # then changes only when its own slice of posts does
                                 meta, tag=entry.tag, projects=entry.projects, posts=chunk,
                                 pager=pager))
        return out

    def standalone(self, page: Page) -> _Draft:
        meta = self.meta(page.title, page.summary, page.url,
                         jsonld={"@context": "https://schema.org", "@type": "WebPage",
                                 "name": page.title, "url": self.config.absolute(page.url)})
        return self.page("page.html", page.url, page.source, meta, page=page)

    def redirects(self, post: Post) -> list[_Draft]:
        page = redirect_page(post.url, self.config.absolute(post.url), post.title, self.config.language)
        return [_Draft(alias.lstrip("/") if alias.endswith(".html") else page_path(alias), page)
                for alias in post.aliases]

    def not_found(self) -> _Draft:
        meta = self.meta("Not found", "This page does not exist.", "/404.html", noindex=True)
        return self.page("404.html", "/404.html", "the 404 page", meta)

    def feeds(self) -> list[_Draft]:
        entries = self.site.posts[:self.config.feed_entries]
        feed = self.render("feed.xml", "feed.xml", "feed.xml",
                           dict(site=self.site, config=self.config, entries=entries))
        sitemap = self.render("sitemap.xml", "sitemap.xml", "sitemap.xml",
                              dict(config=self.config, urls=public_urls(self.site)))
        robots = f"User-agent: *\nAllow: /\nSitemap: {self.config.absolute('/sitemap.xml')}\n"
        return [_Draft("feed.xml", feed), _Draft("sitemap.xml", sitemap), _Draft("robots.txt", robots),
                _Draft("static/syntax.css", pygments_css())]


def public_urls(site: Site) -> list[tuple[str, str]]:
    """(url, lastmod) of every public page, for the sitemap; drafts and 404 are not public."""
    urls: list[tuple[str, str]] = [("/", site.build_date.isoformat() if site.build_date else "")]
    per_page = site.config.per_page
    for number in range(1, len(paginate(site.posts, per_page)) + 1):
        urls.append((Pager(number, 0, "/notes/").url(number), ""))
    urls += [(p.url, p.lastmod_iso) for p in site.posts]
    urls.append(("/projects/", ""))
    for project in site.projects:
        urls.append((project.url, ""))
        urls += [(f"{project.url}{s.page}", "") for s in project.sources]
    urls.append(("/tags/", ""))
    for entry in site.tags:
        for number in range(1, len(paginate(entry.posts, per_page)) + 1):
            urls.append((Pager(number, 0, entry.tag.url).url(number), ""))
    urls += [(p.url, "") for p in site.pages]
    return urls


def projects_json(site: Site) -> str:
    """The recruiter view as data: every card's fields and its proven figures."""
    cards = []
    for p in site.projects:
        cards.append({
            "slug": p.slug, "title": p.title, "tagline": p.tagline, "kind": p.kind,
            "tags": [t.name for t in p.tags], "stack": list(p.stack),
            "sections": [{"label": s.label, "body": s.body} for s in p.sections],
            "details": [{"label": s.label, "body": s.body} for s in p.details],
            "claims": [{"template": c.template, "text": c.text} for c in p.claims],
            "headline": [{"label": h.label, "text": h.text} for h in p.headline],
            "verified": p.verified,
            "proof": None if p.proof is None else {
                "command": p.proof.command, "source_hash": p.proof.source_hash,
                "fresh": p.proof.fresh, "results": p.proof.results},
            "url": site.config.absolute(p.url),
            "links": [{"label": l.label, "url": l.url} for l in p.links],
        })
    return json.dumps({"site": site.config.absolute("/"), "projects": cards}, indent=2,
                      sort_keys=True, ensure_ascii=False) + "\n"


def render_site(site: Site, env: jinja2.Environment, cache: PageCache | None = None,
                sink: Sink | None = None) -> Rendering:
    """Every page of the site, in a stable order. Pure: nothing is written here. Pages whose inputs
    did not change since the last build into the same folder are kept (`cache`). Each page a worker
    renders is handed to `sink` (the writer's stage) right there, so that page texts never travel
    back through this process."""
    r = Renderer(site, env, cache, sink)
    out = [r.home(), *r.notes()]
    posts = site.posts + (site.drafts if site.with_drafts else ())
    out += [r.post(post) for post in posts]
    out += r.projects_index()
    for project in site.projects:
        out += r.project(project)
    out += r.tags()
    out += [r.standalone(page) for page in site.pages]
    out += [draft for post in posts for draft in r.redirects(post)]
    out += [r.not_found(), *r.feeds()]
    rendering = r.finish(out)
    for record in (*posts, *site.pages):
        if record.assets:
            rendering.assets.update(asset_files(site.config.root, record.assets))
    rendering.assets.update(social_cards(site.config, r.cards))
    return rendering


def social_card_path(url: str) -> str:
    return "social/" + (url.strip("/").replace("/", "-") or "home") + ".png"


def social_cards(config: Config, cards: dict[str, tuple[str, str, str]]) -> dict[str, Path]:
    """Draw each social card not yet in the store; output path -> the stored file."""
    if not cards:
        return {}
    from generator.pictures.social import renderer_version, social_card

    blobs = Blobs(config.root, "social", renderer_version())
    files = {}
    for path, (title, subtitle, kicker) in cards.items():
        key = blobs.key(title, subtitle, config.title, kicker)
        if not blobs.path(key).is_file():
            blobs.put(key, social_card(title, subtitle, config.title, kicker=kicker))
        files[path] = blobs.path(key)
    return files
