"""The site model: plain, immutable records with their computed fields. No IO here."""
from __future__ import annotations

import datetime as dt
import string
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar

_T = TypeVar("_T")


def quick_pickle(cls: type[_T]) -> type[_T]:
    """Pickle a frozen slots dataclass as its constructor call: the generated __setstate__ looks
    up the fields on every call, which was most of reading the load cache back at 10,000 posts."""
    names = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]

    def __reduce__(self: Any) -> tuple[Any, tuple[Any, ...]]:
        return cls, tuple(getattr(self, name) for name in names)

    cls.__reduce__ = __reduce__  # type: ignore[assignment,method-assign]
    return cls


@dataclass(frozen=True, slots=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True, slots=True)
class Author:
    name: str
    role: str = ""
    pitch: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class Config:
    """Everything site.yaml says, with defaults filled in. Paths are absolute."""

    root: Path
    title: str
    base_url: str
    """Canonical origin and path prefix, without a trailing slash (https://example.dev)."""
    author: Author
    description: str = ""
    language: str = "en"
    links: tuple[Link, ...] = ()
    repo_url: str = ""
    """Where the code lives; project cards link to their module there when set."""
    wpm: int = 238
    """Reading speed for prose (non-fiction silent reading)."""
    code_line_seconds: float = 3.0
    target_words: int = 1500
    """Default planned length of a draft that sets no target_words."""
    home_headline: str = ""
    home_intro: str = ""
    home_latest: int = 5
    notes_title: str = "Engineering Notes"
    notes_intro: str = ""
    per_page: int = 20
    feed_entries: int = 20
    social_cards: bool = True
    """Draw a 1200x630 card for the home page, every post and every project (og:image)."""
    deploy: tuple[Any, ...] = field(default=(), repr=False)
    """Publishing targets (generator.load.targets). Not in repr: the render cache keys pages on
    repr(config), and where the site is published changes no page."""

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def projects_dir(self) -> Path:
        return self.root / "projects"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def static_dir(self) -> Path:
        return self.root / "static"

    def absolute(self, url: str) -> str:
        """The canonical absolute URL of a site-relative URL such as /notes/x/."""
        return self.base_url + url


@quick_pickle
@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str
    id: str


@quick_pickle
@dataclass(frozen=True, slots=True)
class Reference:
    """A link or image target in the body, with the file line it is on."""
    target: str
    line: int
    alt: str = ""




@quick_pickle
@dataclass(frozen=True, slots=True)
class Tag:
    name: str
    slug: str

    @property
    def url(self) -> str:
        return f"/tags/{self.slug}/"


@quick_pickle
@dataclass(frozen=True, slots=True)
class Post:
    slug: str
    source: str
    """Path relative to the site root, for messages."""
    title: str
    date: dt.date | None
    summary: str
    tags: tuple[Tag, ...]
    status: str
    """published | draft"""
    target_words: int
    project: str | None
    project_line: int
    html: str
    headings: tuple[Heading, ...]
    words: int
    """Prose words of the whole body (code, tags and comments excluded)."""
    written_words: int
    """Words without placeholders (TODO/TK lines, comments): what progress counts."""
    code_lines: int
    images: int
    reading_minutes: int
    progress: int
    links: tuple[Reference, ...] = ()
    image_refs: tuple[Reference, ...] = ()
    inputs: tuple[tuple[str, str], ...] = ()
    """Files besides its own that the record was made from (images): path and digest."""
    assets: tuple[tuple[str, str], ...] = ()
    """Files its page needs in the output (image variants): output path and store key."""
    problems: tuple[Any, ...] = ()
    """SiteErrors that leave the record whole (an image that cannot be used): a build fails on
    them, `check` lists them with everything else."""
    aliases: tuple[str, ...] = ()
    """Old addresses of the post (/blog/old-slug/), each served as a redirect to its url."""
    aliases_line: int = 0
    updated: dt.date | None = None
    """The day of the last commit that changed the file, when later than `date` (load/history.py)."""

    @property
    def url(self) -> str:
        return f"/notes/{self.slug}/"

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    @property
    def show_toc(self) -> bool:
        return len(self.headings) >= 3

    @property
    def toc(self) -> tuple[tuple[Heading, tuple[Heading, ...]], ...]:
        """The contents as a two-level list: each h2 with the h3s under it (an h3 before any h2
        stands on its own), so that the sub-sections are a list inside their section's item."""
        tree: list[tuple[Heading, list[Heading]]] = []
        for h in self.headings:
            if h.level == 3 and tree and tree[-1][0].level == 2:
                tree[-1][1].append(h)
            elif h.level in (2, 3):
                tree.append((h, []))
        return tuple((h, tuple(subs)) for h, subs in tree)

    @property
    def month(self) -> str:
        return self.date.strftime("%b %Y") if self.date else ""

    @property
    def date_iso(self) -> str:
        return self.date.isoformat() if self.date else ""

    @property
    def lastmod_iso(self) -> str:
        """For the sitemap: the last change if history knows it, else the publication date."""
        return self.updated.isoformat() if self.updated else self.date_iso


