#!/usr/bin/env bash
# The CommonMark spec examples, for tests/test_block_dispatch.py: taken from the sdist of the
# installed markdown-it-py release (its tests/test_cmark_spec/commonmark.json), at install time
# from PyPI, into .venv/share/commonmark-spec/. Tests never reach the network.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=.venv/share/commonmark-spec
version=$(.venv/bin/python -c 'import importlib.metadata as m; print(m.version("markdown-it-py"))')
if [ -f "$dest/commonmark.json" ] && [ "$(cat "$dest/version" 2>/dev/null)" = "$version" ]; then
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! .venv/bin/python -m pip download --quiet --no-deps --no-binary :all: "markdown-it-py==$version" -d "$tmp" 2>/dev/null; then
  echo "WARNING: could not fetch the markdown-it-py $version sdist; the CommonMark spec test will be skipped" >&2
  exit 0
fi
mkdir -p "$dest"
tar -xzf "$tmp"/markdown_it_py-*.tar.gz -C "$tmp" --wildcards '*/tests/test_cmark_spec/commonmark.json'
cp "$tmp"/markdown_it_py-*/tests/test_cmark_spec/commonmark.json "$dest/commonmark.json"
echo "$version" > "$dest/version"
