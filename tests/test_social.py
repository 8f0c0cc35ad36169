"""Social cards: 1200x630 PNGs drawn with the shipped font, the same bytes for the same text, and
og:image (with size and alt) plus twitter:card=summary_large_image on the pages that have one."""
from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from generator.engine import build
from generator.pictures.social import HEIGHT, MARGIN, WIDTH, social_card, title_box


def test_a_card_is_a_1200x630_png_and_the_same_every_time():
    data = social_card("Idempotency in Lambda", "4 min read · Mar 2026", "Sample Site", kicker="Engineering note")
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG" and image.size == (WIDTH, HEIGHT)
    assert data == social_card("Idempotency in Lambda", "4 min read · Mar 2026", "Sample Site", kicker="Engineering note")
    assert data != social_card("Idempotency in Lambda!", "4 min read · Mar 2026", "Sample Site", kicker="Engineering note")


def test_a_long_title_stays_inside_the_margins():
    title = "A title that goes on " * 12 + "and ends — with punctuation, ünïcödé and 日本語"
    left, top, right, bottom = title_box(title)
    assert left >= MARGIN and right <= WIDTH - MARGIN and bottom < HEIGHT - 130
    social_card(title, "1 min read", "Sample Site")          # draws without error


def test_pages_point_to_their_cards(site: Path) -> None:
    out = build(site, proofs=False).out
    post = (out / "notes/oldest/index.html").read_text()
    assert '<meta property="og:image" content="https://example.test/social/notes-oldest.png">' in post
    assert '<meta property="og:image:width" content="1200">' in post
    assert '<meta name="twitter:card" content="summary_large_image">' in post
    for path in ("social/home.png", "social/notes-oldest.png", "social/projects-demo.png"):
        with Image.open(out / path) as image:
            assert image.size == (1200, 630)
    assert not list((out / "social").glob("notes-draft*"))          # drafts are never shared


def test_cards_can_be_turned_off(site: Path) -> None:
    config = site / "site.yaml"
    config.write_text(config.read_text() + "social_cards: false\n")
    out = build(site, proofs=False).out
    assert not (out / "social").exists()
    assert '<meta name="twitter:card" content="summary">' in (out / "index.html").read_text()
