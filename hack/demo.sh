#!/usr/bin/env bash
# make demo: runs the manager in the background (on the embedded control plane
# when no cluster answers), applies config/samples, waits until every object
# is reconciled, prints them, and stops everything it started.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ns=${DEMO_NAMESPACE:-orgplane-demo}
manager_pid=
cleanup() {
  [[ -n $manager_pid ]] && kill "$manager_pid" 2>/dev/null && wait "$manager_pid" 2>/dev/null
  stop_cluster
}
trap cleanup EXIT
use_cluster
install_crds

log=$root/bin/demo-manager.log
"$root/bin/manager" --metrics-bind-address=0 --health-probe-bind-address=0 >"$log" 2>&1 &
manager_pid=$!

kubectl create namespace "$ns" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
kubectl apply -n "$ns" -k "$root/config/samples"

echo "Waiting until every object is reconciled..."
# Reconciled: every object has observed its generation, and two reads a
# second apart find no status still moving (cross-object findings settle).
previous=
for _ in $(seq 120); do
  state=$(kubectl get orgplane -n "$ns" -o \
    jsonpath='{range .items[*]}{.kind}/{.metadata.name} {.metadata.generation} {.status.observedGeneration} {.metadata.resourceVersion}{"\n"}{end}')
  pending=$(awk '$2 != $3' <<<"$state")
  [[ -z $pending && $state == "$previous" ]] && break
  previous=$state
  kill -0 "$manager_pid" 2>/dev/null || { echo "The manager exited; its log:" >&2; cat "$log" >&2; exit 1; }
  sleep 1
done
if [[ -n $pending || $state != "$previous" ]]; then
  echo "Not reconciled within 2 minutes:" >&2
  echo "${pending:-statuses still changing}" >&2
  exit 1
fi
echo
kubectl get orgplane -A
