"""The errors a user can cause, and how they are reported.

    SiteError          one mistake in the author's files: path:line: message (+ hint)
    BuildFailed        every SiteError of a build, raised once loading is done

Anything else that escapes the generator is a bug and keeps its traceback.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path


class SiteError(Exception):
    """A mistake in a site file, reported compiler-style so terminals and editors can jump to it."""

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None,
                 hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.hint = hint

    def location(self) -> str:
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}" if self.line else self.path

    def __str__(self) -> str:
        where = self.location()
        text = f"{where}: {self.message}" if where else self.message
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    def to_dict(self) -> dict[str, object]:
        return {"path": self.path, "line": self.line, "message": self.message, "hint": self.hint}


class BuildFailed(Exception):
    """All the SiteErrors of one build: the build stops before anything is written."""

    def __init__(self, errors: Iterable[SiteError]) -> None:
        self.errors = sorted(errors, key=lambda e: (e.path or "", e.line or 0, e.message))
        super().__init__(f"{len(self.errors)} error{'s' if len(self.errors) != 1 else ''}")

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A hint naming the closest known spelling, if one is close enough."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


class ErrorCollector:
    """Accumulates SiteErrors so one build reports every mistake at once."""

    def __init__(self) -> None:
        self.errors: list[SiteError] = []

    def add(self, message: str, path: str | Path | None = None, line: int | None = None,
            hint: str | None = None) -> None:
        self.errors.append(SiteError(message, path, line, hint))

    def extend(self, errors: Iterable[SiteError]) -> None:
        self.errors.extend(errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise BuildFailed(self.errors)
