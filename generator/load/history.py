"""When each post last changed, from git: the date of the newest commit that touched its file.

One `git log` over content/posts/ answers for every post at once (a log per file was 10,000
processes). Outside a git checkout, in a shallow clone (whose oldest commit would claim every
file it holds), or without git, there is no history and posts show their front-matter date only.
"""
from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

POSTS = "content/posts"


def last_changed(root: Path) -> dict[str, dt.date]:
    """{path relative to the root: date of the last commit that changed it}; {} without history."""
    def git(*args: str) -> str | None:
        try:
            proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
        except OSError:
            return None
        return proc.stdout if proc.returncode == 0 else None

    if git("rev-parse", "--is-shallow-repository") != "false\n":
        return {}
    log = git("log", "--format=%x00%cs", "--name-only", "--no-renames", "--relative", "--", POSTS)
    if not log:
        return {}
    found: dict[str, dt.date] = {}
    for entry in log.split("\0")[1:]:
        day, *names = entry.strip().splitlines()
        date = dt.date.fromisoformat(day)
        for name in names:
            if name:
                found.setdefault(name, date)     # newest first: the first date seen is the last change
    return found
