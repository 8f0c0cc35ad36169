"""The built site as the files a host serves: key, SHA-256, size, content type, cache-control."""
from __future__ import annotations

import hashlib
import mimetypes
import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from generator.load.targets import FOREVER_CACHE, HTML_CACHE, CacheRule
from generator.render.redirects import redirect_target

_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
          ".js": "text/javascript; charset=utf-8", ".json": "application/json",
          ".xml": "application/xml", ".txt": "text/plain; charset=utf-8",
          ".svg": "image/svg+xml", ".webp": "image/webp", ".png": "image/png",
          ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
          ".ico": "image/x-icon", ".woff2": "font/woff2", ".pdf": "application/pdf"}
_FINGERPRINTED = re.compile(r"^img/[^/]+-[0-9a-f]{8}(-\d+)?\.[a-z0-9]+$")
"""Images shiplog names by a hash of their bytes (img/photo-1a2b3c4d-480.webp): their content
never changes under one name, so a browser may keep them for a year."""


@dataclass(frozen=True, slots=True)
class SiteFile:
    key: str
    """The path inside the site, with / separators: notes/x/index.html."""
    path: Path
    sha256: str
    size: int
    content_type: str
    cache_control: str
    redirect: str = ""
    """For the page at an alias of a moved post: where it leads (S3 answers with a 301 there
    when the bucket is served as a website)."""

    @property
    def is_html(self) -> bool:
        return self.key.endswith(".html")


def content_type(key: str) -> str:
    suffix = Path(key).suffix.lower()
    return _TYPES.get(suffix) or mimetypes.guess_type(key)[0] or "application/octet-stream"


def cache_control(key: str, rules: tuple[CacheRule, ...]) -> str:
    """The site's first matching rule; else a year for fingerprinted images, else revalidate.

    Everything not fingerprinted is revalidated on each visit (a cheap 304), because a page and
    the stylesheet it needs change together and must never be mixed across deploys."""
    for rule in rules:
        if fnmatchcase(key, rule.pattern):
            return rule.cache_control
    return FOREVER_CACHE if _FINGERPRINTED.match(key) else HTML_CACHE


def scan(folder: Path, rules: tuple[CacheRule, ...] = ()) -> dict[str, SiteFile]:
    """Every file under `folder` by key, hashed. Dot-files (.nojekyll) are left out."""
    found = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        if not path.is_file() or any(part.startswith(".") for part in key.split("/")):
            continue
        data = path.read_bytes()
        redirect = redirect_target(data.decode("utf-8", "replace")) if key.endswith(".html") and len(data) < 2000 else None
        found[key] = SiteFile(key, path, hashlib.sha256(data).hexdigest(), len(data),
                              content_type(key), cache_control(key, rules), redirect or "")
    return found