@quick_pickle
@dataclass(frozen=True, slots=True)
class Page:
    """A stand-alone page from content/pages/<slug>.md, served at /<slug>/."""
    slug: str
    source: str
    title: str
    summary: str
    order: int
    html: str
    headings: tuple[Heading, ...]
    links: tuple[Reference, ...] = ()
    image_refs: tuple[Reference, ...] = ()
    inputs: tuple[tuple[str, str], ...] = ()
    assets: tuple[tuple[str, str], ...] = ()

    @property
    def url(self) -> str:
        return f"/{self.slug}/"


@dataclass(frozen=True, slots=True)
class Section:
    label: str
    body: str


@dataclass(frozen=True, slots=True)
class Claim:
    """One figure of a card: the template, and the text filled from the proof run."""
    template: str
    line: int
    text: str | None = None
    """None while no run has produced it: shown as 'not yet verified', never invented."""
    label: str = ""
    """For a headline figure: what the number counts (the card shows the number large)."""

    @property
    def pending(self) -> str:
        """The claim with every figure blanked out, for a card whose proof has not run."""
        parts = string.Formatter().parse(self.template)
        return "".join(literal + ("…" if name is not None else "") for literal, name, _, _ in parts)


@dataclass(frozen=True, slots=True)
class Picture:
    """A picture the module draws of itself: `python -m projects.<slug> <args>` prints its source."""
    args: tuple[str, ...]
    format: str
    """dot | plantuml: the language of what the run prints."""
    alt: str
    line: int
    html: str = ""
    """The inline SVG figure, once the run has printed it and it is drawn."""


@dataclass(frozen=True, slots=True)
class Chart:
    """A Vega-Lite chart of one series of the proof run's JSON."""
    title: str
    data: str
    """The key of the proof JSON that holds the rows."""
    spec: str
    """The Vega-Lite spec without data, as sorted JSON (so that it compares and digests stably)."""
    line: int
    html: str = ""


@dataclass(frozen=True, slots=True)
class ProofRun:
    """What the last verified run of a project module printed, and how to reproduce it."""
    command: str
    source_hash: str
    results: dict[str, Any]
    fresh: bool
    """True when run (or matched in the cache) for the current source; False when --no-proofs
    fell back to a cache entry for other sources."""


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: str
    """Relative to the project folder, e.g. checker.py or tests/test_checker.py."""
    lines: int
    html: str
    """Highlighted with line numbers and #L anchors."""
    is_test: bool

    @property
    def page(self) -> str:
        return f"src/{self.path}.html"


@dataclass(frozen=True, slots=True)
class Project:
    slug: str
    source: str
    title: str
    tagline: str
    order: int
    kind: str
    tags: tuple[Tag, ...]
    stack: tuple[str, ...]
    sections: tuple[Section, ...]
    """What the card shows everywhere: short enough to scan in seconds."""
    details: tuple[Section, ...]
    """Longer sections shown only on the project's own page."""
    proof_args: tuple[str, ...]
    proof_timeout: float
    proof_line: int
    claims: tuple[Claim, ...]
    links: tuple[Link, ...]
    readme_html: str = ""
    sources: tuple[SourceFile, ...] = ()
    proof: ProofRun | None = None
    pictures: tuple[Picture, ...] = ()
    charts: tuple[Chart, ...] = ()
    headline: tuple[Claim, ...] = ()
    """Two to four figures the card shows as large numbers, filled like claims."""

    @property
    def url(self) -> str:
        return f"/projects/{self.slug}/"

    @property
    def module(self) -> str:
        return f"projects.{self.slug}"

    @property
    def run_command(self) -> str:
        return " ".join(["python", "-m", self.module, *self.proof_args])

    @property
    def verified(self) -> bool:
        return self.proof is not None and self.proof.fresh and all(c.text for c in self.claims)

    @property
    def code_files(self) -> tuple[SourceFile, ...]:
        return tuple(s for s in self.sources if not s.is_test)

    @property
    def test_files(self) -> tuple[SourceFile, ...]:
        return tuple(s for s in self.sources if s.is_test)


@dataclass(frozen=True, slots=True)
class Stats:
    published: int
    in_progress: int
    last_post: str
    """Month of the newest published post, e.g. 'May 2026'."""


@dataclass(frozen=True, slots=True)
class TagIndex:
    tag: Tag
    posts: tuple[Post, ...]
    projects: tuple[Project, ...]


@dataclass(frozen=True, slots=True)
class Site:
    config: Config
    posts: tuple[Post, ...]
    """Published posts (plus drafts when the build asks for drafts), newest first."""
    drafts: tuple[Post, ...]
    """Every draft, for 'Currently writing', whatever the build publishes."""
    pages: tuple[Page, ...]
    projects: tuple[Project, ...]
    tags: tuple[TagIndex, ...]
    stats: Stats
    with_drafts: bool = False
    build_date: dt.date | None = None
    neighbours: dict[str, tuple[Post | None, Post | None]] = field(default_factory=dict)
    """slug -> (older post, newer post) for previous/next links."""

    def project(self, slug: str | None) -> Project | None:
        if slug is None:
            return None
        return next((p for p in self.projects if p.slug == slug), None)

    def posts_for_project(self, slug: str) -> tuple[Post, ...]:
        return tuple(p for p in self.posts if p.project == slug)
