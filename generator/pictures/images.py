"""Images for the web: the original kept as it is, plus WebP variants at a few widths.

Pure: bytes in, bytes out. The engine keeps what this makes in its store, so an unchanged image
is never encoded again. Names carry a hash of the source bytes, so the files can be cached for
ever. Widths: 480 (a phone at 1x), 960 (a phone at 2x, about the text column at 1x) and 1600
(the column at 2x, 43.5rem = 696 px, with room to spare); a variant is never wider than the
image. Animations and SVG are served as they are: a variant would lose the animation, and SVG
scales by itself.
"""
from __future__ import annotations

import hashlib
import html
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath

from PIL import Image, ImageCms, ImageOps, features

MAX_PIXELS = 40_000_000
"""Decompression-bomb limit: a small file that expands to more pixels than this is refused."""
MAX_BYTES = 20_000_000
WIDTHS: tuple[int, ...] = (480, 960, 1600)
WEBP_QUALITY = 80
WEBP_METHOD = 4
"""libwebp's effort (0-6). Measured at 1600 px: 4 (its default) takes half the time of 6 for
1-3% more bytes; 2 is half again but up to 3% bigger. Each image is encoded once, so 4."""
FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp", "GIF": "image/gif"}
SIZES = "(min-width: 46rem) 43.5rem, calc(100vw - 2.5rem)"
"""site.css: .wrap is at most 46rem wide, border-box, with 1.25rem of padding on each side."""

Image.MAX_IMAGE_PIXELS = MAX_PIXELS   # Pillow's own check, at open; ours below is the one relied on


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


REVISION = 2
"""Raised when this module makes different files from the same bytes (2: CMYK and 16-bit grey)."""


def renderer_version() -> str:
    import PIL
    return f"{REVISION} Pillow {PIL.__version__} + libwebp {features.version('webp')}"


