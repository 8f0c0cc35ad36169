"""Heading-aware chunking with overlap, sized in the embedding model's own word pieces.

A document is cut at its headings first, so a chunk never mixes two sections;
each chunk is prefixed with its heading path ("Title > Section > Subsection") so
the vector and BM25 both see the context a reader sees. Inside a section,
paragraphs, list items and code blocks are packed greedily up to ``budget``
tokens; the next chunk of the same section starts with the last ``overlap``
tokens' worth of units from the previous one. Over-long units are split at
sentence, then word, boundaries. Every chunk, prefix included, stays within
the model window (checked).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Callable, Iterator

from .documents import Document

TokenCounter = Callable[[str], int]
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9`\"'(])")


@dataclass(frozen=True, slots=True)
class Chunk:
    """A retrievable passage."""

    chunk_id: str
    """``<doc_id>#<n>``, n counted from 0 in document order."""
    doc_id: str
    heading: str
    """Heading path, e.g. ``Rotating an IAM access key > Steps``."""
    text: str
    """What gets embedded and indexed: heading path, newline, body."""

    @property
    def text_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class ChunkConfig:
    budget: int = 200
    """Target tokens per chunk, [CLS]/[SEP] and heading prefix included."""
    overlap: int = 40
    """Tokens of trailing units repeated at the start of the next chunk in a section."""
    window: int = 256
    """Hard limit: the embedding model's window."""


def sections(doc: Document) -> Iterator[tuple[str, list[str]]]:
    """Yield (heading path, blocks) per section; headings inside code fences are text."""
    path: list[tuple[int, str]] = []
    blocks: list[str] = []
    current: list[str] = []
    fenced = False

    def flush_block() -> None:
        if current and "".join(current).strip():
            blocks.append("\n".join(current).strip())
        current.clear()

    def heading_path() -> str:
        titles = [t for _, t in path]
        if not titles or titles[0] != doc.title:
            titles.insert(0, doc.title)
        return " > ".join(titles)

    for line in doc.body.splitlines():
        if line.lstrip().startswith("```"):
            if not fenced:
                flush_block()
            current.append(line)
            fenced = not fenced
            if not fenced:
                flush_block()
            continue
        match = None if fenced else HEADING.match(line)
        if match:
            flush_block()
            if blocks:
                yield heading_path(), blocks
            blocks = []
            level = len(match.group(1))
            path = [(lv, t) for lv, t in path if lv < level] + [(level, match.group(2))]
        elif not fenced and (not line.strip() or re.match(r"^\s*([-*+]|\d+\.)\s", line)):
            flush_block()
            if line.strip():
                current.append(line)
        else:
            current.append(line)
    flush_block()
    if blocks:
        yield heading_path(), blocks


def split_unit(text: str, limit: int, count: TokenCounter) -> list[str]:
    """Split one block into pieces of at most ``limit`` tokens: sentences first, then words."""
    if count(text) - 2 <= limit:
        return [text]
    sentences = SENTENCE_END.split(text)
    if len(sentences) > 1:
        return [p for s in sentences for p in split_unit(s, limit, count)]
    pieces: list[str] = []
    words: list[str] = []
    for word in text.split(" "):
        if words and count(" ".join(words + [word])) - 2 > limit:
            pieces.append(" ".join(words))
            words = []
        words.append(word)
    pieces.append(" ".join(words))
    return pieces


def chunk_document(doc: Document, count: TokenCounter, cfg: ChunkConfig = ChunkConfig()) -> list[Chunk]:
    """Cut one document into chunks (see module docstring)."""
    chunks: list[Chunk] = []
    for heading, blocks in sections(doc):
        room = cfg.budget - count(heading)  # count() includes [CLS]/[SEP]; the newline adds none
        if room < cfg.overlap * 2:
            raise ValueError(f"{doc.source}: heading path too long to leave room for text: {heading!r}")
        units = [(u, count(u) - 2) for b in blocks for u in split_unit(b, room, count)]
        window: list[tuple[str, int]] = []
        for unit in units:
            if window and sum(n for _, n in window) + unit[1] > room:
                chunks.append(make_chunk(doc, len(chunks), heading, window))
                window = overlap_tail(window, cfg.overlap, room - unit[1])
            window.append(unit)
        if window:  # its last unit has not been emitted yet
            chunks.append(make_chunk(doc, len(chunks), heading, window))
    for chunk in chunks:
        if count(chunk.text) > cfg.window:
            raise AssertionError(f"{chunk.chunk_id}: {count(chunk.text)} tokens exceeds the {cfg.window}-token window")
    return chunks


def overlap_tail(window: list[tuple[str, int]], overlap: int, room: int) -> list[tuple[str, int]]:
    """The trailing units of ``window`` worth at most ``overlap`` tokens that still fit ``room``."""
    tail: list[tuple[str, int]] = []
    for unit in reversed(window):
        if sum(n for _, n in tail) + unit[1] > min(overlap, room):
            break
        tail.insert(0, unit)
    return tail


def make_chunk(doc: Document, n: int, heading: str, units: list[tuple[str, int]]) -> Chunk:
    body = "\n".join(u for u, _ in units)
    return Chunk(chunk_id=f"{doc.doc_id}#{n}", doc_id=doc.doc_id, heading=heading, text=f"{heading}\n{body}")


def chunk_all(docs: list[Document], count: TokenCounter, cfg: ChunkConfig = ChunkConfig()) -> list[Chunk]:
    """Chunks of every document, in document order."""
    return [c for d in docs for c in chunk_document(d, count, cfg)]
