#!/usr/bin/env bash
# make run: runs the manager in the foreground against the current cluster,
# or, when none answers, against the embedded local control plane.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
trap stop_cluster EXIT
use_cluster
install_crds
echo
echo "orgplane is starting. From another shell:"
echo "  KUBECONFIG=${KUBECONFIG:-$HOME/.kube/config} kubectl get orgplane -A"
echo
"$root/bin/manager" "$@"
