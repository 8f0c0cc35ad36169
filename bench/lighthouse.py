"""Lighthouse on the pages a reader lands on: home, the build log and a post (not run as a test).

    .venv/bin/python bench/lighthouse.py                 # build the repo's site (--no-proofs), mobile
    .venv/bin/python bench/lighthouse.py --site _site    # an already built folder
    .venv/bin/python bench/lighthouse.py --desktop       # Lighthouse's desktop preset

Serves the site on 127.0.0.1, runs npm's `lighthouse` (installed by tests/setup_system.sh) against
Debian's /usr/bin/chromium, prints the four category scores and each page's weight (HTML + CSS + JS
bytes as served, uncompressed; images and fonts excluded), and keeps the JSON reports in bench/out/.
Goal: 100 everywhere and every page under 50 KB before images.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
from browser.sitebuild import real_site, serve  # noqa: E402

LIGHTHOUSE = REPO / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
OUT = REPO / "bench" / "out"
BUDGET = 50 * 1024


def newest_post(site: Path) -> str:
    feed = (site / "feed.xml").read_text(encoding="utf-8")
    link = re.search(r'<entry>.*?<link rel="alternate" type="text/html" href="([^"]+)"', feed, re.S)
    return urlsplit(link.group(1)).path if link else "/"


def run_lighthouse(url: str, name: str, desktop: bool) -> dict:
    OUT.mkdir(parents=True, exist_ok=True)
    report = OUT / f"lighthouse-{name}{'-desktop' if desktop else ''}.json"
    cmd = [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
           f"--only-categories={','.join(CATEGORIES)}", f"--chrome-path={CHROMIUM}",
           "--chrome-flags=--headless --no-sandbox --disable-gpu --disable-background-networking "
           "--disable-component-update --disable-sync --no-first-run"]
    if desktop:
        cmd.append("--preset=desktop")
    subprocess.run(cmd, check=True, timeout=300, env={"CHROME_PATH": CHROMIUM, "PATH": "/usr/bin:/bin"})
    return json.loads(report.read_text(encoding="utf-8"))


def weights(lhr: dict) -> dict[str, int]:
    """Bytes of each kind the page loaded, from Lighthouse's own network record."""
    kinds = {"Document": "html", "Stylesheet": "css", "Script": "js"}
    out = {"html": 0, "css": 0, "js": 0}
    for item in lhr["audits"]["network-requests"]["details"]["items"]:
        kind = kinds.get(item.get("resourceType", ""))
        if kind:
            out[kind] += int(item.get("resourceSize") or item.get("transferSize") or 0)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="a built site folder (default: build the repo's site)")
    parser.add_argument("--desktop", action="store_true", help="Lighthouse's desktop preset (default: mobile)")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists() or not Path(CHROMIUM).exists() or not shutil.which("node"):
        sys.exit("lighthouse or chromium is missing: run `bash tests/setup_system.sh` (as root) first")
    site = args.site.resolve() if args.site else real_site()
    server = serve(site)
    pages = {"home": "/", "build log": "/notes/", "post": newest_post(site), "project": "/projects/tar/"}
    rows = []
    try:
        for name, path in pages.items():
            lhr = run_lighthouse(server.url(path), name.replace(" ", "-"), args.desktop)
            scores = [round(100 * (lhr["categories"][c]["score"] or 0)) for c in CATEGORIES]
            w = weights(lhr)
            failing = [f"{a['id']}" for a in lhr["audits"].values()
                       if a.get("scoreDisplayMode") in {"binary", "numeric"} and a.get("score") is not None
                       and a["score"] < 0.9 and any(a["id"] in [r["id"] for r in lhr["categories"][c]["auditRefs"]
                                                                 if r.get("weight")] for c in CATEGORIES)]
            rows.append((name, path, scores, w, failing))
    finally:
        server.close()
    mode = "desktop" if args.desktop else "mobile (Lighthouse default: Moto G power, slow 4G, simulated)"
    print(f"Lighthouse {lhr['lighthouseVersion']}, {mode}, {lhr['environment']['hostUserAgent'].split(') ')[-1]}")
    print()
    print("| page | perf | a11y | best practices | SEO | HTML | CSS | JS | total |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, path, s, w, _ in rows:
        total = sum(w.values())
        flag = "" if total < BUDGET else " (over 50 KB)"
        print(f"| {name} `{path}` | {s[0]} | {s[1]} | {s[2]} | {s[3]} | {w['html'] / 1024:.1f} KB "
              f"| {w['css'] / 1024:.1f} KB | {w['js'] / 1024:.1f} KB | {total / 1024:.1f} KB{flag} |")
    for name, _, _, _, failing in rows:
        if failing:
            print(f"\n{name}: audits under 0.9: {', '.join(failing)}")
    print(f"\nreports: {OUT.relative_to(REPO)}/lighthouse-*.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
