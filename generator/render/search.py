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

from generator.model import Site, Tag

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


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def search_json(site: Site, rows: dict[int, tuple[Any, list[int], str]] | None = None) -> str:
    """search.json's text, one document at a time. `rows` (serve's, kept between rebuilds) holds
    each post's document text by the post record: a rebuild after one edit encodes one post."""
    tags = _Tags()
    docs: list[str] = []
    made: dict[int, tuple[Any, list[int], str]] = {}
    for post in site.posts:
        if post.is_draft:
            continue
        refs = tags.refs(post.tags)
        known = rows.get(id(post)) if rows is not None else None
        if known is not None and known[0] is post and known[1] == refs:
            text = known[2]
        else:
            url, title, date, summary, headings = _post_fields(post)
            text = _dumps([url, "note", title, date, summary, refs, headings])
        made[id(post)] = (post, refs, text)  # holds the post, so its id is not reused meanwhile
        docs.append(text)
    if rows is not None:
        rows.clear()
        rows.update(made)
    for project in site.projects:
        summary = project.tagline + (" · " + ", ".join(project.stack) if project.stack else "")
        docs.append(_dumps([project.url, "project", project.title, "", summary, tags.refs(project.tags),
                            [s.label for s in project.sections][:MAX_HEADINGS]]))
    for page in site.pages:
        docs.append(_dumps([page.url, "page", page.title, "", page.summary, [], _headings(page.headings)]))
    return (f'{{"v":1,"fields":{_dumps(FIELDS)},"tags":{_dumps(tags.names)},"docs":['
            + ",".join(docs) + "]}\n")


def _post_fields(post: Any) -> tuple[str, str, str, str, list[str]]:
    """A post's own fields in its document (its tags are stored by position in the index's list)."""
    return post.url, post.title, post.date_iso, post.summary, _headings(post.headings)


def _indexed(post: Any) -> tuple[Any, ...]:
    """Everything of a post's that its document, and whether it has one, is made from."""
    return (*_post_fields(post), [t.name for t in post.tags], post.is_draft)


def same_index(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """True when search.json made from the inputs `after` is the text made from `before`: the same
    projects and pages, and the same posts in the same order but for new records whose indexed
    fields are all equal (a post's body edited, the commonest edit while serving). Checking is
    about 1 ms at 10,000 posts; making the index again is 20."""
    if before["projects"] != after["projects"] or before["pages"] != after["pages"]:
        return False
    old, new = before["posts"], after["posts"]
    if len(old) != len(new):
        return False
    for was, post in zip(old, new):
        if post is not was and _indexed(post) != _indexed(was):
            return False
    return True

