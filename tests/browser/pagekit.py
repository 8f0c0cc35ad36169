"""What the browser tests share: viewports, schemes, pages, screenshots and axe-core."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from browser.sitebuild import NODE_MODULES, SCREENSHOTS

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VIEWPORTS = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 800}}
SCHEMES = ("light", "dark")
PAGES = ("home", "log", "post", "project", "tag", "404")


def screenshot(page: Any, name: str, full_page: bool = True) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def axe_violations(page: Any, axe_source: str, **options: Any) -> list[str]:
    """axe-core, injected into the page (no network), with its default rules: one line per
    violation and node."""
    if not page.evaluate("() => !!window.axe"):
        page.add_script_tag(content=axe_source)
    result = page.evaluate("opts => axe.run(document, opts)", {"resultTypes": ["violations"], **options})
    return [f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(map(str, n['target']))}"
            f" -- {n.get('failureSummary', '').splitlines()[-1].strip() if n.get('failureSummary') else ''}"
            for v in result["violations"] for n in v["nodes"]]
