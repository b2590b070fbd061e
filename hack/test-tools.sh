#!/usr/bin/env bash
# Installs what the tests use beyond Go, so that each output format of the
# kubectl plugin is checked by its own ecosystem's parser:
#   - Graphviz's dot (-o svg), from Debian's packages when run as root;
#   - the official Mermaid parser (-o mermaid): the packages locked in
#     hack/mermaid/package-lock.json, installed into bin/mermaid for
#     hack/mermaid/parse.mjs;
#   - Backstage's own catalog validators (-o backstage of export): the
#     packages locked in hack/backstage/package-lock.json, installed into
#     bin/backstage for hack/backstage/validate.mjs.
# Idempotent and quiet once done. A tool it cannot install is reported in one
# line: the tests that need it skip, except under CI (CI non-empty), where
# they fail.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

# Graphviz.
if ! command -v dot >/dev/null; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "Installing Graphviz (dot) with apt-get..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq graphviz >/dev/null
  else
    echo "test-tools: Graphviz's dot is missing, so the SVG test will skip (and fail under CI): install it (Debian and Ubuntu: sudo apt-get install graphviz; macOS: brew install graphviz)." >&2
  fi
fi

# install_locked NAME PACKAGE WHAT installs the npm packages locked in
# hack/NAME/package-lock.json into bin/NAME (once per lock), checking that
# PACKAGE is there; WHAT names them in messages.
install_locked() {
  local name=$1 package=$2 what=$3
  local src=$root/hack/$name out=$root/bin/$name
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "test-tools: node and npm are missing, so the tests that run $what will skip (and fail under CI): install Node.js 20.19 or later with npm, then run make test-tools." >&2
    return
  fi
  local stamp
  stamp=$(cat "$src/package.json" "$src/package-lock.json" | sha256sum | cut -c1-16)
  if [[ ! -f $out/.stamp || $(cat "$out/.stamp") != "$stamp" || ! -d $out/node_modules/$package ]]; then
    echo "Installing $what ($src/package-lock.json) into $out..." >&2
    rm -rf "$out"
    mkdir -p "$out"
    cp "$src/package.json" "$src/package-lock.json" "$out/"
    (cd "$out" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null)
    echo "$stamp" >"$out/.stamp"
  fi
}

install_locked mermaid mermaid "the Mermaid parser"
install_locked backstage @backstage/catalog-model "Backstage's catalog validators"
