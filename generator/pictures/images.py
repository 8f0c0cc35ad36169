"""Images for the web: the original kept as it is, plus WebP variants at a few widths.

Pure: bytes in, bytes out. The engine keeps what this makes in its store, so an unchanged image
is never encoded again. Names carry a hash of the source bytes, so the files can be cached for
ever. Widths: 480 (a phone), 960 (a phone at 2x, the text column at 1x) and 1600 (the column at
2x); a variant is never wider than the image.
"""
from __future__ import annotations

import hashlib
import html
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath

from PIL import Image, ImageOps, features

MAX_PIXELS = 40_000_000
"""Decompression-bomb limit: a small file that expands to more pixels than this is refused."""
MAX_BYTES = 20_000_000
WIDTHS: tuple[int, ...] = (480, 960, 1600)
WEBP_QUALITY = 80
WEBP_METHOD = 4
"""libwebp's effort (0-6): 4 is its default, about twice as fast as 6 for 1-2% more bytes."""
FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp", "GIF": "image/gif"}
SIZES = "(min-width: 46rem) 46rem, 100vw"


class ImageError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Variant:
    name: str
    width: int
    height: int
    data: bytes
    mime: str


@dataclass(frozen=True)
class ProcessedImage:
    width: int
    height: int
    """As displayed: after the EXIF orientation is applied."""
    original: Variant
    variants: tuple[Variant, ...]


def renderer_version() -> str:
    import PIL
    return f"Pillow {PIL.__version__} + libwebp {features.version('webp')}"


def _stem(filename: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", PurePosixPath(filename).stem).strip("-") or "image"


def process_image(data: bytes, filename: str) -> ProcessedImage:
    """The original and its variants; ImageError for anything that cannot be shown."""
    if len(data) > MAX_BYTES:
        raise ImageError(f"{len(data):,} bytes is over the limit of {MAX_BYTES:,}")
    digest = hashlib.sha256(data).hexdigest()[:8]
    stem, suffix = _stem(filename), PurePosixPath(filename).suffix.lower()
    if suffix == ".svg":
        width, height = _svg_size(data)
        return ProcessedImage(width, height, Variant(f"{stem}-{digest}.svg", width, height, data,
                                                     "image/svg+xml"), ())
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError(f"more than {MAX_PIXELS:,} pixels: a decompression bomb, or far too big") from None
    except Exception as exc:
        raise ImageError(f"cannot read image: {exc}") from None
    if image.format not in FORMATS:
        raise ImageError(f"{image.format} images are not supported: use PNG, JPEG, WebP, GIF or SVG")
    mime = FORMATS[image.format]
    ext = {"JPEG": "jpg"}.get(image.format, image.format.lower())
    original_name = f"{stem}-{digest}.{ext}"
    upright = ImageOps.exif_transpose(image)
    width, height = upright.size
    original = Variant(original_name, width, height, data, mime)
    if getattr(image, "is_animated", False):
        return ProcessedImage(width, height, original, ())     # variants would lose the animation
    icc = image.info.get("icc_profile")
    widths = [w for w in WIDTHS if w < width]
    if width < WIDTHS[-1]:
        widths.append(width)
    variants = []
    for w in widths:
        h = max(1, round(height * w / width))
        resized = upright if w == width else upright.resize((w, h), Image.Resampling.LANCZOS)
        if resized.mode not in ("RGB", "RGBA"):
            resized = resized.convert("RGBA" if "A" in resized.getbands() or "transparency" in image.info else "RGB")
        out = io.BytesIO()
        options = {"quality": WEBP_QUALITY, "method": WEBP_METHOD}
        if icc:
            options["icc_profile"] = icc
        resized.save(out, "WEBP", **options)
        variants.append(Variant(f"{stem}-{digest}-{w}w.webp", w, h, out.getvalue(), "image/webp"))
    return ProcessedImage(width, height, original, tuple(variants))


_SVG_TAG = re.compile(rb"<svg\b[^>]*>", re.S)
_ATTR = re.compile(rb'\b(width|height|viewBox)\s*=\s*["\']([^"\']*)["\']')


def _svg_size(data: bytes) -> tuple[int, int]:
    tag = _SVG_TAG.search(data)
    if tag is None:
        raise ImageError("cannot read image: no <svg> element")
    attrs = {k.decode(): v.decode() for k, v in _ATTR.findall(tag.group())}
    try:
        if "width" in attrs and "height" in attrs and not attrs["width"].endswith("%"):
            return (round(float(re.sub(r"px$", "", attrs["width"]))),
                    round(float(re.sub(r"px$", "", attrs["height"]))))
        if "viewBox" in attrs:
            _, _, w, h = (float(n) for n in attrs["viewBox"].replace(",", " ").split())
            return round(w), round(h)
    except ValueError:
        pass
    raise ImageError("an SVG needs a viewBox (or width and height) so that its size is known")


def image_html(image: ProcessedImage, url_base: str, alt: str, *, eager: bool,
               title: str | None = None) -> str:
    """One <img> with width, height, srcset and sizes; lazy unless `eager`."""
    attrs = [f'src="{url_base}{image.original.name}"', f'alt="{html.escape(alt)}"',
             f'width="{image.width}"', f'height="{image.height}"']
    if image.variants:
        srcset = ", ".join(f"{url_base}{v.name} {v.width}w" for v in image.variants)
        attrs += [f'srcset="{srcset}"', f'sizes="{SIZES}"']
    attrs += ['fetchpriority="high"'] if eager else ['loading="lazy"']
    attrs.append('decoding="async"')
    if title:
        attrs.append(f'title="{html.escape(title)}"')
    return f"<img {' '.join(attrs)}>"
