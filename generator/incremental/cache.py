"""The incremental build cache in .shiplog-cache/render/: a build with nothing changed does almost nothing.

Two caches, both keyed by content, never by timestamps, so a hit is exactly what a clean build
would have made and the output stays byte-identical:

LoadMemo   (load-<code>.pickle)   parsed Post / Page / Project records, keyed by the file bytes
           (a project: card, README and every source file) and the whole Config.
PageCache  (pages-<out>.pickle)   for every template output written to that folder, per output path:
           - a static key: the generator's code, the template and every template it extends,
             includes or imports, the Config, and repr() of each context value passed explicitly
             (post, older/newer, project, posts of a listing page, meta, pager, ...);
           - dynamic dependencies on `site`: templates reach the whole Site through one variable, so
             the attributes a render actually reads (site.pages for the nav, site.drafts, ...) are
             recorded while it renders, and the entry is valid while the repr() of each of them is.
           A listing page therefore re-renders when a post it lists changes, and a post page when
           the post, its neighbours, its project or the nav change; nothing else does. A page whose
           entry still holds is not rendered or written at all: the file the last build wrote is
           kept (output.py updates the folder in place, given the list of files it holds).
           Records that recur on many pages are digested once per build (`value_digest`).

`<code>` hashes generator/*.py and the versions of the libraries that shape the output, so
changing shiplog itself invalidates everything. Each build rewrites the files with only the
entries it used, which drops deleted and renamed pages.

The process pool (render.py, parallel.py): hit or miss is decided in the parent
(`PageCache.lookup`), misses are rendered in workers with `track_site`'s stand-in for the site,
which write the page to the stage folder and send the site attributes read back to `PageCache.store`.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import inspect
import logging
import os
import pickle
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta

from generator.incremental.inventory import trusted_signature
from generator.parallel import child_signals, signals_held
from generator.incremental.store import (CACHE_DIR, CODE_VERSION, digest, keep_newest, page_index_path,
                                         read_pickle, write_pickle)
from generator.model import Site

log = logging.getLogger(__name__)

_PLAIN = (str, int, float, bool, type(None), dt.date, Path)
KEEP_PAGE_INDEXES = 4


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


_NOT_IN_KEY = ("site", "config", "meta")
"""site: tracked per attribute read; config: in every key already; meta: Renderer.meta makes it
from the page's other context values and the config only, so it adds nothing to the key."""


def key_inputs(context: dict[str, Any]) -> tuple[Any, ...]:
    """The context values a page's key is made from, flat, for comparing with ==: a page whose
    inputs compare equal to last time's has last time's key. Records that serve kept are the
    very same objects, so the comparison is mostly identity checks done in C; a record made
    again equal (a tag, a pager) compares by its fields, which is what its digest is made of."""
    flat: list[Any] = []
    for name, value in context.items():
        if name in _NOT_IN_KEY:
            continue
        flat.append(name)
        if type(value) is tuple or type(value) is list:
            flat += (type(value), len(value), *value)
        else:
            flat.append(value)
    return tuple(flat)


def stable_repr(value: Any) -> str | None:
    """repr() when it is the same in every run; None when it shows an object address."""
    text = repr(value)
    return None if " at 0x" in text else text


def _write_pickle(path: Path, data: dict[str, Any], stale_glob: str | None = None) -> None:
    write_pickle(path, data)
    if stale_glob:
        keep_newest(path.parent, stale_glob, 1)    # the load cache of older code versions


class Warm:
    """What a long-lived process (`shiplog serve`) keeps in memory from one build to the next,
    so that a rebuild neither reads the caches back from disk nor reads and hashes every post.

    records     the LoadMemo entries the last successful load used (content key -> record)
    file_keys   per post file: (its stat signature and the key inputs, its content key); a file
                whose mtime, ctime, size and inode are unchanged is not read again
    pages       per output folder: the PageCache state its last build left (entries, template
                references, the files in the folder)
    page_keys   per output folder and page: the context its key was made from, and the key; a page
                whose context holds the very same records as last time has the same key, which
                is then not worked out again (most of a rebuild at 10,000 posts)
    post_files  the post files the last load found, in order, and the folders that hold them: while
    post_dirs   the watcher reports no file added or removed there, they are not walked again
    site_digests  the digest of each site attribute pages read, with the value it was made from
                (and for a tuple, the digest of each item)
    env         the Jinja environment, while the config and the template files are unchanged
    The disk caches stay valid: the load cache is only ever missing records (it is content-keyed),
    and the page index of an output folder is written after every build that changed it.
    """

    def __init__(self) -> None:
        self.records: dict[str, Any] | None = None
        self.file_keys: dict[str, tuple[tuple[Any, ...], str]] = {}
        self.pages: dict[str, dict[str, Any]] = {}
        self.page_keys: dict[str, dict[str, tuple[Any, ...]]] = {}
        self.post_files: list[tuple[Path, str, str, str]] | None = None
        self.post_names: set[str] = set()
        self.post_dirs: set[str] = set()
        self.site_digests: dict[str, tuple[Any, str, list[str | None] | None]] = {}
        self.env: tuple[Any, jinja2.Environment] | None = None

    def environment(self, state: Any, make: Callable[[], jinja2.Environment]) -> jinja2.Environment:
        """The last build's Jinja environment while `state` (the config and every template file's
        signature) is the same: its templates are loaded already, which was a third of a rebuild."""
        if self.env is None or self.env[0] != state:
            self.env = (state, make())
        return self.env[1]


