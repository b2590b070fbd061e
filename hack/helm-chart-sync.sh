#!/usr/bin/env bash
# Copies into the Helm chart (charts/orgplane) what it takes from config/, so
# that the chart and install.yaml cannot drift: `make manifests` runs it and
# `make verify-generated` fails when a copy is stale.
#   - crds/: the CRDs of config/crd/bases, which Helm installs as they are;
#   - files/config/<path>: the objects the templates render from
#     config/<path> (RBAC, the namespaced RBAC of watchNamespaces, metrics
#     and webhook Services, the webhook configuration, the monitoring pack),
#     changing only names, namespaces and labels.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
chart=$root/charts/orgplane

rm -rf "$chart/crds" "$chart/files/config"
mkdir -p "$chart/crds"
cp "$root"/config/crd/bases/*.yaml "$chart/crds/"

cd "$root"
for f in config/rbac/*.yaml config/namespaced/roles.yaml config/default/metrics_service.yaml \
  config/webhook/manifests.yaml config/webhook/service.yaml \
  config/prometheus/*.yaml config/prometheus/dashboards/*.json; do
  [[ ${f##*/} == kustomization.yaml ]] && continue
  mkdir -p "$chart/files/${f%/*}"
  cp "$f" "$chart/files/$f"
done
