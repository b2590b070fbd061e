#!/usr/bin/env bash
# Packages the Helm chart for a release:
#   hack/helm-package.sh OUT vX.Y.Z IMAGE [sha256:DIGEST]
# writes OUT/orgplane-X.Y.Z.tgz: chart version X.Y.Z, appVersion vX.Y.Z (the
# default image tag), image.repository from IMAGE (registry/name[:tag]) and,
# with a DIGEST (as `make image` writes it to bin/orgplane-image.digest), the
# image pinned by digest as in install.yaml. The chart in git keeps its
# development values (version 0.0.0-dev, appVersion v0.0.0-dev).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
usage="usage: $0 OUT vX.Y.Z IMAGE [sha256:DIGEST]"
out=${1:?$usage} version=${2:?$usage} image=${3:?$usage} digest=${4:-}
if [[ ! $version =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
  echo "helm-package: the version must be vX.Y.Z, not $version" >&2
  exit 2
fi
repository=${image%@*}
[[ ${repository##*/} == *:* ]] && repository=${repository%:*}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$root/charts/orgplane" "$tmp/"
values=$tmp/orgplane/values.yaml
# Edit the two lines in place, so that values.yaml keeps its comments; the
# greps fail loudly if values.yaml no longer has them.
sed -i "s|^  repository: .*|  repository: $repository|; s|^  digest: \"\"$|  digest: \"$digest\"|" "$values"
grep -q "^  repository: $repository$" "$values"
grep -q "^  digest: \"$digest\"$" "$values"
# Helm installs crds/ as they are, unrendered: label them with the version
# here, as install.yaml's are, for `kubectl org version --cluster`.
for crd in "$tmp"/orgplane/crds/*.yaml; do
  sed -i "0,/^metadata:\$/s||metadata:\n  labels:\n    app.kubernetes.io/version: $version\n    orgplane.io/version: $version|" "$crd"
  grep -q "^    orgplane.io/version: $version$" "$crd"
done
"$root/bin/helm" lint --strict "$tmp/orgplane" >/dev/null
mkdir -p "$out"
"$root/bin/helm" package "$tmp/orgplane" --version "${version#v}" --app-version "$version" -d "$out"
