"""Stage 1: read every source file of the site into validated records, collecting all errors."""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from generator.incremental.cache import LoadMemo, digest
from generator.load.aliases import check_aliases
from generator.load.cards import card_files, card_slug, parse_card
from generator.load.history import last_changed
from generator.model import Config
from generator.load.content import check_slug, inputs_hold, markdown_files, parse_page, parse_post, relative
from generator.incremental.inventory import files_under
from generator.errors import BuildFailed, ErrorCollector, SiteError
from generator.model import Page, Post, Project
from generator.parallel import map_ordered
from generator.load.sources import load_sources, project_sources, render_readme


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Loaded:
    posts: list[Post]
    pages: list[Page]
    projects: list[Project]


def _read(path: Path, rel: str) -> str:
    return _decode(path.read_bytes(), rel)


def _memo(memo: LoadMemo | None, key: str, make: Callable[[], T]) -> T:
    """make(), or the record a previous build made from the very same inputs."""
    if memo is None:
        return make()
    value: T = memo.get(key, make)
    return value


def _guarded(errors: ErrorCollector, work):  # type: ignore[no-untyped-def]
    """Run one file's loading; its mistakes join the build's list instead of stopping it."""
    try:
        return work()
    except SiteError as exc:
        errors.errors.append(exc)
    except BuildFailed as exc:
        errors.extend(exc.errors)
    return None


def _decode(data: bytes, rel: str) -> str:
    """The file's text as read_text() gives it: UTF-8, universal newlines."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SiteError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", rel, None) from None
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _parse_job(job):  # type: ignore[no-untyped-def]
    """One post to parse, run in a worker: (content key, the record or the mistakes). Exceptions
    cross process boundaries as values, since BuildFailed cannot be rebuilt from its args.
    `data` is None when the worker is to read the file itself and work out its content key
    (a cold build: the parent then does not read 10,000 files before the workers start)."""
    parse, data, path, rel, slug, config, key, key_inputs = job
    try:
        if data is None:
            data = path.read_bytes()
            if key_inputs is not None:
                key = digest("post", *key_inputs, data)
        return key, parse(_decode(data, rel), rel, slug, config)
    except OSError as exc:
        return key, [SiteError(f"cannot read: {exc.strerror or exc}", rel, None)]
    except SiteError as exc:
        return key, [exc]
    except BuildFailed as exc:
        return key, list(exc.errors)


def load_posts(config: Config, errors: ErrorCollector,
               parse: Callable[[str, str, str, Config], Post] = parse_post,
               memo: LoadMemo | None = None) -> list[Post]:
    """Every post in file order. Files the memo knows are taken from it; the rest are parsed on
    every core (parallel.py), which is most of a clean build's work."""
    folder = config.content_dir / "posts"
    first_file: dict[str, str] = {}
    slots: list[tuple[str, object]] = []        # per file, in order: ("post", Post) | ("errors", [..]) | ("job", index)
    jobs: list[tuple[object, ...]] = []
    signatures: list[tuple[Path, tuple[object, ...] | None]] = []   # files the workers key
    config_repr = repr(config)
    qualname = getattr(parse, "__qualname__", "")
    prefix = str(config.root).rstrip("/") + "/"
    files = memo.same_files(folder) if memo is not None else None
    if files is None:
        # Sorted as Paths sort (part by part), without Path.__lt__: that was most of a 10,000-post load.
        found = sorted(folder.rglob("*.md"), key=lambda p: p.parts) if folder.is_dir() else []
        files = [(path, str(path), str(path)[len(prefix):] if os.sep == "/" and str(path).startswith(prefix)
                  else relative(path, config), path.stem) for path in found]
        if memo is not None:
            memo.remember_files(files)
    for path, text, rel, slug in files:
        if slug in first_file:
            errors.add(f"duplicate slug '{slug}': {first_file[slug]} already uses it", rel, None,
                       "a post's slug is its file name; rename one of them")
            continue
        first_file[slug] = rel
        try:
            check_slug(slug, rel, "post")
        except SiteError as exc:
            slots.append(("errors", [exc]))
            continue
        data = None
        key = None
        key_inputs = (qualname, rel, slug, config_repr)
        if memo is not None and not memo.cold:
            key = memo.untouched_key(text, key_inputs)
            signature = memo.signature(path, key_inputs) if key is None else None
            if key is None:
                key = memo.known_key(path, signature)
            if key is None:
                data = path.read_bytes()
                key = memo.remember_key(path, signature, digest("post", *key_inputs, data))
            if memo.has(key) and inputs_hold(memo.peek(key), config.root):
                slots.append(("post", memo.get(key, lambda: None)))
                continue
            if data is None:
                data = path.read_bytes()
        elif memo is not None:      # nothing is cached: the worker reads the file and keys it
            signatures.append((path, memo.signature(path, key_inputs)))
        slots.append(("job", len(jobs)))
        jobs.append((parse, data, path, rel, slug, config, key, key_inputs if memo is not None else None))
    results = map_ordered(_parse_job, jobs)
    for (path, signature), (key, _) in zip(signatures, results):
        memo.remember_key(path, signature, key)  # type: ignore[union-attr]
    posts: list[Post] = []
    for kind, value in slots:
        if kind == "job":
            key, result = results[value]  # type: ignore[index]
            if isinstance(result, list):
                errors.extend(result)
                continue
            if memo is not None:
                memo.get(key, lambda result=result: result)
            errors.extend(result.problems)
            posts.append(result)
        elif kind == "post":
            errors.extend(value.problems)  # type: ignore[attr-defined]
            posts.append(value)  # type: ignore[arg-type]
        else:
            errors.extend(value)  # type: ignore[arg-type]
    return posts


