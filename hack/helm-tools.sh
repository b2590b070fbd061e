#!/usr/bin/env bash
# Installs what the Helm chart's tests (test/helm) use:
#   - bin/helm, built from the Go module proxy at the version that
#     hack/helm/go.mod pins (never a downloaded binary);
#   - bin/crds/cert-manager, cert-manager's CRDs, so that the chart's
#     Issuer and Certificate pass a server-side dry run.
# A stamp records what was built from what, so a later run is a no-op.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mod=$root/hack/helm
bin=$root/bin
# cert-manager's CRDs come from its Go module, checked against the Go
# checksum database like every other module.
cert_manager_version=v1.21.2

helm_version=$(cd "$mod" && go list -m -f '{{.Version}}' helm.sh/helm/v3)
stamp="helm $helm_version $(cat "$mod/go.mod" "$mod/go.sum" | sha256sum | cut -c1-16)"
if [[ ! -x $bin/helm || ! -f $bin/.helm.stamp || $(cat "$bin/.helm.stamp") != "$stamp" ]]; then
  echo "Building helm $helm_version into $bin/helm (a few minutes on 2 cores, once)..." >&2
  # As helm's own Makefile does: the version, and the Kubernetes version
  # that `helm template` and `helm lint` assume, from the client-go it uses.
  kube=$(cd "$mod" && go list -m -f '{{.Version}}' k8s.io/client-go)
  kube_minor=${kube#v0.}; kube_minor=${kube_minor%%.*}
  ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$helm_version"
  for pkg in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
    ldflags+=" -X $pkg.k8sVersionMajor=1 -X $pkg.k8sVersionMinor=$kube_minor"
  done
  (cd "$mod" && CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$bin/helm" helm.sh/helm/v3/cmd/helm)
  echo "$stamp" >"$bin/.helm.stamp"
fi

out=$bin/crds/cert-manager
if [[ ! -f $out/.stamp || $(cat "$out/.stamp") != "$cert_manager_version" ]]; then
  echo "Writing cert-manager $cert_manager_version's CRDs into $out..." >&2
  src=$(cd "$mod" && go mod download -json "github.com/cert-manager/cert-manager@$cert_manager_version" |
    sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  # deploy/crds holds plain copies that its README calls reference only;
  # cert-manager installs its CRDs from Helm templates in its chart, so
  # render those, as `helm install --set crds.enabled=true` would.
  chart=$src/deploy/charts/cert-manager
  args=()
  for f in "$chart"/templates/crd-*.yaml; do args+=(--show-only "templates/${f##*/}"); done
  rm -rf "$out"
  mkdir -p "$out"
  "$bin/helm" template cert-manager "$chart" --set crds.enabled=true "${args[@]}" >"$out/crds.yaml"
  echo "$cert_manager_version" >"$out/.stamp"
fi
