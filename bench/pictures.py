"""What pictures cost: 100 posts, each with its own photo and its own dot diagram, built cold
(empty store: every image encoded, every diagram drawn, every social card drawn), cold again with
the store kept (what a clean checkout of a site that was built before costs), and again with
nothing changed.

    .venv/bin/python -m bench.pictures [--posts 100] [--work bench/out/pictures]

Prints one table; whole `shiplog build` processes, medians of three runs each.
"""
from __future__ import annotations

import argparse
import io
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from PIL import Image, ImageDraw

REPO = Path(__file__).resolve().parent.parent
POST = """---
title: Picture post {n}
date: 2026-03-{day:02d}
tags: [Pictures]
summary: A photo and a diagram, number {n}.
---
A photo taken for this post:

![Photo {n}: diagonal lines on blue](photo-{n}.jpg)

The flow it belongs to:

```dot
digraph flow{n} {{
  rankdir=LR;
  order -> payment [label="OrderCreated {n}"];
  payment -> inventory [label="PaymentCharged"];
  inventory -> shipping [label="InventoryReserved"];
  payment -> order [label="PaymentFailed", style=dashed];
}}
```
"""
SITE = """title: Pictures bench
base_url: https://pictures.example
author:
  name: Bench Author
"""


def photo(n: int) -> bytes:
    """A 2400x1600 JPEG with enough detail to cost what a photo costs to encode."""
    image = Image.new("RGB", (2400, 1600), (30 + n % 50, 60, 120))
    draw = ImageDraw.Draw(image)
    for i in range(0, 2400, 24):
        draw.line([(i, 0), (2400 - i, 1600)], fill=((i * 7 + n) % 256, 180, 220), width=3)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


def make_site(root: Path, posts: int) -> None:
    shutil.rmtree(root, ignore_errors=True)
    (root / "content/posts").mkdir(parents=True)
    (root / "site.yaml").write_text(SITE)
    for n in range(posts):
        (root / f"content/posts/pictures-{n:03d}.md").write_text(POST.format(n=n, day=n % 28 + 1))
        (root / f"content/posts/photo-{n}.jpg").write_bytes(photo(n))


def shiplog_build(root: Path, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "generator", "build", "--root", str(root), *args],
                   cwd=REPO, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100)
    parser.add_argument("--work", type=Path, default=REPO / "bench/out/pictures")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    root = args.work / "site"
    make_site(root, args.posts)
    cold, warm_store, unchanged = [], [], []
    for _ in range(args.repeats):
        shutil.rmtree(root / ".shiplog-cache", ignore_errors=True)
        shutil.rmtree(root / "_site", ignore_errors=True)
        cold.append(shiplog_build(root))
        shutil.rmtree(root / ".shiplog-cache" / "render", ignore_errors=True)   # pictures stay in the store
        warm_store.append(shiplog_build(root, "--no-cache"))
        shiplog_build(root)
        time.sleep(2.1)                         # out of the racy window, as a later build would be
        shiplog_build(root)
        unchanged.append(shiplog_build(root))
    out = root / "_site"
    images = sum(p.stat().st_size for p in (out / "img").iterdir())
    cards = sum(p.stat().st_size for p in (out / "social").iterdir())
    page = (out / f"notes/pictures-000/index.html").read_text()
    svg = page[page.index("<figure class=\"diagram\">"):page.index("</figure>") + 9]
    print(f"{args.posts} posts, each with a 2400x1600 JPEG and a dot diagram; medians of {args.repeats}")
    print("| build | median |")
    print("|---|---:|")
    print(f"| cold: empty store (encode, draw, social cards) | {statistics.median(cold):.2f} s |")
    print(f"| clean build, pictures already in the store | {statistics.median(warm_store):.2f} s |")
    print(f"| nothing changed | {statistics.median(unchanged) * 1000:.0f} ms |")
    print(f"bytes: images {images / args.posts / 1024:.0f} KiB a post (original + WebP variants), "
          f"social card {cards / (args.posts + 1) / 1024:.1f} KiB, inline diagram {len(svg.encode()) / 1024:.1f} KiB")


if __name__ == "__main__":
    main()
