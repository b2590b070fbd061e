#!/usr/bin/env bash
# Builds golangci-lint (the Go tool that hack/golangci-lint/go.mod pins) into
# $1 (default bin/), from the Go module proxy: never a downloaded binary. Its
# own module, because golangci-lint's dependencies would otherwise lift
# orgplane's. A stamp of what it was built from makes a later run with the
# binary present a no-op.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
mod=$root/hack/golangci-lint
out=${1:-$root/bin}
mkdir -p "$out"
out=$(cd "$out" && pwd)

pkg=github.com/golangci/golangci-lint/v2
version=$(cd "$mod" && go list -m -f '{{.Version}}' "$pkg")
stamp="golangci-lint $version $(cat "$0" "$mod/go.mod" "$mod/go.sum" | sha256sum | cut -c1-16)"
if [[ -x $out/golangci-lint && -f $out/.golangci-lint-stamp && $(cat "$out/.golangci-lint-stamp") == "$stamp" ]]; then
  exit 0
fi

echo "Building golangci-lint $version into $out (about 4 minutes on 2 cores, once)..." >&2
# As its release build does: the version it prints (`golangci-lint version`)
# comes from these variables, not from the module that requires it.
(cd "$mod" && CGO_ENABLED=0 go build -trimpath \
  -ldflags "-s -w -X main.version=${version#v} -X main.commit=module-proxy -X main.date=unknown" \
  -o "$out/golangci-lint" "$pkg/cmd/golangci-lint")
echo "$stamp" >"$out/.golangci-lint-stamp"
