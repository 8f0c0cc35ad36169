"""The reader's search: a build-time index the browser queries, no server needed.

search.json holds one record per published post, project and stand-alone page:

    {"v": 1, "fields": [...], "tags": ["AWS", ...], "docs": [[url, kind, title, date, summary,
                                                             [tag index, ...], [heading, ...]], ...]}

Only the short text a reader would search by goes in: the title, the summary (a card's tagline
and stack for a project), the tags and the h2/h3 headings (at most MAX_HEADINGS per document).
Post bodies never do, so the index grows by about 320 bytes per post (3.0 MB, 395 KB gzipped, for
the 9,507 published posts of make_corpus.py --posts 10000) and is only fetched when a reader opens
the search box: templates/static/search.js loads search-ui.js and this index on the first open.
Drafts and the 404 page are not indexed.
"""
from __future__ import annotations

import json
from typing import Any

from .model import Site, Tag

INDEX_PATH = "search.json"
MAX_HEADINGS = 12
FIELDS = ["url", "kind", "title", "date", "summary", "tags", "headings"]


class _Tags:
    """Tag names stored once; documents refer to them by position."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.index: dict[str, int] = {}

    def refs(self, tags: tuple[Tag, ...]) -> list[int]:
        out = []
        for tag in tags:
            if tag.name not in self.index:
                self.index[tag.name] = len(self.names)
                self.names.append(tag.name)
            out.append(self.index[tag.name])
        return out


def _headings(headings: tuple[Any, ...]) -> list[str]:
    return [h.text for h in headings if h.level in (2, 3)][:MAX_HEADINGS]


def _post_row(post: Any) -> tuple[Any, ...]:
    return (post.url, post.title, post.date_iso, post.summary, post.tags, _headings(post.headings))


def search_index(site: Site, rows: dict[int, tuple[Any, tuple[Any, ...]]] | None = None) -> dict[str, Any]:
    """The index as data: posts newest first, then projects in card order, then pages. `rows`
    (serve's, kept between rebuilds) holds each post's part of it, by the post record."""
    tags = _Tags()
    docs: list[list[Any]] = []
    made: dict[int, tuple[Any, tuple[Any, ...]]] = {}
    for post in site.posts:
        if post.is_draft:
            continue
        known = rows.get(id(post)) if rows is not None else None
        row = known[1] if known is not None and known[0] is post else _post_row(post)
        made[id(post)] = (post, row)    # holds the post, so its id is not reused meanwhile
        url, title, date, summary, post_tags, headings = row
        docs.append([url, "note", title, date, summary, tags.refs(post_tags), headings])
    if rows is not None:
        rows.clear()
        rows.update(made)
    for project in site.projects:
        summary = project.tagline + (" · " + ", ".join(project.stack) if project.stack else "")
        docs.append([project.url, "project", project.title, "", summary, tags.refs(project.tags),
                     [s.label for s in project.sections][:MAX_HEADINGS]])
    for page in site.pages:
        docs.append([page.url, "page", page.title, "", page.summary, [], _headings(page.headings)])
    return {"v": 1, "fields": FIELDS, "tags": tags.names, "docs": docs}


def search_json(site: Site, rows: dict[int, tuple[Any, tuple[Any, ...]]] | None = None) -> str:
    """search.json's text: the script that reads it is a static file."""
    return json.dumps(search_index(site, rows), ensure_ascii=False, separators=(",", ":")) + "\n"
