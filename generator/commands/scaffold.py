"""`shiplog new "Title"`: start a draft post with front matter and an outline to fill in."""
from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from generator.load.cards import card_files
from generator.load.config import load_config
from generator.load.content import SLUG, check_slug
from generator.errors import SiteError
from generator.markdown.convert import slugify

OUTLINE = """\
TODO: the hook. One paragraph: the problem, and why a reader should care.

## Context

TODO: the system, the constraint, what was at stake.

## What I tried

TODO: the first approach and where it broke.

## What worked

TODO: the decision, with the trade-off it makes.

## Results

TODO: the numbers, and how to reproduce them.

## What I would do next

TODO: open questions.
"""


def post_slug(title: str) -> str:
    """The file name for a title: lowercase ASCII words joined by hyphens."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return slugify(ascii_title)


def draft_text(title: str, target_words: int, project: str | None) -> str:
    # json.dumps gives a double-quoted string, which is valid YAML for any title.
    lines = ["---", f"title: {json.dumps(title, ensure_ascii=False)}", "status: draft",
             f"target_words: {target_words}", "tags: []", 'summary: ""']
    if project:
        lines.append(f"project: {project}")
    return "\n".join(lines + ["---", "", OUTLINE])


def new_post(root: Path, title: str, project: str | None = None, target_words: int | None = None) -> Path:
    """Create content/posts/<slug>.md as a draft; never overwrites. Returns the new file."""
    config = load_config(root)
    title = title.strip()
    if not title:
        raise SiteError("the title is empty", hint='shiplog new "What I learned from X"')
    slug = post_slug(title)
    if not slug or not SLUG.match(slug):
        raise SiteError(f"cannot make a file name from the title {title!r}",
                        hint="use a title with some Latin letters or digits, and rename the file later")
    if target_words is not None and target_words < 1:
        raise SiteError(f"--target-words must be at least 1, not {target_words}")
    if project:
        known = sorted(path.parent.name for path in card_files(config))
        if project not in known:
            raise SiteError(f"project '{project}' has no card",
                            hint=f"known projects: {', '.join(known) or 'none'}")
    path = config.content_dir / "posts" / f"{slug}.md"
    rel = path.relative_to(config.root).as_posix()
    check_slug(slug, rel, "post")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as f:
            f.write(draft_text(title, target_words or config.target_words, project))
    except FileExistsError:
        raise SiteError(f"{rel} already exists; not overwriting it", rel, None,
                        "edit that file, or pick a different title") from None
    return path