_FILE_KEYS = "file-keys"
"""The load cache's entry holding LoadMemo.file_keys (never a content key: those are hex digests)."""
DELTA_SHARE = 20
"""The load cache is written whole again once 1/DELTA_SHARE of its records are new or unused;
until then a build writes only the new ones, beside it (LoadMemo.save)."""


class LoadMemo:
    """Parsed records by content key; `make` runs only on a miss."""

    def __init__(self, root: Path, warm: Warm | None = None, changed: set[str] | None = None) -> None:
        self.path = root / CACHE_DIR / f"load-{CODE_VERSION[:16]}.pickle"
        self.delta_path = self.path.with_suffix(".delta")
        self.warm = warm
        self.changed = changed if warm is not None and warm.post_files is not None else None
        """The paths the file watcher saw change since the last build of this process; None: unknown."""
        stored_keys = None
        self.base_keys: frozenset[str] = frozenset()
        """The records in the load cache's main file; the delta file holds the newer ones."""
        if warm is not None and warm.records is not None:
            self.old = warm.records
        else:
            self.old = read_pickle(self.path)
            stored_keys = self.old.pop(_FILE_KEYS, None)
            self.base_keys = frozenset(self.old)
            if self.old:
                delta = read_pickle(self.delta_path)
                stored_keys = delta.pop(_FILE_KEYS, stored_keys)
                self.old.update(delta)
        self.file_keys: dict[str, tuple[tuple[Any, ...], str]] = \
            warm.file_keys if warm is not None else (stored_keys if isinstance(stored_keys, dict) else {})
        """Per post file: (its stat signature and key inputs, its content key), from this process's
        last build or, for a new process, from the load cache: an untouched file is not read."""
        if warm is not None and isinstance(stored_keys, dict) and not warm.file_keys:
            warm.file_keys.update(stored_keys)
        self.cold = not self.old
        """Nothing cached at all: every file is parsed, so none need be read and keyed up front."""
        self.used: dict[str, Any] = {}
        self.key_of: dict[int, tuple[Any, str]] = {}
        self._writer = 0
        """id(record) -> (record, key): a record is a pure function of its key, so the key
        fingerprints it for the page cache without repr() of the whole record."""
        self.hits = 0

    def has(self, key: str) -> bool:
        return key in self.old

    def peek(self, key: str) -> Any:
        return self.old[key]

    def signature(self, path: Path, inputs: tuple[Any, ...]) -> tuple[Any, ...] | None:
        """What says a file is untouched since it was last read (taken BEFORE reading it, so a
        write racing the read shows as a change next time). None for a file modified in the last
        RACY_SECONDS: a second write within the file system's clock tick could leave mtime, ctime
        and size as they were (git's "racily clean" rule), so it is read every time."""
        found = trusted_signature(path)
        return None if found is None else (*found, *inputs)

    def untouched_key(self, path: str, inputs: tuple[Any, ...]) -> str | None:
        """The content key of a file the watcher says nobody touched since this process last read
        it (and not racily: see signature), without asking the file system."""
        if self.changed is None or path in self.changed:
            return None
        known = self.file_keys.get(path)
        return known[1] if known is not None and known[0][5:] == inputs else None

    def same_files(self, folder: Path) -> list[tuple[Path, str, str, str]] | None:
        """The files of `folder` the last load found (path, its text, site-relative path, slug),
        when the watcher saw none added or removed."""
        if self.changed is None:
            return None
        known, dirs, inside = self.warm.post_files, self.warm.post_dirs, str(folder) + os.sep  # type: ignore[union-attr]
        names = self.warm.post_names  # type: ignore[union-attr]
        for path in self.changed:
            if path in names:
                if not os.path.isfile(path):
                    return None                      # a post deleted (or moved away)
            elif path in dirs or (path.startswith(inside) and os.path.exists(path)):
                return None                          # a folder of posts gone, or a new file there
        return known

    def remember_files(self, files: list[tuple[Path, str, str, str]]) -> None:
        if self.warm is not None:
            self.warm.post_files = files
            self.warm.post_names = {text for _, text, _, _ in files}
            self.warm.post_dirs = {str(path.parent) for path, _, _, _ in files}

    def known_key(self, path: Path, signature: tuple[Any, ...] | None) -> str | None:
        """The content key of a file an earlier build read, if it is untouched."""
        if signature is None:
            return None
        known = self.file_keys.get(str(path))
        return known[1] if known is not None and known[0] == signature else None

    def remember_key(self, path: Path, signature: tuple[Any, ...] | None, key: str) -> str:
        if signature is None:
            self.file_keys.pop(str(path), None)
        else:
            self.file_keys[str(path)] = (signature, key)
        return key

    def get(self, key: str, make: Callable[[], Any]) -> Any:
        if key in self.old:
            self.hits += 1
            value = self.old[key]
        else:
            value = make()
        self.used[key] = value
        self.key_of[id(value)] = (value, key)
        return value

    def save(self, background: bool = False) -> None:
        """Write the records this build used; skipped when they are exactly the stored ones.
        After a few edits, only the records the main file lacks are written, to the delta file
        (pickling 10,000 posts again took 0.5 s of a one-edit build); once 1/DELTA_SHARE of the
        records are new or unused, the main file is written whole and the delta dropped.
        `background`: a forked child writes the main file while this process goes on rendering;
        `wait()` before the build returns.
        With a Warm that already holds records, they are kept in memory only: the file on disk
        then just lacks the newest records, which the next cold build parses again."""
        if self.warm is not None:
            first = self.warm.records is None
            self.warm.records = self.used
            if not first:
                return
        if self.used.keys() == self.old.keys():
            return      # (a file touched but not changed keeps its old signature: it is read again)
        newer = {key: value for key, value in self.used.items() if key not in self.base_keys}
        unused = len(self.base_keys) - (len(self.used) - len(newer))
        if self.base_keys and (len(newer) + unused) * DELTA_SHARE <= len(self.used):
            write_pickle(self.delta_path, {**newer, _FILE_KEYS: self.file_keys})
            return
        for delta in self.path.parent.glob("load-*.delta"):   # this code version's and older ones
            delta.unlink(missing_ok=True)
        data = {**self.used, _FILE_KEYS: self.file_keys}
        if background and threading.active_count() == 1 and hasattr(os, "fork"):
            sys.stdout.flush()
            sys.stderr.flush()
            with signals_held():
                pid = os.fork()
                if pid == 0:
                    child_signals()
            if pid == 0:  # the child: write, and leave without running the parent's exit code
                code = 1
                try:
                    _write_pickle(self.path, data, "load-*.pickle")
                    code = 0
                finally:
                    os._exit(code)
            self._writer = pid
            return
        _write_pickle(self.path, data, "load-*.pickle")

    def wait(self) -> None:
        """Until a background save() is done (a failed one only costs the next build time)."""
        if self._writer:
            os.waitpid(self._writer, 0)
            self._writer = 0


