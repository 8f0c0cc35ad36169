"""`shiplog status`: the author's dashboard. Drafts with progress, what is published, what is broken.

Quick on purpose: it loads the site (the incremental cache makes that cheap) but renders nothing.
Problems are what a build would reject plus what `check` finds in the records alone (images
without alt text or file, empty summaries); `shiplog check` also follows every link.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from generator.commands.check import Problem, Targets, check_images, check_summaries, static_files
from generator.engine import Engine
from generator.errors import BuildFailed
from generator.model import Page, Post

BAR_WIDTH = 20


@dataclass(frozen=True, slots=True)
class DraftLine:
    post: Post
    modified: dt.date


@dataclass(frozen=True, slots=True)
class Status:
    drafts: list[DraftLine]
    published: list[Post]
    """Newest first."""
    problems: list[Problem]


def site_status(root: Path) -> Status:
    engine = Engine(root)
    try:
        config = engine.config()
    except BuildFailed as exc:
        return Status([], [], [Problem(e) for e in exc.errors])
    loaded, errors = engine.load(config, keep_going=True)
    problems = [Problem(e) for e in errors]
    records: list[Post | Page] = [*loaded.posts, *loaded.pages]
    problems += check_summaries(config, records)
    targets = Targets({}, static_files(config))
    for record in records:
        problems += check_images(record, targets)
    drafts = [DraftLine(p, dt.date.fromtimestamp((config.root / p.source).stat().st_mtime))
              for p in loaded.posts if p.is_draft]
    drafts.sort(key=lambda d: (-d.post.progress, d.post.slug))
    published = sorted((p for p in loaded.posts if not p.is_draft),
                       key=lambda p: (p.date or dt.date.min, p.slug), reverse=True)
    problems.sort(key=lambda p: (p.error.path or "", p.error.line or 0, p.error.message))
    return Status(drafts, published, problems)


def bar(percent: int, width: int = BAR_WIDTH, full: str = "█", empty: str = "░") -> str:
    filled = min(width, max(0, round(percent * width / 100)))
    return full * filled + empty * (width - filled)


def format_status(status: Status, unicode: bool = True) -> list[str]:
    """The dashboard as lines of text (the CLI prints them)."""
    full, empty = ("█", "░") if unicode else ("#", ".")
    lines = [f"Drafts ({len(status.drafts)})"]
    for d in status.drafts:
        p = d.post
        words = f"{p.written_words:,} / {p.target_words:,} words"
        lines.append(f"  [{bar(p.progress, full=full, empty=empty)}] {p.progress:3d}%  {words:>22}  "
                     f"modified {d.modified.isoformat()}  {p.title}  ({p.source})")
    if not status.drafts:
        lines.append("  none: `shiplog new \"Title\"` starts one")
    lines.append("")
    lines.append(f"Published: {len(status.published)} post{'s' if len(status.published) != 1 else ''}")
    if status.published:
        newest = status.published[0]
        lines.append(f"  newest: {newest.title} ({newest.date_iso})  {newest.source}")
    lines.append("")
    files = sorted({p.error.path or "" for p in status.problems})
    lines.append(f"Problems: {len(status.problems)} in {len(files)} file{'s' if len(files) != 1 else ''}"
                 if status.problems else "Problems: none found (`shiplog check` also follows every link)")
    lines += ["  " + str(p).replace("\n", "\n  ") for p in status.problems]
    return lines
