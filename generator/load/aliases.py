"""`aliases:` in a post's front matter: the old addresses of a moved post. Each becomes a
redirect page (render/redirects.py) and, on S3, the object's redirect location."""
from __future__ import annotations

import re
from collections.abc import Iterable

from generator.errors import ErrorCollector
from generator.load.fields import Fields
from generator.model import Page, Post

_ALIAS = re.compile(r"^/([A-Za-z0-9._~-]+/)*([A-Za-z0-9._~-]+\.html)?$")
TAKEN_PREFIXES = ("/notes/page/", "/projects/", "/tags/", "/static/", "/img/", "/social/", "/pagefind/")
"""Folders whose URLs shiplog makes itself: an alias there could overwrite a page."""
TAKEN = {"/", "/notes/", "/404.html"}


def read_aliases(meta: Fields) -> tuple[str, ...]:
    """The post's aliases as site paths (/old/x/ or /old/x.html); mistakes go to meta.errors."""
    found = []
    for alias in meta.text_list("aliases"):
        if not alias.startswith("/"):
            meta.error("aliases", f"alias {alias!r} must be a site path starting with /, like /blog/old-slug/")
            continue
        if not alias.endswith(("/", ".html")):
            alias += "/"
        if not _ALIAS.match(alias) or "/../" in alias or "/./" in alias:
            meta.error("aliases", f"alias {alias!r} is not a plain site path (letters, digits, - _ . ~ and /)")
            continue
        if alias in TAKEN or alias.startswith(TAKEN_PREFIXES):
            meta.error("aliases", f"alias {alias!r} is an address shiplog makes pages at")
            continue
        found.append(alias)
    return tuple(dict.fromkeys(found))


def check_aliases(posts: Iterable[Post], pages: Iterable[Page], errors: ErrorCollector) -> None:
    """An alias may name one post only, and never a page that exists: report both at path:line."""
    owners = {p.url: f"{p.source} is published there" for p in [*posts, *pages]}
    for post in posts:
        for alias in post.aliases:
            if alias in owners:
                errors.add(f"alias {alias!r} is already taken: {owners[alias]}", post.source,
                           post.aliases_line, "an old address can lead to one post only")
            else:
                owners[alias] = f"{post.source} claims it as an alias"
