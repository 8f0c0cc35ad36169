"""site.yaml -> Config. Unknown keys are errors, because a typo must never be silently ignored."""
from __future__ import annotations

import re
from pathlib import Path

from generator.model import Author, Config, Link
from generator.errors import ErrorCollector, SiteError
from generator.load.fields import Fields
from generator.load.targets import read_targets
from generator.load.yamlfile import parse_yaml

CONFIG_FILE = "site.yaml"
_URL = re.compile(r"^https?://[^\s/]+(/\S*)?$")


def _links(fields: Fields, key: str) -> tuple[Link, ...]:
    links = []
    for item in fields.mappings(key):
        item.check_keys(["label", "url"])
        label, url = item.text("label", required=True), item.text("url", required=True)
        if url and not (url.startswith("/") or _URL.match(url) or url.startswith("mailto:")):
            item.error("url", f"link url must be absolute (https://...), site-relative (/...) or mailto:, not {url!r}")
        links.append(Link(label, url))
    return tuple(links)


def load_config(root: Path) -> Config:
    """Read and validate site.yaml; raises BuildFailed listing every mistake in it."""
    root = root.resolve()
    path = root / CONFIG_FILE
    rel = CONFIG_FILE
    errors = ErrorCollector()
    if not path.is_file():
        errors.add(f"no {CONFIG_FILE} here", str(root), None,
                   "run shiplog in the folder that holds site.yaml, or pass --root")
        errors.raise_if_any()
    try:
        data = parse_yaml(path.read_text(encoding="utf-8"), rel)
    except SiteError as exc:
        errors.errors.append(exc)
        errors.raise_if_any()
    top = Fields(data, rel, errors, "site.yaml")
    top.check_keys(["title", "description", "base_url", "language", "author", "links", "repo_url",
                    "reading", "drafts", "home", "notes", "feed", "social_cards", "deploy"])
    base_url = top.text("base_url", required=True).rstrip("/")
    if base_url and not _URL.match(base_url):
        top.error("base_url", f"base_url must be an absolute http(s) URL, not {base_url!r}")
    author = top.mapping("author")
    author.check_keys(["name", "role", "pitch", "email"])
    reading = top.mapping("reading")
    reading.check_keys(["wpm", "code_line_seconds"])
    drafts = top.mapping("drafts")
    drafts.check_keys(["target_words"])
    home = top.mapping("home")
    home.check_keys(["headline", "intro", "latest_posts"])
    notes = top.mapping("notes")
    notes.check_keys(["title", "intro", "per_page"])
    feed = top.mapping("feed")
    feed.check_keys(["entries"])
    repo_url = top.text("repo_url").rstrip("/")
    if repo_url and not _URL.match(repo_url):
        top.error("repo_url", f"repo_url must be an absolute http(s) URL, not {repo_url!r}")
    config = Config(
        root=root,
        title=top.text("title", required=True),
        description=top.text("description"),
        base_url=base_url,
        language=top.text("language", default="en"),
        author=Author(author.text("name", required=True), author.text("role"),
                      author.text("pitch"), author.text("email")),
        links=_links(top, "links"),
        repo_url=repo_url,
        wpm=reading.integer("wpm", 238),
        code_line_seconds=reading.number("code_line_seconds", 3.0),
        target_words=drafts.integer("target_words", 1500),
        home_headline=home.text("headline"),
        home_intro=home.text("intro"),
        home_latest=home.integer("latest_posts", 5),
        notes_title=notes.text("title", default="Engineering Notes"),
        notes_intro=notes.text("intro"),
        per_page=notes.integer("per_page", 20),
        feed_entries=feed.integer("entries", 20),
        social_cards=top.boolean("social_cards", True),
        deploy=read_targets(top.mapping("deploy")),
    )
    errors.raise_if_any()
    return config
