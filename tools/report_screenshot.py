"""The CSPM post's picture: the scanner's HTML report of its demo account, as Chromium shows it.

    .venv/bin/python tools/report_screenshot.py [content/posts/cspm-demo-report.png]

Runs `python -m projects.cspm --demo --format html`, opens the report in Debian's Chromium at
1000x760 (light) and saves the first screen as PNG. Run it again after the scanner changes; the
picture is committed so that the site builds without a browser.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "content/posts/cspm-demo-report.png"
    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.html"
        run = subprocess.run([sys.executable, "-m", "projects.cspm", "--demo", "--format", "html",
                              "-o", str(report), "--fail-on", "none"], cwd=REPO, capture_output=True, text=True)
        if run.returncode != 0 or not report.is_file():
            sys.exit(f"the demo scan failed:\n{run.stderr[-2000:]}")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1000, "height": 760})
            page.emulate_media(color_scheme="light")
            page.goto(report.as_uri())
            page.screenshot(path=str(target))
            browser.close()
    print(f"wrote {target.relative_to(REPO) if target.is_relative_to(REPO) else target}")


if __name__ == "__main__":
    main()
