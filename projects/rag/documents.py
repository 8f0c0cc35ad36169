"""Load the documents the index is built from: the runbook corpus, plus the site's own notes.

Document ids are stable strings: ``corpus/<stem>``, ``post/<slug>``, ``page/<slug>``
and ``project/<slug>``. The eval set only points at ``corpus/`` ids, so it does not
move when posts are written.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import yaml

log = logging.getLogger("rag")
CORPUS_DIR = Path(__file__).parent / "corpus"
REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True, slots=True)
class Document:
    """One source file, front matter removed."""

    doc_id: str
    """Stable id, e.g. ``corpus/saga-dlq-replay``."""
    title: str
    body: str
    """Markdown body (no front matter)."""
    source: Path


def split_front_matter(text: str) -> tuple[dict, str]:
    """Split a leading ``---`` YAML block from the Markdown body."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            meta = yaml.safe_load(text[4:end]) or {}
            if not isinstance(meta, dict):
                raise ValueError("front matter is not a mapping")
            return meta, text[end + 5 :]
    return {}, text


def first_heading(body: str) -> str | None:
    """The text of the first ``# `` heading, if any."""
    for line in body.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return None


def load_file(path: Path, doc_id: str) -> Document | None:
    """Read one Markdown file; None for drafts (front matter ``status: draft``)."""
    try:
        meta, body = split_front_matter(path.read_text(encoding="utf-8"))
    except (ValueError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: bad front matter: {exc}") from exc
    if meta.get("status") == "draft":
        return None
    title = str(meta.get("title") or first_heading(body) or path.stem)
    return Document(doc_id=doc_id, title=title, body=body, source=path)


def site_sources(root: Path) -> list[tuple[Path, str]]:
    """The site's posts, pages and project READMEs that exist right now (this one's excluded)."""
    found: list[tuple[Path, str]] = []
    for kind, pattern in (("post", "content/posts/*.md"), ("page", "content/pages/*.md")):
        found += [(p, f"{kind}/{p.stem}") for p in sorted(root.glob(pattern))]
    for readme in sorted(root.glob("projects/*/README.md")):
        if readme.parent.name != "rag":
            found.append((readme, f"project/{readme.parent.name}"))
    return found


def load_site_file(path: Path, doc_id: str) -> Document | None:
    """Like load_file, but a broken post (someone else's, mid-edit) is skipped with a warning."""
    try:
        return load_file(path, doc_id)
    except (ValueError, OSError) as exc:
        log.warning("skipping %s", exc)
        return None


def load_documents(corpus_dir: Path = CORPUS_DIR, site_root: Path | None = None) -> list[Document]:
    """Corpus documents, plus the site's notes when ``site_root`` is given; sorted by id.

    A broken corpus file is an error; a broken site file is skipped (the site build reports it).
    """
    docs = [d for p in sorted(corpus_dir.glob("*.md")) if (d := load_file(p, f"corpus/{p.stem}")) is not None]
    if site_root is not None:
        docs += [d for p, i in site_sources(site_root) if (d := load_site_file(p, i)) is not None]
    ids = [d.doc_id for d in docs]
    if len(set(ids)) != len(ids):
        raise ValueError("duplicate document ids")
    return sorted(docs, key=lambda d: d.doc_id)
