#!/usr/bin/env bash
# Writes a release into dist/ (make release VERSION=vX.Y.Z):
#   orgplane-image-<version>.tar  the manager's OCI image (linux/amd64 and
#                                 linux/arm64), for air-gapped installs
#   install.yaml                  namespace, CRDs, RBAC, the manager with its
#                                 image pinned by digest, metrics Service
#   install-webhook.yaml          install.yaml plus the admission webhook,
#                                 its certificate from cert-manager
#   crds.yaml                     the orgplane CRDs alone
#   policyreport-crds.yaml        the optional wgpolicyk8s.io PolicyReport CRD
#   openreports-crds.yaml         the optional openreports.io Report CRD
#   monitoring.yaml               ServiceMonitor, PrometheusRule, dashboard
#   orgplane-<X.Y.Z>.tgz          the Helm chart
#   kubectl-org_<version>_<os>_<arch>.tar.gz|.zip, orgplane.yaml (krew
#                                 manifest) and checksums.txt: hack/release
# Every object carries the labels orgplane.io/version and
# app.kubernetes.io/version, which `kubectl org version --cluster` reads.
# The same commit and version give the same bytes, image digest included.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
usage="usage: $0 vX.Y.Z [IMAGE-REPOSITORY] [DIST]"
version=${1:?$usage} repo=${2:-ghcr.io/orgplane/orgplane} dist=${3:-dist}
if [[ ! $version =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
  echo "release: VERSION must be vX.Y.Z (semantic versioning with a v), not $version" >&2
  exit 2
fi
revision=$(git rev-parse HEAD)
epoch=$(git log -1 --format=%ct)
if [[ -n $(git status --porcelain --untracked-files=no) ]]; then
  echo "release: warning: the work tree has uncommitted changes; the binaries say revision $revision all the same" >&2
fi

rm -rf "$dist"
mkdir -p "$dist"
dist=$(cd "$dist" && pwd)

echo "release: building the image $repo:$version..." >&2
image=$dist/orgplane-image-$version.tar
digest=$(go run ./hack/image build --image="$repo:$version" --version="$version" --revision="$revision" \
  --epoch="$epoch" --out="$image")
rm -f "${image%.tar}.digest"

# One kustomization per manifest, over the repository's own, adding the
# version labels and pinning the image by digest.
work=$root/bin/release
rm -rf "$work"
render() { # render OUTPUT CONFIG-DIR
  local dir=$work/${1%.yaml}
  mkdir -p "$dir"
  cat >"$dir/kustomization.yaml" <<EOF
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- ../../../$2
labels:
- pairs:
    orgplane.io/version: $version
    app.kubernetes.io/version: $version
images:
- name: ghcr.io/orgplane/orgplane
  newName: $repo
  newTag: $version
  digest: $digest
EOF
  kubectl kustomize "$dir" >"$dist/$1"
}
render install.yaml config/default
render install-webhook.yaml config/webhook-certmanager
render crds.yaml config/crd
render policyreport-crds.yaml config/policyreport
render openreports-crds.yaml config/openreports
render monitoring.yaml config/prometheus
# Every manifest that runs the manager names exactly the image just built.
for f in install.yaml install-webhook.yaml; do
  grep -q "image: $repo:$version@$digest" "$dist/$f" || { echo "release: $f does not pin $repo@$digest" >&2; exit 1; }
done

hack/helm-package.sh "$dist" "$version" "$repo:$version" "$digest"

go run ./hack/release --version="$version" --revision="$revision" --epoch="$epoch" --dist="$dist"
echo "release: $version in $dist (image $repo:$version@$digest)" >&2