class SiteReads:
    """The Site as a template sees it, noting the name of every attribute the template reads.

    Only `site` goes through this (a few reads a page); every other lookup of the render stays on
    Jinja's plain path."""

    __slots__ = ("_site", "_seen")

    def __init__(self, site: Site, seen: set[str]) -> None:
        object.__setattr__(self, "_site", site)
        object.__setattr__(self, "_seen", seen)

    def __getattr__(self, name: str) -> Any:
        self._seen.add(name)
        return getattr(self._site, name)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("templates cannot change the site")


def track_site(site: Site) -> tuple[SiteReads, set[str]]:
    """A stand-in for `site` to render with, and the set of attribute names it will have been read for."""
    seen: set[str] = set()
    return SiteReads(site, seen), seen


class PageCache:
    """Rendered template outputs of one output folder, valid while their inputs are the same."""

    def __init__(self, root: Path, out: Path, site: Site, env: jinja2.Environment,
                 record_keys: dict[int, tuple[Any, str]] | None = None, warm: Warm | None = None) -> None:
        self.path = page_index_path(root, out)
        self.warm = warm
        stored = warm.pages.get(str(self.path)) if warm is not None else None
        if stored is None:
            stored = read_pickle(self.path)
        self.old: dict[str, Any] = stored.get("pages", {}) if stored.get("code") == CODE_VERSION else {}
        self.cold = not self.old
        """Nothing to reuse: every page renders, and its key is worked out where it renders."""
        self.new: dict[str, Any] = {}
        self.out = str(out.resolve())
        self.previous_files: set[str] | None = set(stored["files"]) if self.old and "files" in stored else None
        """Every file the last build left in the output folder (None: unknown, so rebuild it whole)."""
        self.files: set[str] = set()
        self.refs: dict[str, list[str | None]] = stored.get("refs", {}) if self.old else {}
        self.new_refs: dict[str, list[str | None]] = {}
        self.site = site
        self.env = env
        self.config_repr = repr(site.config)
        self._site_digests: dict[str, str] = {}
        self._template_digests: dict[str, str] = {}
        self._value_digests: dict[int, tuple[Any, str | None]] = dict(record_keys or {})
        """Seeded with the load keys of parsed records: a record is a pure function of its key."""
        self.hits = 0
        self.misses = 0
        self.trust_files = warm is not None and str(self.path) in warm.pages
        """This process wrote the output folder itself in its last build: its file list is the truth."""
        self.key_memo = warm.page_keys.setdefault(str(self.path), {}) if warm is not None else None
        self._deps_ok: dict[tuple[tuple[str, str], ...], bool] = {}

    def site_digest(self, attribute: str) -> str:
        if attribute not in self._site_digests:
            value = getattr(self.site, attribute, None)
            if inspect.ismethod(value):  # site.project(...), site.posts_for_project(...)
                value = self.site
            known = self.warm.site_digests.get(attribute) if self.warm is not None else None
            if known is not None and type(known[0]) is type(value) and known[0] == value:
                result = known[1]    # equal to last build's: mostly identity checks on kept records
            else:
                items = None
                if type(value) is tuple:
                    items = self._item_digests(value, known)
                    result = self._digest_of(value, [type(value).__name__, *items]) or "uncacheable"
                else:
                    result = self.value_digest(value) or "uncacheable"
                if self.warm is not None:
                    self.warm.site_digests[attribute] = (value, result, items)
            self._site_digests[attribute] = result
        return self._site_digests[attribute]

    def _item_digests(self, value: tuple[Any, ...], known: tuple[Any, str, Any] | None) -> list[str | None]:
        """The digest of each item of a tuple the site holds, reusing last build's for the items
        equal to those at the same place then. After one post is edited, site.tags is a new
        tuple of new TagIndex records, and only the few holding that post differ."""
        if known is None or type(known[0]) is not tuple or known[2] is None or len(known[0]) != len(value):
            return [self.value_digest(item) for item in value]
        return [seen if item is was or (type(item) is type(was) and item == was) else self.value_digest(item)
                for item, was, seen in zip(value, known[0], known[2])]

    def template_digest(self, name: str) -> str:
        """The template's source and that of every template it pulls in, by file."""
        if name not in self._template_digests:
            self._template_digests[name] = "cycle"  # a template that includes itself
            loader = self.env.loader
            assert loader is not None
            source, filename, _ = loader.get_source(self.env, name)
            parts = [name, filename or "", source]
            for ref in self.references(source):
                if ref is None:  # a computed name: depend on every template there is
                    parts += [self.template_digest(t) for t in sorted(self.env.list_templates())
                              if t != name]
                    break
                parts.append(self.template_digest(ref))
            self._template_digests[name] = digest(*parts)
        return self._template_digests[name]

    def references(self, source: str) -> list[str | None]:
        """Templates a source extends, includes or imports (None: a computed name). Parsing is
        the slow part of a template, so the answer is kept with the cache, by source text."""
        key = digest(source)
        if key not in self.refs:
            found = jinja2.meta.find_referenced_templates(self.env.parse(source))
            self.refs[key] = sorted(found, key=lambda r: (r is None, r or ""))
        self.new_refs[key] = self.refs[key]
        return self.refs[key]

    def static_key(self, name: str, context: dict[str, Any], path: str | None = None) -> str | None:
        """The key of rendering `name` with `context`. With a Warm and the page's `path`, the last
        build's key is reused when the template, config and every context value are the same."""
        if self.key_memo is None or path is None:
            return self._static_key(name, context)
        try:
            template = self.template_digest(name)
        except jinja2.TemplateError:
            return None
        values = key_inputs(context)
        known = self.key_memo.get(path)
        if known is not None and known[:4] == (name, template, self.config_repr, values):
            return known[4]  # type: ignore[no-any-return]
        key = self._static_key(name, context)
        self.key_memo[path] = (name, template, self.config_repr, values, key)
        return key

    def kept(self, path: str, name: str, context: dict[str, Any]) -> bool:
        """With a Warm: the page is as the last build left it, judged from its context values
        alone (the same records as last time), before anything else about it is made."""
        if self.key_memo is None or path not in self.key_memo:
            return False
        return self.lookup(path, self.static_key(name, context, path))

    def _static_key(self, name: str, context: dict[str, Any]) -> str | None:
        parts = [CODE_VERSION, self.config_repr, name]
        try:
            parts.append(self.template_digest(name))
        except jinja2.TemplateError:
            return None  # let the render raise the error properly
        for key in sorted(context):
            if key in _NOT_IN_KEY:
                continue
            value_digest = self.value_digest(context[key])
            if value_digest is None:
                return None
            parts += [key, value_digest]
        return digest(*parts)

    def value_digest(self, value: Any) -> str | None:
        """A digest of everything repr(value) shows (every field of every record in it), or None
        when some part has no stable repr. Computed once per object per build and reused inside
        bigger values: every source page and every tag page of a project holds the same Project."""
        if isinstance(value, _PLAIN):
            text = f"{type(value).__name__}:{value!r}"
            # Short values stand for themselves (a digest never holds ':'); hashing each of the
            # many small strings and numbers of every page's meta was most of a no-change build.
            return text if len(text) <= 80 else digest(text)
        known = self._value_digests.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            parts = [type(value).__qualname__, *(self.value_digest(getattr(value, name))
                                                 for name in _field_names(type(value)))]
        elif isinstance(value, (tuple, list)):
            parts = [type(value).__name__]
            memo = self._value_digests
            for item in value:      # mostly records digested already: no call for those
                seen = memo.get(id(item))
                parts.append(seen[1] if seen is not None and seen[0] is item else self.value_digest(item))
        elif isinstance(value, dict):
            parts = ["dict"]
            for k, v in value.items():  # in order, as repr and Jinja's loops see them
                parts += [self.value_digest(k), self.value_digest(v)]
        else:
            parts = [stable_repr(value)]
        return self._digest_of(value, parts)

    def _digest_of(self, value: Any, parts: list[str | None]) -> str | None:
        """The digest of `value` from its parts (None if one has no stable digest), remembered."""
        result = None if None in parts else digest(*parts)  # type: ignore[arg-type]
        self._value_digests[id(value)] = (value, result)  # holds `value`, so its id is not reused
        return result

    def lookup(self, path: str, key: str | None) -> bool:
        """True when the last build wrote this very page to the output folder and it is still there."""
        entry = self.old.get(path)
        if key is None or entry is None or entry["key"] != key:
            return False
        deps = entry["site"]
        if deps:
            reads = tuple(deps.items())     # pages share a handful of these: each checked once
            ok = self._deps_ok.get(reads)
            if ok is None:
                ok = self._deps_ok[reads] = all(self.site_digest(a) == d for a, d in reads)
            if not ok:
                return False
        return self.keep(path)

    def keep(self, path: str) -> bool:
        """Keep the file the last build wrote at `path`, which the caller knows to be unchanged."""
        entry = self.old.get(path)
        if entry is None or (not self.trust_files and not os.path.isfile(os.path.join(self.out, path))):
            return False
        self.new[path] = entry
        self.hits += 1
        return True

    def remember_key(self, path: str, name: str, context: dict[str, Any], key: str | None) -> None:
        """A key worked out in a worker (a cold build): kept for serve's next rebuild as if made here."""
        if self.key_memo is not None and key is not None and name in self._template_digests:
            self.key_memo[path] = (name, self._template_digests[name], self.config_repr,
                                   key_inputs(context), key)

    def store(self, path: str, key: str | None, site_attrs: set[str]) -> None:
        self.misses += 1
        deps = {a: self.site_digest(a) for a in sorted(site_attrs)}
        if key is not None and "uncacheable" not in deps.values():
            self.new[path] = {"key": key, "site": deps}

    def save(self) -> None:
        if self.key_memo is not None:
            for gone in self.key_memo.keys() - self.new.keys():
                del self.key_memo[gone]
        data = {"code": CODE_VERSION, "pages": self.new, "refs": self.new_refs, "files": sorted(self.files)}
        if self.warm is not None:
            before = self.warm.pages.get(str(self.path))
            self.warm.pages[str(self.path)] = data
            if before is not None and before["pages"] is self.old and self.misses == 0 \
                    and before["files"] == data["files"] and self.new.keys() == self.old.keys():
                return  # nothing changed: the index on disk is this one
        write_pickle(self.path, data)
        keep_newest(self.path.parent, "pages-*.pickle", KEEP_PAGE_INDEXES)  # _site, serve's, spares
