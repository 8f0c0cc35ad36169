"""Command line: ``index``, ``ask``, ``eval`` and ``serve``. The only module that prints or exits."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path

from . import checks, graph, store
from .answer import answer
from .checks import CheckFailed
from .chunking import chunk_all
from .documents import REPO_ROOT, load_documents
from .embedder import MODEL_ID, OnnxEmbedder
from .evaluate import ann_overlap, evaluate, load_questions, nprobe_rows
from .remote import ChatClient, HttpEmbedder, RemoteError
from .retriever import METHODS, Retriever, build, load_fresh, open_index
from .server import make_server, start_background

HERE = Path(__file__).parent
COMMITTED_INDEX = HERE / "index"
SITE_INDEX = HERE / "index-site"
log = logging.getLogger("rag")


def scope(args: argparse.Namespace) -> tuple[list, Path]:
    """Documents and index directory for --corpus-only / the default (corpus + site notes)."""
    docs = load_documents(site_root=None if args.corpus_only else REPO_ROOT)
    return docs, args.index or (COMMITTED_INDEX if args.corpus_only else SITE_INDEX)


def cmd_index(args: argparse.Namespace) -> dict:
    docs, directory = scope(args)
    retriever, seconds = build(docs, OnnxEmbedder())
    store.save(directory, retriever.manifest, retriever.vectors)
    return {
        "directory": str(directory), "documents": len(docs), "chunks": len(retriever.chunks),
        "embed_seconds": round(seconds, 2), "corpus_hash": retriever.manifest["corpus_hash"],
        "index_hash": retriever.manifest["index_hash"],
    }


def cmd_ask(args: argparse.Namespace) -> dict:
    docs, directory = scope(args)
    retriever = open_index(directory, docs, OnnxEmbedder())
    if args.embed_url:
        retriever.embedder = HttpEmbedder(args.embed_url, MODEL_ID, os.environ.get("RAG_API_KEY"))
    if args.method:
        rows = retriever.search(args.method, args.question, args.k)
        return {"question": args.question, "method": args.method,
                "results": [{"chunk": retriever.chunks[i].chunk_id, "heading": retriever.chunks[i].heading} for i in rows]}
    chat_url = args.chat_url or os.environ.get("RAG_CHAT_URL")
    chat = ChatClient(chat_url, args.chat_model or os.environ.get("RAG_CHAT_MODEL", "default"),
                      os.environ.get("RAG_API_KEY")) if chat_url else None
    result = answer(retriever, args.question, args.k, chat)
    out = {"question": args.question, "mode": result.mode, "answer": result.text,
           "passages": [c.chunk_id for c in result.passages]}
    if args.show_prompt:
        out["prompt"] = result.prompt
    return out


def cmd_eval(args: argparse.Namespace) -> dict:
    """Build the corpus index from scratch, check it, and score every method on the labelled set."""
    embedder = OnnxEmbedder()
    docs = load_documents()
    retriever, seconds = build(docs, embedder)
    tokens = sum(embedder.count_tokens(c.text) for c in retriever.chunks)
    questions = load_questions()
    t0 = time.perf_counter()
    qvecs = embedder.embed([q.text for q in questions])
    query_ms = (time.perf_counter() - t0) * 1000 / len(questions)

    report: dict = {"queries": len(questions), "documents": len(docs), "chunks": len(retriever.chunks)}
    report.update(evaluate(retriever, questions, qvecs))
    report["best_method"] = max(("bm25", "dense", "hybrid"), key=lambda m: (report[m]["mrr"], report[m]["recall@5"]))
    ann = ann_overlap(retriever, qvecs)
    report["ann_recall"] = ann["recall@10"]
    report["ann_index"] = ann
    report["ann_recall_by_nprobe"] = nprobe_rows(ann)
    report["embed_per_s"] = round(len(retriever.chunks) / seconds, 1)
    report["embed_tokens_per_s"] = round(tokens / seconds)
    report["query_embed_ms"] = round(query_ms, 1)
    report["index"] = checks.matches_committed(retriever, COMMITTED_INDEX)
    report["http_max_abs_diff"] = http_cross_check(embedder, [q.text for q in questions[:8]], qvecs[:8])
    report["checks"] = run_checks(retriever, embedder, questions, qvecs)
    return report


def http_cross_check(embedder: OnnxEmbedder, texts: list[str], local) -> float:
    """Embed through the real HTTP server and client; must equal the in-process vectors."""
    server, url = start_background(embedder)
    try:
        remote = HttpEmbedder(url, MODEL_ID, encoding_format="base64").embed(texts)
    finally:
        server.shutdown()
        server.server_close()
    diff = float(abs(remote - local).max())
    checks.require(diff < 1e-6, f"HTTP embeddings differ from local ones by {diff}")
    return diff


def run_checks(retriever: Retriever, embedder: OnnxEmbedder, questions, qvecs) -> dict:
    texts = [q.text for q in questions]
    checks.hybrid_is_fusion(retriever, texts[0], qvecs[0])
    return {
        "max_norm_error": checks.unit_vectors(retriever),
        "longest_chunk_tokens": checks.chunk_window(retriever, embedder.count_tokens),
        "exact_vs_full_sort": checks.exact_is_exact(retriever, qvecs),
        "ivf_full_probe_equals_exact": checks.ivf_full_probe(retriever, qvecs),
        "bm25_equals_rank_bm25": checks.bm25_matches_reference(retriever, texts),
    }


def graph_dot() -> str:
    """The pipeline over the corpus, as eval builds it: the committed index if it is fresh, else
    built in memory (never written, so drawing the picture changes no file)."""
    embedder = OnnxEmbedder()
    docs = load_documents()
    chunks = chunk_all(docs, embedder.count_tokens)
    retriever = load_fresh(COMMITTED_INDEX, chunks, embedder) or build(docs, embedder)[0]
    return graph.dot(retriever, questions=len(load_questions()))


def cmd_serve(args: argparse.Namespace) -> dict:
    server = make_server(OnnxEmbedder(), args.host, args.port)
    print(f"serving {MODEL_ID} on http://{args.host}:{server.server_address[1]}/v1/embeddings (Ctrl-C stops)",
          file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return {}


def print_human(command: str, out: dict) -> None:
    if command == "eval":
        print(f"{out['queries']} questions over {out['documents']} documents ({out['chunks']} chunks)")
        print(f"{'method':8} {'R@1':>6} {'R@3':>6} {'R@5':>6} {'R@10':>6} {'MRR':>6}")
        for m in ("bm25", "dense", "ann", "hybrid"):
            r = out[m]
            print(f"{m:8} {r['recall@1']:6.3f} {r['recall@3']:6.3f} {r['recall@5']:6.3f} {r['recall@10']:6.3f} {r['mrr']:6.3f}")
        print("MRR by question kind:", json.dumps(out["mrr_by_kind"]))
        print(f"IVF recall@10 vs exact {out['ann_recall']:.3f}, scanning {out['ann_index']['scanned']:.0%} of rows")
        print(f"embedding: {out['embed_per_s']} chunks/s, {out['embed_tokens_per_s']} tokens/s; "
              f"query {out['query_embed_ms']} ms; all checks passed")
    elif command == "ask" and "answer" in out:
        print(out["answer"])
        if "prompt" in out:
            print("\n--- prompt ---\n" + out["prompt"])
    elif command == "ask":
        for r in out["results"]:
            print(f"{r['chunk']:45} {r['heading']}")
    else:
        for key, value in out.items():
            print(f"{key}: {value}")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m projects.rag",
        description="Retrieval-augmented answers over runbooks and the site's notes: all-MiniLM-L6-v2 "
                    "embeddings on ONNX Runtime, hand-written exact/IVF vector indexes, BM25, RRF and MMR.",
        epilog="examples: eval --json | ask \"how do I replay the SAGA DLQ?\" | ask CSPM-CT-001 --method bm25 "
               "| serve --port 8089")
    p.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    p.add_argument("--graph", action="store_true",
                   help="print the retrieval pipeline as a Graphviz digraph, read from the objects it is built of")
    sub = p.add_subparsers(dest="command")

    def scoped(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--corpus-only", action="store_true",
                        help="only projects/rag/corpus (default: also content/posts, content/pages, projects/*/README.md)")
        sp.add_argument("--index", type=Path, help="index directory (default: projects/rag/index or index-site)")
        sp.add_argument("--json", action="store_true", help="print one JSON object")

    sp = sub.add_parser("index", help="chunk and embed the documents, write vectors.npy + manifest.json")
    scoped(sp)
    sp = sub.add_parser("ask", help="answer a question from the index (rebuilt first if stale)")
    sp.add_argument("question", help="in your own words, or an exact error code, rule id or API name")
    sp.add_argument("-k", type=int, default=4, help="passages to use (default 4)")
    sp.add_argument("--method", choices=METHODS, help="only list the top-k chunks of one retrieval method")
    sp.add_argument("--chat-url", help="OpenAI-compatible base URL, e.g. http://127.0.0.1:8080/v1 (or $RAG_CHAT_URL)")
    sp.add_argument("--chat-model", help="model name for the chat endpoint (or $RAG_CHAT_MODEL)")
    sp.add_argument("--embed-url", help="embed the question through this OpenAI-compatible /v1 base URL")
    sp.add_argument("--show-prompt", action="store_true", help="also print the prompt built for the chat model")
    scoped(sp)
    sp = sub.add_parser("eval", help="score BM25, dense, IVF and hybrid on the labelled questions; verify invariants")
    sp.add_argument("--json", action="store_true", help="print one JSON object (the card's proof run)")
    sp = sub.add_parser("serve", help="serve the local model as an OpenAI-compatible /v1/embeddings endpoint")
    sp.add_argument("--host", default="127.0.0.1")
    sp.add_argument("--port", type=int, default=8089)
    return p


COMMANDS = {"index": cmd_index, "ask": cmd_ask, "eval": cmd_eval, "serve": cmd_serve}


def main(argv: list[str] | None = None) -> int:
    p = parser()
    args = p.parse_args(argv)
    if args.command is None and not args.graph:
        p.error("choose a command (index, ask, eval, serve) or --graph")
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=sys.stderr,
                        format="%(name)s: %(message)s")
    if args.graph:
        print(graph_dot(), end="")
        return 0
    try:
        out = COMMANDS[args.command](args)
    except CheckFailed as exc:
        print(f"rag: check failed: {exc}", file=sys.stderr)
        return 1
    except (RemoteError, ValueError, FileNotFoundError) as exc:
        print(f"rag: {exc}", file=sys.stderr)
        return 2
    if args.command == "serve":
        return 0
    if getattr(args, "json", False):
        print(json.dumps(out, sort_keys=True))
    else:
        print_human(args.command, out)
    return 0
