// Command localcluster runs the embedded local control plane that `make run`
// and `make demo` use when no cluster is configured: etcd and kube-apiserver
// from bin/k8s (built by hack/build-controlplane.sh), with etcd's data and an
// admin kubeconfig under --dir so that the state survives restarts.
//
// It runs in the foreground until interrupted; the kubeconfig appears, written
// atomically, once the apiserver is ready.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

func main() {
	dir := flag.String("dir", "bin/local", "Folder for etcd's data and the kubeconfig.")
	assets := flag.String("assets", "bin/k8s", "Folder holding the etcd and kube-apiserver binaries.")
	flag.Parse()
	if err := run(*dir, *assets); err != nil {
		fmt.Fprintln(os.Stderr, "localcluster:", err)
		os.Exit(1)
	}
}

func run(dir, assets string) error {
	dataDir := filepath.Join(dir, "etcd")
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return err
	}
	env := &envtest.Environment{BinaryAssetsDirectory: assets}
	env.ControlPlane.Etcd = &envtest.Etcd{DataDir: dataDir}
	if _, err := env.Start(); err != nil {
		return fmt.Errorf("starting the control plane: %w", err)
	}
	defer func() { _ = env.Stop() }()

	kubeconfig := filepath.Join(dir, "kubeconfig")
	tmp := kubeconfig + ".tmp"
	if err := os.WriteFile(tmp, env.KubeConfig, 0o600); err != nil {
		return err
	}
	if err := os.Rename(tmp, kubeconfig); err != nil {
		return err
	}
	defer os.Remove(kubeconfig)
	fmt.Printf("control plane ready: KUBECONFIG=%s\n", kubeconfig)

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
	return nil
}
