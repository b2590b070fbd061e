#!/usr/bin/env bash
# Builds bin/opa and bin/conftest, the Rego peer that `make bench` runs
# beside `kubectl org check` (test/peer), from the Go module proxy at the
# versions that hack/opa/go.mod pins as tools (never a downloaded binary).
# A stamp records what was built from what, so a later run is a no-op.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
mod=$root/hack/opa
bin=$root/bin

build() { # name, package, version variable
  local name=$1 pkg=$2 var=$3 version
  version=$(cd "$mod" && go list -m -f '{{.Version}}' "$pkg")
  local stamp="$name $version $(cat "$mod/go.mod" "$mod/go.sum" | sha256sum | cut -c1-16)"
  if [[ -x $bin/$name && -f $bin/.$name.stamp && $(cat "$bin/.$name.stamp") == "$stamp" ]]; then
    return
  fi
  echo "Building $name $version into $bin/$name (a few minutes on 2 cores, once)..." >&2
  mkdir -p "$bin"
  (cd "$mod" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X $var=${version#v}" -o "$bin/$name" "$pkg")
  echo "$stamp" >"$bin/.$name.stamp"
}

build opa github.com/open-policy-agent/opa github.com/open-policy-agent/opa/v1/version.Version
build conftest github.com/open-policy-agent/conftest github.com/open-policy-agent/conftest/internal/version.Version
