#!/usr/bin/env bash
# Builds kube-apiserver and etcd from the Go module proxy at the versions that
# hack/controlplane/{kube-apiserver,etcd}/go.mod pin, into $1 (default bin/k8s), the folder to pass
# as KUBEBUILDER_ASSETS. A stamp file records what was built from which go.mod,
# so a later run with the binaries present is a no-op.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/bin/k8s}
mod=$root/hack/controlplane
mkdir -p "$out"
out=$(cd "$out" && pwd)

kube_version=$(cd "$mod/kube-apiserver" && go list -m -f '{{.Version}}' k8s.io/kubernetes)
etcd_version=$(cd "$mod/etcd" && go list -m -f '{{.Version}}' go.etcd.io/etcd/server/v3)
stamp="kube-apiserver $kube_version etcd $etcd_version $(cat "$mod"/*/go.mod "$mod"/*/go.sum | sha256sum | cut -c1-16)"
if [[ -x $out/kube-apiserver && -x $out/etcd && -f $out/.stamp && $(cat "$out/.stamp") == "$stamp" ]]; then
  exit 0
fi

echo "Building kube-apiserver $kube_version and etcd $etcd_version into $out (about 5 minutes on 2 cores, once)..." >&2
minor=${kube_version#v*.}; minor=${minor%%.*}
major=${kube_version#v}; major=${major%%.*}
pkg=k8s.io/component-base/version
ldflags="-s -w -X $pkg.gitVersion=$kube_version -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor \
 -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
(cd "$mod/kube-apiserver" && CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$out/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver)
(cd "$mod/etcd" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$out/etcd" go.etcd.io/etcd/server/v3)
echo "$stamp" > "$out/.stamp"
