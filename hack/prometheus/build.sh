#!/usr/bin/env bash
# Builds promtool (github.com/prometheus/prometheus/cmd/promtool, the Go tool
# that hack/prometheus/go.mod pins) and promqlcheck (hack/prometheus/promqlcheck,
# on the same PromQL parser) into $1 (default bin/). Their own module, because
# Prometheus's dependencies would otherwise lift orgplane's. A stamp of what
# they were built from makes a later run with the binaries present a no-op.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
mod=$root/hack/prometheus
out=${1:-$root/bin}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# promtool only reads rule files: the remove_all_sd tag (Prometheus's
# plugins.yml build tags) leaves out the service discovery SDKs (AWS, Azure,
# GCE, ...), which are most of its dependencies.
tags=remove_all_sd
version=$(cd "$mod" && go list -m -f '{{.Version}}' github.com/prometheus/prometheus)
stamp="promtool $version tags=$tags $(cat "$0" "$mod/go.mod" "$mod/go.sum" "$mod"/promqlcheck/*.go | sha256sum | cut -c1-16)"
if [[ -x $out/promtool && -x $out/promqlcheck && -f $out/.prometheus-stamp && $(cat "$out/.prometheus-stamp") == "$stamp" ]]; then
  exit 0
fi

echo "Building promtool $version and promqlcheck into $out (about 3 minutes on 2 cores, once)..." >&2
(cd "$mod" && CGO_ENABLED=0 go build -trimpath -tags "$tags" \
  -ldflags "-s -w -X github.com/prometheus/common/version.Version=$version" \
  -o "$out/promtool" github.com/prometheus/prometheus/cmd/promtool)
(cd "$mod" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$out/promqlcheck" ./promqlcheck)
echo "$stamp" >"$out/.prometheus-stamp"
