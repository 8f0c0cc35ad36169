"""Shared fixtures: sample sites copied into tmp_path (helpers live in sitekit.py)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sitekit import SITES


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/sites/*.expected from the current output")


def copy_site(name: str, dest: Path) -> Path:
    shutil.copytree(SITES / name, dest, ignore=shutil.ignore_patterns(
        ".shiplog-cache", "_site", "__pycache__"))
    return dest


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A private copy of tests/sites/basic that a test may edit."""
    return copy_site("basic", tmp_path / "site")
