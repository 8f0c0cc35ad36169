"""Social cards: the 1200x630 PNG a link shows when it is shared, drawn with Pillow.

Pure: text in, PNG bytes out, the same bytes for the same text (no time or software chunks).
The font is DejaVu Sans, shipped in fonts/ under its licence, so every machine draws the same.
The title gets the most room: it wraps to at most three lines and shrinks for long titles, with
an ellipsis past that. The card is drawn in the site's dark palette.
"""
from __future__ import annotations

import functools
import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
MARGIN = 80
FONTS = Path(__file__).resolve().parent / "fonts"
BG, FG, MUTED, ACCENT = "#0e1116", "#e4e7eb", "#a2abb6", "#5ad4a0"
TITLE_SIZES = (72, 64, 56, 48)
MAX_TITLE_LINES = 3


def renderer_version() -> str:
    import PIL
    return f"Pillow {PIL.__version__} social 1"


@functools.cache
def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def _fit(draw: ImageDraw.ImageDraw, text: str, width: int) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest title size at which the title fits in three lines (else the smallest, cut)."""
    for size in TITLE_SIZES:
        font = _font(True, size)
        lines = _wrap(draw, text, font, width)
        if len(lines) <= MAX_TITLE_LINES and all(draw.textlength(l, font=font) <= width for l in lines):
            return font, lines
    lines = _wrap(draw, text, font, width)[:MAX_TITLE_LINES]
    last = lines[-1]
    while last and draw.textlength(last + "…", font=font) > width:
        last = last[:-1].rstrip()
    lines[-1] = last + "…"
    return font, lines


def title_box(title: str) -> tuple[int, int, int, int]:
    """The box the title's text occupies on the card (for tests: it stays inside the margins)."""
    draw = ImageDraw.Draw(Image.new("RGB", (WIDTH, HEIGHT)))
    font, lines = _fit(draw, title, WIDTH - 2 * MARGIN)
    boxes = [draw.textbbox((MARGIN, 170 + i * int(font.size * 1.18)), line, font=font)
             for i, line in enumerate(lines)]
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def social_card(title: str, subtitle: str, site_name: str, *, kicker: str = "") -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), BG)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 14, HEIGHT), fill=ACCENT)
    if kicker:
        draw.text((MARGIN, 96), kicker.upper(), font=_font(True, 26), fill=ACCENT)
    font, lines = _fit(draw, title, WIDTH - 2 * MARGIN)
    step = int(font.size * 1.18)
    y = 170
    for line in lines:
        draw.text((MARGIN, y), line, font=font, fill=FG)
        y += step
    if subtitle:
        small = _font(False, 30)
        sub = _wrap(draw, subtitle, small, WIDTH - 2 * MARGIN)[:2]
        for i, line in enumerate(sub):
            draw.text((MARGIN, y + 24 + i * 40), line, font=small, fill=MUTED)
    draw.line((MARGIN, HEIGHT - 110, WIDTH - MARGIN, HEIGHT - 110), fill="#2a3039", width=2)
    draw.text((MARGIN, HEIGHT - 86), site_name, font=_font(True, 28), fill=FG)
    out = io.BytesIO()
    image.convert("P", palette=Image.Palette.ADAPTIVE, colors=64).save(out, "PNG", optimize=False)
    return out.getvalue()
