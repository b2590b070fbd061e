# Shared by hack/run.sh and hack/demo.sh; source it.

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
started_cluster=

# use_cluster points kubectl at the current kubeconfig's cluster when it
# answers, else at the embedded local control plane, which it starts (and
# remembers to stop) when it is not running yet.
use_cluster() {
  if kubectl version --request-timeout=5s >/dev/null 2>&1; then
    echo "Using the cluster of the current kubeconfig (context $(kubectl config current-context))."
    return
  fi
  echo "No cluster answers at the current kubeconfig: using the embedded local control plane."
  if [[ ! -f $root/bin/local/pid ]] || ! kill -0 "$(cat "$root/bin/local/pid")" 2>/dev/null; then
    started_cluster=1
  fi
  "$root/hack/cluster.sh" up
  export KUBECONFIG=$root/bin/local/kubeconfig
}

# stop_cluster stops the local control plane if use_cluster started it.
stop_cluster() {
  if [[ -n $started_cluster ]]; then
    "$root/hack/cluster.sh" down
  fi
}

install_crds() {
  kubectl apply --server-side --force-conflicts -k "$root/config/crd" >/dev/null
  kubectl wait --for=condition=Established --timeout=60s -f "$root/config/crd/bases" >/dev/null
}
