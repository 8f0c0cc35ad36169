"""Images: the Pillow step on its own (real encoder, images made here), then images in posts:
sized and responsive, errors at their line, never encoded twice, incremental == clean."""
from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageCms

from generator.engine import build
from generator.errors import BuildFailed
from generator.pictures.images import (MAX_PIXELS, WIDTHS, ImageError, image_html, process_image)
from sitekit import tree


def jpeg(size=(2000, 1000), orientation: int | None = None, icc: bytes | None = None) -> bytes:
    image = Image.new("RGB", size, "#336699")
    out = io.BytesIO()
    options = {"quality": 85}
    if orientation:
        exif = Image.Exif()
        exif[0x0112] = orientation
        options["exif"] = exif
    if icc:
        options["icc_profile"] = icc
    image.save(out, "JPEG", **options)
    return out.getvalue()


def test_exif_orientation_is_applied_and_the_size_is_as_displayed():
    image = process_image(jpeg((2000, 1000), orientation=6), "photo.jpg")
    assert (image.width, image.height) == (1000, 2000)
    for variant in image.variants:
        with Image.open(io.BytesIO(variant.data)) as decoded:
            assert decoded.width < decoded.height
    assert image.original.data == jpeg((2000, 1000), orientation=6)


def test_variants_are_webp_at_the_widths_below_the_image_and_never_upscaled():
    big = process_image(jpeg((2000, 1000)), "big.jpg")
    assert [v.width for v in big.variants] == list(WIDTHS)
    assert all(v.mime == "image/webp" and v.name.endswith(f"-{v.width}w.webp") for v in big.variants)
    small = process_image(jpeg((300, 200)), "small.jpg")
    assert [v.width for v in small.variants] == [300]


def test_the_icc_profile_is_kept():
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    image = process_image(jpeg(icc=icc), "photo.jpg")
    with Image.open(io.BytesIO(image.variants[0].data)) as decoded:
        assert decoded.info.get("icc_profile") == icc


def test_same_input_same_bytes():
    assert process_image(jpeg(), "a.jpg") == process_image(jpeg(), "a.jpg")


def test_bad_images_are_errors():
    with pytest.raises(ImageError, match="cannot read image"):
        process_image(jpeg()[:400], "cut.jpg")
    with pytest.raises(ImageError, match="decompression bomb"):
        bomb = io.BytesIO()
        Image.new("1", (8000, 6000)).save(bomb, "PNG")
        assert 8000 * 6000 > MAX_PIXELS
        process_image(bomb.getvalue(), "bomb.png")
    with pytest.raises(ImageError, match="viewBox"):
        process_image(b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "x.svg")


def test_svg_and_animations_keep_the_original_only():
    svg = process_image(b"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 120 40'></svg>", "d.svg")
    assert (svg.width, svg.height, svg.variants) == (120, 40, ())
    frames = [Image.new("RGB", (50, 50), colour) for colour in ("red", "green", "blue")]
    gif = io.BytesIO()
    frames[0].save(gif, "GIF", save_all=True, append_images=frames[1:])
    assert process_image(gif.getvalue(), "a.gif").variants == ()


def test_svg_size_from_one_length_and_the_viewbox_ratio():
    svg = b"<svg xmlns='http://www.w3.org/2000/svg' width='300px' viewBox='0 0 120 40'></svg>"
    assert process_image(svg, "w.svg").width == 300 and process_image(svg, "w.svg").height == 100
    em = b"<svg xmlns='http://www.w3.org/2000/svg' width='10em' height='2em' viewBox='0 0 50 10'></svg>"
    assert (process_image(em, "em.svg").width, process_image(em, "em.svg").height) == (50, 10)


