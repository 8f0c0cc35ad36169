#!/usr/bin/env bash
# What the test suite needs beyond Python packages, installed only where missing:
#   Debian packages (as root): Java for the Nu HTML Checker, Chromium for the browser tests,
#     the Noto colour emoji font (the ⏱ glyph in screenshots), Node.js + npm for the npm tools;
#   npm packages (package.json / package-lock.json, into node_modules/): axe-core, vnu-jar, lighthouse;
#   the diagram renderers, through tools/setup_renderers.sh.
# Without root or apt the missing pieces are named; the tests that need them then skip, except
# under CI=true, where they fail.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v java >/dev/null || need+=(default-jre-headless)
command -v chromium >/dev/null || need+=(chromium)
command -v npm >/dev/null || need+=(nodejs npm)
dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 || need+=(fonts-noto-color-emoji)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing ${need[*]} with apt-get" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "WARNING: missing ${need[*]}; tests that need them will be skipped (or fail under CI=true)" >&2
  fi
fi
# The build's own renderers (graphviz, plantuml), as `make install` installs them.
bash tools/setup_renderers.sh
# npm tools: reinstall when package-lock.json changed since the last install. --ignore-scripts:
# vnu-jar's postinstall would fetch a Java runtime; the system Java runs its bundled vnu.jar.
if command -v npm >/dev/null; then
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "installing npm test tools (axe-core, vnu-jar, lighthouse) into node_modules/" >&2
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
  fi
fi
