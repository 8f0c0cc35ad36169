#!/usr/bin/env bash
# What the build's pictures need beyond PyPI, installed only where missing:
#   graphviz (`dot`) for ```dot diagrams; plantuml and a Java runtime for ```sequence diagrams.
# As root with apt-get they are installed; otherwise a WARNING names them and the build reports
# the diagrams that need them. Called by `make install` and tests/setup_system.sh.
set -euo pipefail
need=()
command -v dot >/dev/null || need+=(graphviz)
command -v plantuml >/dev/null || need+=(plantuml)
command -v java >/dev/null || need+=(default-jre-headless)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing ${need[*]} with apt-get (diagram renderers)" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  echo "WARNING: missing ${need[*]}; diagrams that need them will fail to build." \
       "Install them as root: apt-get install ${need[*]}" >&2
fi