def _stem(filename: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", PurePosixPath(filename).stem).strip("-") or "image"


def process_image(data: bytes, filename: str) -> ProcessedImage:
    """The original and its variants; ImageError for anything that cannot be shown."""
    if len(data) > MAX_BYTES:
        raise ImageError(f"{len(data):,} bytes is over the limit of {MAX_BYTES:,} bytes")
    digest = hashlib.sha256(data).hexdigest()[:8]
    stem, suffix = _stem(filename), PurePosixPath(filename).suffix.lower()
    if suffix == ".svg":
        width, height = _svg_size(data)
        return ProcessedImage(width, height, Variant(f"{stem}-{digest}.svg", width, height, data,
                                                     "image/svg+xml"), ())
    image = _open(data)
    ext = {"JPEG": "jpg"}.get(image.format, image.format.lower())
    if getattr(image, "is_animated", False):
        width, height = image.size
        if image.getexif().get(0x0112) in (5, 6, 7, 8):      # turned a quarter: displayed on its side
            width, height = height, width
        original = Variant(f"{stem}-{digest}.{ext}", width, height, data, FORMATS[image.format])
        return ProcessedImage(width, height, original, ())
    icc = image.info.get("icc_profile") if image.mode in ("RGB", "RGBA", "P", "CMYK") else None
    upright = _rgb(ImageOps.exif_transpose(image), icc)
    if image.mode == "CMYK":
        icc = None                          # converted to sRGB above, the web's default
    width, height = upright.size
    original = Variant(f"{stem}-{digest}.{ext}", width, height, data, FORMATS[image.format])
    widths = [w for w in WIDTHS if w < width]
    if width < WIDTHS[-1]:
        widths.append(width)
    variants = []
    for w in widths:
        h = max(1, round(height * w / width))
        resized = upright if w == width else upright.resize((w, h), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        resized.save(out, "WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD, **({"icc_profile": icc} if icc else {}))
        variants.append(Variant(f"{stem}-{digest}-{w}w.webp", w, h, out.getvalue(), "image/webp"))
    return ProcessedImage(width, height, original, tuple(variants))


def _open(data: bytes) -> Image.Image:
    """The decoded image, its size checked before any pixel is decoded."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        raise _bomb() from None
    except Exception as exc:
        raise ImageError(f"cannot read image: {_reason(exc)}") from None
    if image.format not in FORMATS:
        raise ImageError(f"{image.format} images are not supported: use PNG, JPEG, WebP, GIF or SVG")
    if image.width * image.height > MAX_PIXELS:
        raise _bomb()
    try:
        image.load()
    except Exception as exc:
        raise ImageError(f"cannot read image: {_reason(exc)}") from None
    return image


def _bomb() -> ImageError:
    return ImageError(f"more than {MAX_PIXELS:,} pixels: a decompression bomb, or far too big")


def _reason(exc: Exception) -> str:
    if isinstance(exc, Image.UnidentifiedImageError):
        return "not a PNG, JPEG, WebP or GIF file"      # Pillow's message names a memory address
    return str(exc) or type(exc).__name__


def _rgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """RGB or RGBA, the modes WebP has; before resizing, which would be nearest-neighbour in P."""
    if image.mode == "CMYK" and icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            return ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode="RGB")
        except (ImageCms.PyCMSError, OSError):
            pass
    if image.mode in ("RGB", "RGBA"):
        return image
    if image.mode.startswith("I;16"):                          # 16-bit grey: to 8 bits
        image = image.point(lambda v: v / 256).convert("L")
    alpha = "A" in image.getbands() or "transparency" in image.info
    return image.convert("RGBA" if alpha else "RGB")


_SVG_TAG = re.compile(rb"<svg\b[^>]*>", re.S)
_ATTR = re.compile(rb'(?<![\w:.-])(width|height|viewBox)\s*=\s*["\']([^"\']*)["\']')
_LENGTH = re.compile(r"\s*([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*(px)?\s*", re.I)


def _svg_size(data: bytes) -> tuple[int, int]:
    """From width and height in px (or unitless), else the viewBox, whose ratio fills in one of
    them. Anything else (%, em, mm) is no size for an <img>."""
    tag = _SVG_TAG.search(data)
    if tag is None:
        raise ImageError("cannot read image: no <svg> element")
    attrs = {k.decode(): v.decode(errors="replace") for k, v in _ATTR.findall(tag.group())}
    width, height = (_px(attrs.get(k, "")) for k in ("width", "height"))
    box = attrs.get("viewBox", "").replace(",", " ").split()
    ratio = None
    if len(box) == 4:
        try:
            box_w, box_h = float(box[2]), float(box[3])
            ratio = box_h / box_w if box_w > 0 and box_h > 0 else None
        except ValueError:
            pass
    if width and height:
        return round(width), round(height)
    if ratio and width:
        return round(width), max(1, round(width * ratio))
    if ratio and height:
        return max(1, round(height / ratio)), round(height)
    if ratio:
        return max(1, round(float(box[2]))), max(1, round(float(box[3])))
    raise ImageError("an SVG needs a viewBox (or width and height in px) so that its size is known")


def _px(value: str) -> float | None:
    match = _LENGTH.fullmatch(value)
    return float(match.group(1)) if match and float(match.group(1)) > 0 else None


def image_html(image: ProcessedImage, url_base: str, alt: str, *, eager: bool,
               title: str | None = None) -> str:
    """One <img> with width, height, srcset and sizes; lazy unless `eager` (the first image,
    likely the largest paint: fetched first instead)."""
    url = lambda name: html.escape(url_base + name)
    attrs = [f'src="{url(image.original.name)}"', f'alt="{html.escape(alt)}"',
             f'width="{image.width}"', f'height="{image.height}"']
    if image.variants:
        srcset = ", ".join(f"{url(v.name)} {v.width}w" for v in image.variants)
        attrs += [f'srcset="{srcset}"', f'sizes="{SIZES}"']
    attrs += ['fetchpriority="high"'] if eager else ['loading="lazy"', 'decoding="async"']
    if title:
        attrs.append(f'title="{html.escape(title)}"')
    return f"<img {' '.join(attrs)}>"
