"""Images in Markdown: `![alt](photo.jpg)` beside the post, or `![alt](/img/x.png)` from static/.

Each local image is read, checked and turned into WebP variants once per content
(generator/pictures/images.py); its files are kept in the store and copied into the site under
/img/ with names that carry a hash of their bytes, so they can be cached for ever. The <img> gets
width and height (no layout shift), srcset and sizes, and loading="lazy" on all but the first.
A missing, unreadable or oversized image is a SiteError at its line.

A record lists the files it read (`inputs`: path and digest), so that a cached record is used
only while they are the same, and the files it needs in the output (`assets`).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import SiteError
from generator.incremental.store import Blobs

URL_BASE = "/img/"
MISSING = "missing"
"""The digest recorded for an image file that does not exist."""
_EXTERNAL = ("http://", "https://", "//", "data:", "mailto:")


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


@dataclass
class DocumentImages:
    """What one document's images needed: filled while it renders."""
    inputs: list[tuple[str, str]] = field(default_factory=list)
    """(path relative to the site, digest of its bytes) of every image file read."""
    assets: list[tuple[str, str]] = field(default_factory=list)
    """(output path, store key) of every file the page needs."""
    problems: list[SiteError] = field(default_factory=list)
    count: int = 0


def asset_files(root: Path, assets: tuple[tuple[str, str], ...]) -> dict[str, Path]:
    """Output path -> the stored file, for a record's assets."""
    folder = Blobs(root, "images", "").folder
    return {rel: folder / key for rel, key in assets}


class Images:
    """The images of one site, resolved against its folders and kept in its store."""

    def __init__(self, root: Path, static_dir: Path) -> None:
        from generator.pictures.images import renderer_version

        self.root = root.resolve()
        self.static_dir = static_dir.resolve()
        self.blobs = Blobs(root, "images", renderer_version())

    def local_file(self, target: str, document_dir: Path) -> Path | None:
        """The file an image target names, or None for one on another site."""
        if not target or target.startswith(_EXTERNAL):
            return None
        path = target.split("#", 1)[0].split("?", 1)[0]
        found = (self.static_dir / path.lstrip("/")) if path.startswith("/") else (document_dir / path)
        found = found.resolve()
        if not found.is_relative_to(self.root):
            raise SiteError(f"image {target!r} is outside the site folder")
        return found

    def image(self, target: str, alt: str, document_dir: Path, used: DocumentImages) -> dict[str, str]:
        """The <img> attributes for a local image; SiteError when it cannot be used."""
        from generator.pictures.images import ImageError, MAX_BYTES

        path = self.local_file(target, document_dir)
        assert path is not None
        rel = path.relative_to(self.root).as_posix()
        try:
            size = path.stat().st_size
        except OSError:
            used.inputs.append((rel, MISSING))      # the record is made again once it appears
            raise SiteError(f"image {target!r} does not exist",
                            hint=f"looked for {rel}: a target starting with / is in static/, "
                                 "any other beside the post") from None
        if size > MAX_BYTES:
            raise SiteError(f"image {target!r} is {size:,} bytes, over the limit of {MAX_BYTES:,}",
                            hint="resize it before adding it; variants are made from it at build time")
        data = path.read_bytes()
        digest = file_digest(data)
        used.inputs.append((rel, digest))
        try:
            meta = self._processed(data, path.name, digest)
        except ImageError as exc:
            raise SiteError(f"image {target!r}: {exc.args[0] if exc.args else exc}") from None
        used.count += 1
        used.assets += [(URL_BASE.lstrip("/") + name, key) for name, key in meta["files"]]
        attrs = {"src": URL_BASE + meta["original"], "alt": alt,
                 "width": str(meta["width"]), "height": str(meta["height"])}
        if meta["srcset"]:
            attrs["srcset"] = ", ".join(f"{URL_BASE}{name} {width}w" for name, width in meta["srcset"])
            from generator.pictures.images import SIZES
            attrs["sizes"] = SIZES
        if used.count == 1:
            attrs["fetchpriority"] = "high"
        else:
            attrs["loading"] = "lazy"
        attrs["decoding"] = "async"
        return attrs

    def _processed(self, data: bytes, filename: str, digest: str) -> dict:
        """The image's sizes and stored files, made once per content."""
        from generator.pictures.images import process_image

        key = self.blobs.key("meta", filename, digest)
        known = self.blobs.get(key)
        if known is not None:
            meta = json.loads(known)
            if all(self.blobs.path(k).is_file() for _, k in meta["files"]):
                return meta
        image = process_image(data, filename)
        files = []
        for variant in (image.original, *image.variants):
            file_key = self.blobs.key("file", variant.name, file_digest(variant.data))
            self.blobs.put(file_key, variant.data)
            files.append((variant.name, file_key))
        meta = {"original": image.original.name, "width": image.width, "height": image.height,
                "srcset": [(v.name, v.width) for v in image.variants],
                "files": files}
        self.blobs.put(key, json.dumps(meta).encode())
        return meta
