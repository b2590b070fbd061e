#!/usr/bin/env bash
# Copies the prometheus-operator CRDs that the monitoring pack uses
# (ServiceMonitor, PrometheusRule) into $1 (default bin/crds/monitoring), from
# the prometheus-operator Go module at the version pinned here, fetched from
# the Go module proxy and checked against the checksum database. The tests
# install them into envtest to dry-run config/prometheus (and the Helm chart's
# monitoring templates) against the real apiserver.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/bin/crds/monitoring}
version=v0.85.0
files=(monitoring.coreos.com_servicemonitors.yaml monitoring.coreos.com_prometheusrules.yaml)

if [[ -f $out/.version && $(cat "$out/.version") == "$version" ]]; then
  exit 0
fi
# Outside any module, so that nothing here lands in a go.mod.
dir=$(cd / && go mod download -json "github.com/prometheus-operator/prometheus-operator@$version" |
  sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[[ -n $dir ]] || { echo "crds.sh: could not download prometheus-operator $version" >&2; exit 1; }
mkdir -p "$out"
for f in "${files[@]}"; do
  install -m 0644 "$dir/example/prometheus-operator-crd/$f" "$out/$f"
done
echo "$version" >"$out/.version"
