"""Persisting an index: ``vectors.npy`` plus ``manifest.json``.

The manifest names the model, the chunking settings and, per row, the chunk id
and the sha256 of the text that was embedded. Loading re-chunks the current
documents and compares: if any id or hash differs the stored vectors no longer
describe the corpus and the caller must rebuild. ``index_hash`` covers the
manifest and the vector bytes, so two builds of the same corpus on the same
machine give the same hash.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path

import numpy as np

from .chunking import Chunk, ChunkConfig

FORMAT = 1


def canonical(obj: object) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode("utf-8")


def corpus_hash(model_id: str, cfg: ChunkConfig, chunks: list[Chunk]) -> str:
    """Hash of what was embedded (model, chunking, ids, texts), independent of float bits."""
    rows = [[c.chunk_id, c.text_hash] for c in chunks]
    return hashlib.sha256(canonical([model_id, asdict(cfg), rows])).hexdigest()


def make_manifest(model_id: str, cfg: ChunkConfig, chunks: list[Chunk], vectors: np.ndarray) -> dict:
    """The manifest for ``chunks`` embedded as ``vectors`` (row i = chunk i)."""
    if len(chunks) != len(vectors):
        raise ValueError(f"{len(chunks)} chunks but {len(vectors)} vectors")
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    manifest = {
        "format": FORMAT,
        "model_id": model_id,
        "dim": int(vectors.shape[1]),
        "chunking": asdict(cfg),
        "chunks": [{"id": c.chunk_id, "sha256": c.text_hash} for c in chunks],
        "corpus_hash": corpus_hash(model_id, cfg, chunks),
        "vectors_sha256": hashlib.sha256(vectors.tobytes()).hexdigest(),
    }
    manifest["index_hash"] = hashlib.sha256(canonical(manifest)).hexdigest()
    return manifest


def save(directory: Path, manifest: dict, vectors: np.ndarray) -> None:
    """Write both files; the manifest last, so a half-written index never looks valid."""
    directory.mkdir(parents=True, exist_ok=True)
    np.save(directory / "vectors.npy", np.ascontiguousarray(vectors, dtype=np.float32), allow_pickle=False)
    tmp = directory / "manifest.json.tmp"
    tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(directory / "manifest.json")


def load(directory: Path) -> tuple[dict, np.ndarray]:
    """Read an index; raises ValueError if the vectors do not match the manifest."""
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    vectors = np.load(directory / "vectors.npy", allow_pickle=False)
    if hashlib.sha256(np.ascontiguousarray(vectors).tobytes()).hexdigest() != manifest["vectors_sha256"]:
        raise ValueError(f"{directory}/vectors.npy does not match its manifest")
    return manifest, vectors


def stale_reason(manifest: dict, model_id: str, cfg: ChunkConfig, chunks: list[Chunk]) -> str | None:
    """Why a stored index does not describe these chunks, or None if it does."""
    if manifest.get("format") != FORMAT:
        return f"format {manifest.get('format')} != {FORMAT}"
    if manifest["model_id"] != model_id:
        return f"model {manifest['model_id']} != {model_id}"
    if manifest["chunking"] != asdict(cfg):
        return "chunking settings changed"
    stored = {c["id"]: c["sha256"] for c in manifest["chunks"]}
    current = {c.chunk_id: c.text_hash for c in chunks}
    changed = sorted(k for k in stored.keys() | current.keys() if stored.get(k) != current.get(k))
    if changed:
        return f"{len(changed)} chunks differ (first: {changed[0]})"
    if [c["id"] for c in manifest["chunks"]] != [c.chunk_id for c in chunks]:
        return "chunk order changed"
    return None
