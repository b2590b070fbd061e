// Package harness runs a test control plane with orgplane's controllers
// in-process, for the suites under test/ that drive the cluster from outside
// (kubectl, the plugin).
package harness

import (
	"context"
	"errors"
	"net"

	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/metrics/filters"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/controllers"
	"github.com/orgplane/orgplane/internal/cachegraph"
	"github.com/orgplane/orgplane/internal/cachetrim"
	"github.com/orgplane/orgplane/internal/testenv"
)

// Cluster is a running control plane with the controllers on it.
type Cluster struct {
	Env *testenv.Env
	// Client reads and writes straight to the apiserver (no cache).
	Client client.Client
	// Scheme holds the Kubernetes and orgplane types.
	Scheme *runtime.Scheme
	// MetricsURL is the manager's metrics endpoint when an option serves it.
	MetricsURL string
}

// Option adjusts the manager that Start runs.
type Option func(*metricsserver.Options) error

// WithSecureMetrics serves the manager's metrics as the deployed manager
// does (--metrics-secure): HTTPS with a self-signed certificate, callers
// authenticated with TokenReviews and authorized with SubjectAccessReviews,
// on a free local port that Cluster.MetricsURL names.
func WithSecureMetrics() Option {
	return func(o *metricsserver.Options) error {
		// The metrics server does not tell which port it bound, so take a
		// free one and hand it over.
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		o.BindAddress, o.SecureServing, o.FilterProvider = l.Addr().String(), true, filters.WithAuthenticationAndAuthorization
		return l.Close()
	}
}

// Start starts etcd and kube-apiserver with orgplane's CRDs, and a manager
// with orgplane's indexes and reconcilers (two workers per kind, no probes,
// and no metrics unless an option serves them). stop stops the manager, waits
// for it, and stops the control plane.
func Start(opts ...Option) (c *Cluster, stop func(), err error) {
	scheme := runtime.NewScheme()
	if err := errors.Join(clientgoscheme.AddToScheme(scheme), orgv1.AddToScheme(scheme)); err != nil {
		return nil, nil, err
	}
	env, err := testenv.Start()
	if err != nil {
		return nil, nil, err
	}
	k8s, err := client.New(env.Config, client.Options{Scheme: scheme})
	if err != nil {
		return nil, nil, errors.Join(err, env.Stop())
	}
	metrics := metricsserver.Options{BindAddress: "0"}
	for _, o := range opts {
		if err := o(&metrics); err != nil {
			return nil, nil, errors.Join(err, env.Stop())
		}
	}
	mgr, err := ctrl.NewManager(env.Config, ctrl.Options{Scheme: scheme, Cache: cachetrim.Options(), Metrics: metrics, HealthProbeBindAddress: "0"})
	if err != nil {
		return nil, nil, errors.Join(err, env.Stop())
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := errors.Join(
		cachegraph.SetupIndexes(ctx, mgr.GetFieldIndexer()),
		controllers.SetupReconcilers(mgr, controllers.Options{MaxConcurrentReconciles: 2}),
	); err != nil {
		cancel()
		return nil, nil, errors.Join(err, env.Stop())
	}
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()
	stop = func() {
		cancel()
		<-done
		_ = env.Stop()
	}
	c = &Cluster{Env: env, Client: k8s, Scheme: scheme}
	if metrics.BindAddress != "0" {
		proto := "http"
		if metrics.SecureServing {
			proto = "https"
		}
		c.MetricsURL = proto + "://" + metrics.BindAddress + "/metrics"
	}
	return c, stop, nil
}
