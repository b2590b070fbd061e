// Package testenv runs orgplane's tests against the real thing: etcd and
// kube-apiserver (from bin/k8s, built by `make envtest`) with orgplane's
// CRDs installed and, when a suite asks, a manager with the real field
// indexes, reconcilers and webhooks, wired as main wires them, whose writes
// are counted. Every envtest suite starts here, from its TestMain:
//
//	var env *testenv.Env
//
//	func TestMain(m *testing.M) { testenv.Main(m, &env, testenv.WithManager()) }
//
// Tests then create namespaces (Env.Namespace), objects (package builders),
// run kubectl (Env.Kubectl) and read with Env.Client, straight from the
// apiserver.
package testenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"go.uber.org/zap/zapcore"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	openreportsv1alpha1 "github.com/orgplane/orgplane/internal/policyreport/api/openreports/v1alpha1"
	"github.com/orgplane/orgplane/internal/policyreport/api/wgpolicy/v1alpha2"
	"github.com/orgplane/orgplane/internal/testing/repo"
)

// Env is a running control plane.
type Env struct {
	*envtest.Environment
	Config *rest.Config
	// Kubeconfig is a file that points kubectl at the control plane.
	Kubeconfig string
	// Scheme holds the Kubernetes types, orgplane's and both policy report
	// APIs': what Client reads and writes.
	Scheme *runtime.Scheme
	// Client reads and writes straight to the apiserver, never through a
	// cache.
	Client client.Client
	// Manager is the suite's manager (WithManager), else nil.
	Manager *Manager

	webhooks bool
	cleanups []func()
	// certs is the apiserver's certificate directory, removed after it
	// stops.
	certs string
	// manager is the manager binary that RunManager starts, built once.
	manager struct {
		sync.Mutex
		path string
		err  error
	}
}

// Option adjusts the environment that Start starts.
type Option func(*options)

type options struct {
	crds     []string
	webhooks bool
	manager  []ManagerOption
	managed  bool
	setups   []func(*Env) error
}

// WithCRDs installs the CRDs in paths (files or folders, from the
// repository's root, such as config/policyreport, or absolute) besides
// orgplane's own.
func WithCRDs(paths ...string) Option {
	return func(o *options) {
		for _, p := range paths {
			o.crds = append(o.crds, repo.Path(p))
		}
	}
}

// WithWebhooks installs config/webhook, pointed at a local webhook server
// that every manager of the environment serves, as `--enable-webhooks` does.
func WithWebhooks() Option {
	return func(o *options) { o.webhooks = true }
}

// WithManager runs a manager for the whole suite (Env.Manager), started
// before the tests and stopped after them.
func WithManager(opts ...ManagerOption) Option {
	return func(o *options) { o.managed, o.manager = true, opts }
}

// Setup runs f once the environment (and its manager) runs, before the
// tests: suite-specific preparation. An error stops the suite.
func Setup(f func(*Env) error) Option {
	return func(o *options) { o.setups = append(o.setups, f) }
}

// Main is a suite's whole TestMain: it starts the environment, sets *env,
// runs the tests, stops the environment and exits with the tests' code.
func Main(m *testing.M, env **Env, opts ...Option) {
	os.Exit(run(m, env, opts))
}

func run(m *testing.M, env **Env, opts []Option) int {
	e, err := Start(opts...)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() {
		if err := e.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stopping the test environment:", err)
		}
	}()
	*env = e
	return m.Run()
}

var setLogger sync.Once

