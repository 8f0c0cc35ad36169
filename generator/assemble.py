"""Stage 2: assemble the loaded records into the Site the templates see (pure, no IO)."""
from __future__ import annotations

import datetime as dt
import os
from collections import Counter, defaultdict

from generator.model import Config
from generator.load.read import Loaded
from generator.model import Post, Project, Site, Stats, Tag, TagIndex


def _newest_first(posts: list[Post]) -> list[Post]:
    return sorted(posts, key=lambda p: (p.date or dt.date.max, p.slug), reverse=True)


def _tag_index(posts: list[Post], projects: list[Project]) -> tuple[TagIndex, ...]:
    """Tags are the same when their slugs are; the index shows the most used spelling."""
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    tagged_posts: dict[str, list[Post]] = defaultdict(list)
    tagged_projects: dict[str, list[Project]] = defaultdict(list)
    for post in posts:
        for tag in post.tags:
            spellings[tag.slug][tag.name] += 1
            tagged_posts[tag.slug].append(post)
    for project in projects:
        for tag in project.tags:
            spellings[tag.slug][tag.name] += 1
            tagged_projects[tag.slug].append(project)
    index = []
    for slug in sorted(spellings):
        name = min(spellings[slug].items(), key=lambda kv: (-kv[1], kv[0]))[0]
        index.append(TagIndex(Tag(name, slug), tuple(tagged_posts[slug]), tuple(tagged_projects[slug])))
    return tuple(index)


def build_date(published: list[Post]) -> dt.date | None:
    """The date the output carries (feed 'updated', sitemap): the newest post's, else
    SOURCE_DATE_EPOCH's, never the clock, so two builds of the same input are identical."""
    if published and published[0].date:
        return published[0].date
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return None


def assemble(config: Config, loaded: Loaded, with_drafts: bool = False) -> Site:
    published = _newest_first([p for p in loaded.posts if not p.is_draft])
    drafts = sorted((p for p in loaded.posts if p.is_draft), key=lambda p: (-p.progress, p.slug))
    projects = sorted(loaded.projects, key=lambda p: (p.order, p.slug))
    neighbours: dict[str, tuple[Post | None, Post | None]] = {}
    for i, post in enumerate(published):
        older = published[i + 1] if i + 1 < len(published) else None
        newer = published[i - 1] if i > 0 else None
        neighbours[post.slug] = (older, newer)
    stats = Stats(published=len(published), in_progress=len(drafts),
                  last_post=published[0].month if published else "")
    return Site(
        config=config, posts=tuple(published), drafts=tuple(drafts),
        pages=tuple(sorted(loaded.pages, key=lambda p: (p.order, p.slug))),
        projects=tuple(projects), tags=_tag_index(published, projects), stats=stats,
        with_drafts=with_drafts, build_date=build_date(published),
        neighbours=neighbours,
    )
