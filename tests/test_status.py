"""`shiplog status`: drafts with progress, published count, newest post, posts with problems."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator.commands.cli import main
from generator.commands.status import bar

BASIC = Path(__file__).parent / "sites" / "basic"
IGNORE = shutil.ignore_patterns(".shiplog-cache", "_site", "__pycache__")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(BASIC, root, ignore=IGNORE)
    return root


def test_dashboard(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    draft = root / "content/posts/draft-one.md"
    stamp = 1_780_000_000  # 2026-05-28
    os.utime(draft, (stamp, stamp))
    (root / "content/posts/broken.md").write_text("---\ntitle: Broken\ndate: 2026-13-01\n---\nBody.\n")
    assert main(["status", "--root", str(root)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Drafts (1)"
    line = out[1]
    assert "37%" in line and "15 / 40 words" in line and "A draft in progress" in line
    assert "modified 2026-05-2" in line and "(content/posts/draft-one.md)" in line
    assert "Published: 3 posts" in out
    assert "  newest: A code-heavy post (2026-05-14)  content/posts/code-heavy.md" in out
    assert "Problems: 1 in 1 file" in out
    assert any(l.startswith("  content/posts/broken.md:3: bad date '2026-13-01'") for l in out), out


def test_bar() -> None:
    assert bar(0, 10, "#", ".") == ".........."
    assert bar(37, 10, "#", ".") == "####......"
    assert bar(99, 10, "#", ".") == "##########"
    assert bar(150, 10, "#", ".") == "##########"
