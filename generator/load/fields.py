"""Typed reads from a YAML mapping that record a path:line error instead of raising.

Used by the config, front-matter and card loaders, so each reports every mistake of a file at
once and every message names the line of the key that is wrong.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from generator.errors import ErrorCollector, did_you_mean
from generator.load.yamlfile import LineDict


class Fields:
    """One mapping from one file, read key by key with validation."""

    def __init__(self, data: Any, path: str, errors: ErrorCollector, what: str,
                 line: int = 1) -> None:
        if not isinstance(data, dict):
            if data is not None:
                errors.add(f"{what} must be a mapping of keys to values", path, line)
            data = LineDict()
            data.line = line
            data.key_lines = {}
        self.data: dict[str, Any] = data
        self.path = path
        self.errors = errors
        self.what = what
        self.line = getattr(data, "line", line) or line

    def line_of(self, key: str) -> int:
        lines = getattr(self.data, "key_lines", {})
        return int(lines.get(key, self.line))

    def error(self, key: str, message: str, hint: str | None = None) -> None:
        self.errors.add(message, self.path, self.line_of(key), hint)

    def check_keys(self, allowed: Iterable[str]) -> None:
        allowed = list(allowed)
        for key in self.data:
            if key not in allowed:
                self.error(key, f"unknown {self.what} key '{key}'", did_you_mean(key, allowed)
                           or f"known keys: {', '.join(allowed)}")

    def has(self, key: str) -> bool:
        return key in self.data and self.data[key] is not None

    def text(self, key: str, required: bool = False, default: str = "") -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                self.errors.add(f"missing required key '{key}' in {self.what}", self.path, self.line)
            return default
        if isinstance(value, (dict, list)):
            self.error(key, f"'{key}' must be text, not a {type(value).__name__}")
            return default
        value = str(value).strip()
        if required and not value:
            self.error(key, f"'{key}' must not be empty")
        return value

    def integer(self, key: str, default: int, minimum: int = 1) -> int:
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.error(key, f"'{key}' must be an integer of at least {minimum}, not {value!r}")
            return default
        return value

    def number(self, key: str, default: float) -> float:
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            self.error(key, f"'{key}' must be a positive number, not {value!r}")
            return default
        return float(value)

    def boolean(self, key: str, default: bool) -> bool:
        value = self.data.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.error(key, f"'{key}' must be true or false, not {value!r}")
            return default
        return value

    def choice(self, key: str, choices: tuple[str, ...], default: str) -> str:
        value = self.data.get(key)
        if value is None:
            return default
        if value not in choices:
            self.error(key, f"'{key}' must be one of {', '.join(choices)}, not {value!r}",
                       did_you_mean(str(value), choices))
            return default
        return str(value)

    def text_list(self, key: str) -> list[str]:
        value = self.data.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(
                isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value):
            self.error(key, f"'{key}' must be a list of words, like [Cloud, AWS]")
            return []
        return [str(v).strip() for v in value if str(v).strip()]

    def date(self, key: str, required: bool = False) -> dt.date | None:
        value = self.data.get(key)
        if value is None:
            if required:
                self.errors.add(f"missing required key '{key}' in {self.what}", self.path, self.line,
                                "published posts need a date, e.g. date: 2026-05-14")
            return None
        text = str(value).strip()
        try:
            if len(text) > 10:   # a full timestamp (2026-05-14T09:30:00Z) is accepted; the day is kept
                return dt.datetime.fromisoformat(text).date()
            return dt.date.fromisoformat(text)
        except ValueError:
            self.error(key, f"bad date {text!r}: expected YYYY-MM-DD (or an ISO 8601 timestamp), a real calendar day")
            return None

    def mapping(self, key: str) -> Fields:
        value = self.data.get(key)
        return Fields(value, self.path, self.errors, f"'{key}'", self.line_of(key))

    def mappings(self, key: str) -> list[Fields]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(key, f"'{key}' must be a list")
            return []
        out = []
        for item in value:
            line = getattr(item, "line", self.line_of(key))
            out.append(Fields(item, self.path, self.errors, f"'{key}' item", line))
        return out
