// Package testenv starts the real kube-apiserver and etcd (from bin/k8s, built
// by `make envtest`) with orgplane's CRDs installed, for tests that claim
// cluster behaviour. Suites call Start once from TestMain.
package testenv

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// Root is the repository's root folder.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Env is a running control plane.
type Env struct {
	*envtest.Environment
	Config *rest.Config
	// Kubeconfig is a file that points kubectl at the control plane.
	Kubeconfig string
}

// Option adjusts the environment before Start starts it.
type Option func(*envtest.Environment)

// WithWebhooks installs the webhook configurations in paths (files or
// folders, such as config/webhook), pointed at a local webhook server: serve
// it on Env.WebhookInstallOptions' LocalServingHost, LocalServingPort and
// LocalServingCertDir.
func WithWebhooks(paths ...string) Option {
	return func(e *envtest.Environment) {
		e.WebhookInstallOptions.Paths = append(e.WebhookInstallOptions.Paths, paths...)
	}
}

// WithCRDs installs the CRDs in paths (files or folders, such as
// config/policyreport) besides orgplane's own.
func WithCRDs(paths ...string) Option {
	return func(e *envtest.Environment) {
		e.CRDDirectoryPaths = append(e.CRDDirectoryPaths, paths...)
	}
}

// Start starts etcd and kube-apiserver and installs the CRDs from
// config/crd/bases. Binaries come from $KUBEBUILDER_ASSETS, else bin/k8s.
func Start(opts ...Option) (*Env, error) {
	assets := os.Getenv("KUBEBUILDER_ASSETS")
	if assets == "" {
		assets = filepath.Join(Root(), "bin", "k8s")
	}
	if _, err := os.Stat(filepath.Join(assets, "kube-apiserver")); err != nil {
		return nil, fmt.Errorf("no kube-apiserver in %s: run `make envtest` (or `make test`, which does): %w", assets, err)
	}
	env := &envtest.Environment{
		BinaryAssetsDirectory: assets,
		CRDDirectoryPaths:     []string{filepath.Join(Root(), "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
	}
	for _, o := range opts {
		o(env)
	}
	cfg, err := env.Start()
	if err != nil {
		return nil, fmt.Errorf("starting the control plane: %w", err)
	}
	kubeconfig, err := os.CreateTemp("", "orgplane-envtest-kubeconfig-")
	if err == nil {
		_, err = kubeconfig.Write(env.KubeConfig)
		err = errors.Join(err, kubeconfig.Close())
	}
	if err != nil {
		_ = env.Stop()
		return nil, err
	}
	return &Env{Environment: env, Config: cfg, Kubeconfig: kubeconfig.Name()}, nil
}

// Stop stops the control plane and removes the kubeconfig file.
func (e *Env) Stop() error {
	os.Remove(e.Kubeconfig)
	return e.Environment.Stop()
}