def load_pages(config: Config, errors: ErrorCollector, memo: LoadMemo | None = None) -> list[Page]:
    pages = []
    for path in markdown_files(config.content_dir / "pages"):
        rel = relative(path, config)

        def work(path: Path = path, rel: str = rel) -> Page:
            check_slug(path.stem, rel, "page")
            data = path.read_bytes()
            return _memo(memo, digest("page", rel, data), lambda: parse_page(_decode(data, rel), rel, path.stem))

        page = _guarded(errors, work)
        if page is not None:
            pages.append(page)
    return pages


def load_project(path: Path, config: Config, memo: LoadMemo | None = None) -> Project:
    rel = relative(path, config)
    slug = card_slug(path, rel)

    def make() -> Project:
        project = parse_card(_read(path, rel), rel, slug)
        sources = load_sources(path.parent)
        blob = f"{config.repo_url}/blob/main/projects/{project.slug}" if config.repo_url else ""
        return replace(project, readme_html=render_readme(path.parent, sources, blob), sources=sources)

    if memo is None:
        return make()
    return _memo(memo, project_key(path, rel, slug, config), make)


def project_key(path: Path, rel: str, slug: str, config: Config) -> str:
    """Everything a Project record is made from: the card, the README, the bytes of each source
    file it highlights, and the names of all its files (README links are checked against them)."""
    folder = path.parent
    names = [p.relative_to(folder).as_posix() for p in files_under(folder)]
    parts: list[str | bytes] = ["project", rel, slug, repr(config), path.read_bytes(), "\n".join(names)]
    readme = folder / "README.md"
    parts.append(readme.read_bytes() if readme.is_file() else b"-")
    for source in project_sources(folder):
        parts += [source.relative_to(folder).as_posix(), source.read_bytes()]
    return digest(*parts)


def load_projects(config: Config, errors: ErrorCollector, memo: LoadMemo | None = None) -> list[Project]:
    projects = []
    for path in card_files(config):
        project = _guarded(errors, lambda path=path: load_project(path, config, memo))
        if project is not None:
            projects.append(project)
    return projects


def check_references(posts: list[Post], config: Config, errors: ErrorCollector) -> None:
    """Every post's `project:` must name a card (a card that failed to load still counts, so one
    mistake in it is not reported again at every post)."""
    known = {path.parent.name for path in card_files(config)}
    for post in posts:
        if post.project and post.project not in known:
            errors.add(f"project '{post.project}' has no card", post.source, post.project_line,
                       f"known projects: {', '.join(sorted(known)) or 'none'}")


def with_history(posts: list[Post], root: Path) -> list[Post]:
    """Each post with the day its file last changed in git, where that is after its date."""
    changed = last_changed(root)
    if not changed:
        return posts
    out = []
    for post in posts:
        day = changed.get(post.source)
        out.append(replace(post, updated=day) if day and post.date and day > post.date else post)
    return out


def load_site(config: Config, memo: LoadMemo | None = None) -> Loaded:
    """Read posts, pages and cards; raise BuildFailed with every mistake found in any of them.
    With a memo, files whose bytes did not change since the last build are not parsed again."""
    loaded, errors = load_what_loads(config, memo)
    if errors:
        raise BuildFailed(errors)
    return loaded


def load_what_loads(config: Config, memo: LoadMemo | None = None) -> tuple[Loaded, list[SiteError]]:
    """Every record that loads, and every mistake: `check` and `status` report both."""
    errors = ErrorCollector()
    posts = load_posts(config, errors, memo=memo)
    pages = load_pages(config, errors, memo)
    projects = load_projects(config, errors, memo)
    check_references(posts, config, errors)
    check_aliases(posts, pages, errors)
    posts = with_history(posts, config.root)
    return Loaded(posts, pages, projects), errors.errors
