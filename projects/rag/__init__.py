"""Retrieval-augmented answers over runbooks and the site's notes, built without frameworks.

Stages, each its own module: documents -> chunking -> embedder -> vectors/bm25
(indexes) -> retriever (hybrid + MMR) -> answer. cli.py wires them to the
``index``, ``ask``, ``eval`` and ``serve`` commands.
"""