def test_cmyk_and_16_bit_grey_become_web_colours():
    cmyk = io.BytesIO()
    Image.new("CMYK", (600, 300), (0, 255, 255, 0)).save(cmyk, "JPEG")
    variant = process_image(cmyk.getvalue(), "c.jpg").variants[0]
    with Image.open(io.BytesIO(variant.data)) as decoded:
        r, g, b = decoded.convert("RGB").getpixel((10, 10))
    assert r > 200 and g < 60 and b < 60                 # red stays red, not inverted
    grey = io.BytesIO()
    Image.new("I;16", (500, 200), 65535).save(grey, "PNG")
    with Image.open(io.BytesIO(process_image(grey.getvalue(), "g.png").variants[0].data)) as decoded:
        assert decoded.convert("L").getpixel((5, 5)) > 250


def test_a_file_that_is_no_image_says_so_without_internals():
    with pytest.raises(ImageError) as error:
        process_image(b"plain text, not pixels" * 10, "notes.png")
    assert "not a PNG, JPEG, WebP or GIF file" in str(error.value) and "0x" not in str(error.value)


def test_image_html_is_lazy_but_for_the_first():
    image = process_image(jpeg(), "p.jpg")
    first, later = image_html(image, "/img/", 'a "b"', eager=True), image_html(image, "/img/", "c", eager=False)
    assert 'fetchpriority="high"' in first and 'loading="lazy"' not in first and 'alt="a &quot;b&quot;"' in first
    assert 'loading="lazy"' in later and 'width="2000" height="1000"' in later and "480w" in later


@pytest.fixture
def photo_site(site: Path) -> Path:
    (site / "content/posts/photo.jpg").write_bytes(jpeg((1800, 900)))
    post = site / "content/posts/oldest.md"
    post.write_text(post.read_text() + "\n![A photo beside the post](photo.jpg)\n")
    return site


def test_a_post_image_is_sized_responsive_and_copied(photo_site: Path) -> None:
    out = build(photo_site, proofs=False).out
    page = (out / "notes/oldest/index.html").read_text()
    assert 'width="1800" height="900"' in page and 'srcset="/img/photo-' in page and "960w" in page
    names = {p.name for p in (out / "img").iterdir()}
    assert any(n.endswith("-480w.webp") for n in names) and any(n.endswith(".jpg") for n in names)
    pictures = (out / "notes/pictures/index.html").read_text()
    assert 'width="10" height="10"' in pictures          # static/img/one.svg, sized from its viewBox


def test_a_missing_or_broken_image_is_an_error_at_its_line(photo_site: Path) -> None:
    out = build(photo_site, proofs=False).out
    before = tree(out)
    post = photo_site / "content/posts/oldest.md"
    line = len(post.read_text().splitlines()) + 2
    post.write_text(post.read_text() + "\n![Gone](gone.png)\n")
    with pytest.raises(BuildFailed) as failed:
        build(photo_site, proofs=False)
    error = failed.value.errors[0]
    assert (error.path, error.line) == ("content/posts/oldest.md", line) and "does not exist" in error.message
    (photo_site / "content/posts/gone.png").write_bytes(b"not a png")
    with pytest.raises(BuildFailed, match="cannot read image"):
        build(photo_site, proofs=False)
    assert tree(out) == before


def test_editing_an_image_matches_a_clean_build_and_unchanged_ones_are_not_encoded(photo_site: Path, tmp_path: Path,
                                                                                   monkeypatch) -> None:
    out, clean = tmp_path / "out", tmp_path / "clean"
    build(photo_site, out, proofs=False)
    (photo_site / "content/posts/photo.jpg").write_bytes(jpeg((1000, 500)))
    build(photo_site, out, proofs=False)
    build(photo_site, clean, proofs=False, incremental=False)
    assert tree(out) == tree(clean)
    assert 'width="1000" height="500"' in (out / "notes/oldest/index.html").read_text()
    import generator.pictures.images as images
    monkeypatch.setattr(images, "process_image", lambda *a: pytest.fail("encoded again"))
    shutil.rmtree(clean)
    build(photo_site, clean, proofs=False, incremental=False)    # a clean build: from the store
    assert tree(out) == tree(clean)
