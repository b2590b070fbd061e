#!/usr/bin/env bash
# Starts (up) or stops (down) the embedded local control plane: etcd and
# kube-apiserver from bin/k8s, state and kubeconfig under bin/local/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$root/bin/local
pidfile=$dir/pid

running() { [[ -f $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

case ${1:-} in
up)
  if running; then
    echo "The local control plane is already running: KUBECONFIG=$dir/kubeconfig"
    exit 0
  fi
  "$root/hack/build-controlplane.sh"
  (cd "$root" && go build -o bin/localcluster ./hack/localcluster)
  mkdir -p "$dir"
  rm -f "$dir/kubeconfig"
  nohup "$root/bin/localcluster" --dir "$dir" --assets "$root/bin/k8s" >"$dir/controlplane.log" 2>&1 &
  echo $! >"$pidfile"
  for _ in $(seq 240); do
    [[ -f $dir/kubeconfig ]] && { echo "Local control plane up: KUBECONFIG=$dir/kubeconfig"; exit 0; }
    running || break
    sleep 0.5
  done
  echo "The local control plane did not come up; its log:" >&2
  cat "$dir/controlplane.log" >&2
  exit 1
  ;;
down)
  if running; then
    pid=$(cat "$pidfile")
    kill "$pid"
    for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  fi
  rm -f "$pidfile"
  ;;
*)
  echo "usage: $0 up|down" >&2
  exit 2
  ;;
esac