// Start starts etcd and kube-apiserver with the CRDs of config/crd/bases
// (and those of the options), then what the options ask for. Binaries come
// from $KUBEBUILDER_ASSETS, else bin/k8s.
func Start(opts ...Option) (*Env, error) {
	var o options
	for _, f := range opts {
		f(&o)
	}
	setLogger.Do(func() {
		// Errors only, unless ORGPLANE_TEST_LOG asks for everything.
		level := zapcore.ErrorLevel
		if os.Getenv("ORGPLANE_TEST_LOG") != "" {
			level = zapcore.DebugLevel
		}
		ctrl.SetLogger(zap.New(zap.UseDevMode(true), zap.WriteTo(os.Stderr), zap.Level(level)))
	})
	e, err := startControlPlane(o)
	if err != nil {
		return nil, err
	}
	if err := e.prepare(o); err != nil {
		return nil, errors.Join(err, e.Stop())
	}
	return e, nil
}

func startControlPlane(o options) (*Env, error) {
	assets := os.Getenv("KUBEBUILDER_ASSETS")
	if assets == "" {
		assets = repo.Path("bin", "k8s")
	}
	if _, err := os.Stat(filepath.Join(assets, "kube-apiserver")); err != nil {
		return nil, fmt.Errorf("no kube-apiserver in %s: run `make envtest` (or `make test`, which does): %w", assets, err)
	}
	// A certificate directory of our own, which the apiserver's Stop keeps
	// (it removes only one it made): StartAPIServer then brings it back
	// with the same serving and client CAs.
	certs, err := os.MkdirTemp("", "orgplane-envtest-apiserver-")
	if err != nil {
		return nil, err
	}
	env := &envtest.Environment{
		BinaryAssetsDirectory: assets,
		CRDDirectoryPaths:     append([]string{repo.Path("config", "crd", "bases")}, o.crds...),
		ErrorIfCRDPathMissing: true,
	}
	env.ControlPlane.APIServer = &envtest.APIServer{CertDir: certs}
	if o.webhooks {
		env.WebhookInstallOptions.Paths = []string{repo.Path("config", "webhook")}
	}
	cfg, err := env.Start()
	if err != nil {
		return nil, errors.Join(fmt.Errorf("starting the control plane: %w", err), os.RemoveAll(certs))
	}
	e := &Env{Environment: env, Config: cfg, webhooks: o.webhooks, certs: certs}
	kubeconfig, err := os.CreateTemp("", "orgplane-envtest-kubeconfig-")
	if err == nil {
		e.Kubeconfig = kubeconfig.Name()
		_, err = kubeconfig.Write(env.KubeConfig)
		err = errors.Join(err, kubeconfig.Close())
	}
	if err != nil {
		return nil, errors.Join(err, e.Stop())
	}
	return e, nil
}

// prepare makes the client, starts the suite's manager and runs the setups.
func (e *Env) prepare(o options) error {
	e.Scheme = runtime.NewScheme()
	err := errors.Join(clientgoscheme.AddToScheme(e.Scheme), orgv1.AddToScheme(e.Scheme),
		v1alpha2.AddToScheme(e.Scheme), openreportsv1alpha1.AddToScheme(e.Scheme))
	if err != nil {
		return err
	}
	if e.Client, err = client.New(e.Config, client.Options{Scheme: e.Scheme}); err != nil {
		return err
	}
	if o.managed {
		if e.Manager, err = e.StartManager(context.Background(), o.manager...); err != nil {
			return err
		}
	}
	for _, setup := range o.setups {
		if err := setup(e); err != nil {
			return err
		}
	}
	return nil
}

// Cleanup registers f to run when the environment stops, before the
// control plane does, the last registered first.
func (e *Env) Cleanup(f func()) { e.cleanups = append(e.cleanups, f) }

// Stop stops the suite's manager, runs the cleanups, stops the control
// plane and removes the kubeconfig file.
func (e *Env) Stop() error {
	var err error
	if e.Manager != nil {
		err = e.Manager.Stop()
	}
	for i := len(e.cleanups) - 1; i >= 0; i-- {
		e.cleanups[i]()
	}
	if e.Kubeconfig != "" {
		err = errors.Join(err, os.Remove(e.Kubeconfig))
	}
	err = errors.Join(err, e.Environment.Stop())
	return errors.Join(err, os.RemoveAll(e.certs))
}
