"""Turning retrieved passages into an answer: a chat model when one is configured, else quotes.

Prompts are plain files in ``prompts/`` filled with ``string.Template``, so what is
sent to a model can be read and diffed. Offline, the answer is extractive: from each
top passage, the sentence closest to the question (by the same embeddings),
quoted verbatim with the chunk id it comes from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from string import Template

import numpy as np

from .chunking import Chunk
from .remote import ChatClient
from .retriever import Retriever

PROMPTS = Path(__file__).parent / "prompts"
SENTENCE = re.compile(r"(?<=[.!?])\s+|\n(?=\s*(?:\d+\.|[-*])\s)")


def template(name: str) -> Template:
    return Template((PROMPTS / f"{name}.txt").read_text(encoding="utf-8"))


@dataclass(frozen=True, slots=True)
class Answer:
    text: str
    passages: list[Chunk]
    prompt: str
    """The user prompt that was (or would have been) sent to the chat model."""
    mode: str
    """``chat`` or ``extractive``."""


def body_of(chunk: Chunk) -> str:
    return chunk.text.split("\n", 1)[1] if "\n" in chunk.text else chunk.text


def render_prompt(question: str, passages: list[Chunk]) -> str:
    blocks = [template("passage").substitute(chunk_id=c.chunk_id, heading=c.heading, body=body_of(c)) for c in passages]
    return template("answer").substitute(question=question, passages="\n".join(blocks))


def sentences(chunk: Chunk) -> list[str]:
    """The chunk body cut into sentences and list items, whitespace collapsed."""
    parts = (" ".join(p.split()) for p in SENTENCE.split(body_of(chunk)))
    return [p for p in parts if len(p.split()) >= 6 and not p.startswith("```")]  # short ones quote badly


def extractive(retriever: Retriever, question: str, passages: list[Chunk], quotes: int = 3) -> str:
    """One quoted sentence from each of the first ``quotes`` passages: the one nearest the question.

    Sentences are embedded with their heading path, so "Replay > ..." outranks a
    sentence that merely repeats the question's words under an unrelated heading.
    """
    picked: list[tuple[Chunk, str]] = []
    for chunk in passages:
        options = sentences(chunk)
        if not options:
            continue
        vecs = retriever.embedder.embed([question] + [f"{chunk.heading}: {s}" for s in options])
        picked.append((chunk, options[int(np.argmax(vecs[1:] @ vecs[0]))]))
        if len(picked) == quotes:
            break
    if not picked:
        return "The index has no passage that matches this question."
    lines = [f'> "{s}" [{c.chunk_id}]' for c, s in picked]
    sources = ", ".join(dict.fromkeys(c.doc_id for c in passages))
    return template("extractive").substitute(question=question, quotes="\n".join(lines), sources=sources)


def answer(retriever: Retriever, question: str, k: int = 4, chat: ChatClient | None = None) -> Answer:
    """Retrieve k diverse passages (hybrid + MMR) and answer from them."""
    passages = [retriever.chunks[i] for i in retriever.diverse(question, k)]
    prompt = render_prompt(question, passages)
    if chat is not None:
        return Answer(chat.complete(template("system").template, prompt), passages, prompt, "chat")
    return Answer(extractive(retriever, question, passages), passages, prompt, "extractive")
