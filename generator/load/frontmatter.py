"""Split a Markdown file into its YAML front matter and body, keeping file line numbers."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.errors import SiteError
from generator.load.yamlfile import parse_yaml


@dataclass(frozen=True, slots=True)
class Document:
    meta: Any
    """The parsed front matter (a LineDict when it is a mapping)."""
    body: str
    body_line: int
    """1-based line of the file where the body starts, to turn body lines into file lines."""


def parse_document(text: str, path: str) -> Document:
    """Parse '---' YAML front matter followed by a Markdown body."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        raise SiteError("no front matter: the file must start with a '---' line", path, 1,
                        "begin with ---, then title: ..., then --- and the body")
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            meta = parse_yaml("\n".join(lines[1:index]), path, first_line=2)
            return Document(meta, "\n".join(lines[index + 1:]), index + 2)
    raise SiteError("front matter is never closed: add a '---' line after it", path, 1)
