package testenv

import (
	"cmp"
	"context"
	"errors"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/config"
	"sigs.k8s.io/controller-runtime/pkg/metrics/filters"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/controller-runtime/pkg/webhook"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/controllers"
	"github.com/orgplane/orgplane/internal/cachegraph"
	"github.com/orgplane/orgplane/internal/cachetrim"
	"github.com/orgplane/orgplane/internal/policy"
	openreportsv1alpha1 "github.com/orgplane/orgplane/internal/policyreport/api/openreports/v1alpha1"
	"github.com/orgplane/orgplane/internal/policyreport/api/wgpolicy/v1alpha2"
	"github.com/orgplane/orgplane/internal/watchscope"
	"github.com/orgplane/orgplane/internal/webhooks"
)

// Manager is a running manager with orgplane's field indexes and
// reconcilers, and its webhooks when the environment installed them
// (WithWebhooks), on a scheme of its own as main's. What it writes is
// counted.
type Manager struct {
	ctrl.Manager
	// StatusWrites counts its writes of a status subresource.
	StatusWrites atomic.Int64
	// statusPaths are the paths of its last status writes, oldest first.
	statusPathsMu sync.Mutex
	statusPaths   []string
	// ReportWrites counts its creates, updates, patches and deletes of
	// policy reports (either API).
	ReportWrites atomic.Int64
	// MetricsURL is its metrics endpoint, when WithSecureMetrics serves it.
	MetricsURL string
	// Logs holds what it logged, when started by NewManager.
	Logs *Lines

	cancel context.CancelFunc
	done   chan error
}

// ManagerOption adjusts a manager, as main's flags do.
type ManagerOption func(*managerOptions)

type managerOptions struct {
	reconcilers   controllers.Options
	qps           float32
	burst         int
	secureMetrics bool
	logger        *logr.Logger
	namespaces    []string
	config        *rest.Config
}

// WithConcurrency sets the workers per kind (--concurrency); 2 unless set.
func WithConcurrency(n int) ManagerOption {
	return func(o *managerOptions) { o.reconcilers.MaxConcurrentReconciles = n }
}

// WithReportAPI keeps the policy reports of an API per namespace
// (--report-api); none unless set.
func WithReportAPI(api string) ManagerOption {
	return func(o *managerOptions) { o.reconcilers.ReportAPI = api }
}

// WithClientLimits sets the manager's queries per second and burst to the
// apiserver (--kube-api-qps, --kube-api-burst); envtest's 1000 and 2000
// unless set.
func WithClientLimits(qps float32, burst int) ManagerOption {
	return func(o *managerOptions) { o.qps, o.burst = qps, burst }
}

// WithSecureMetrics serves the manager's metrics as the deployed manager
// does (--metrics-secure): HTTPS with a self-signed certificate, callers
// authenticated with TokenReviews and authorized with SubjectAccessReviews,
// on a free local port that Manager.MetricsURL names. Without it, the
// manager serves no metrics.
func WithSecureMetrics() ManagerOption {
	return func(o *managerOptions) { o.secureMetrics = true }
}

// WithWatchNamespaces confines the manager to namespaces
// (--watch-namespaces).
func WithWatchNamespaces(namespaces ...string) ManagerOption {
	return func(o *managerOptions) { o.namespaces = namespaces }
}

// WithConfig makes the manager talk to the apiserver with cfg (a user of
// Env.AddUser, authorized only by the RBAC a test installed) instead of
// the administrator's.
func WithConfig(cfg *rest.Config) ManagerOption {
	return func(o *managerOptions) { o.config = cfg }
}

func withLogger(l logr.Logger) ManagerOption {
	return func(o *managerOptions) { o.logger = &l }
}

// NewManager starts a manager for one test, and stops it when the test
// ends; what it logged is printed if the test failed.
func (e *Env) NewManager(t testing.TB, opts ...ManagerOption) *Manager {
	t.Helper()
	logs := &Lines{}
	m, err := e.StartManager(t.Context(), append(opts, withLogger(logs.Logger()))...)
	if err != nil {
		t.Fatal(err)
	}
	m.Logs = logs
	t.Cleanup(func() {
		if err := m.Stop(); err != nil {
			t.Errorf("manager: %v", err)
		}
		if t.Failed() {
			t.Logf("the manager's log:\n%s", logs)
		}
	})
	return m
}

// StartManager starts a manager and waits until its cache has synced; it
// runs until Stop or until ctx is done.
func (e *Env) StartManager(ctx context.Context, opts ...ManagerOption) (*Manager, error) {
	o := managerOptions{reconcilers: controllers.Options{MaxConcurrentReconciles: 2}}
	for _, f := range opts {
		f(&o)
	}
	m := &Manager{done: make(chan error, 1)}
	mgr, metricsURL, err := e.newManager(m, o)
	if err != nil {
		return nil, err
	}
	m.Manager, m.MetricsURL = mgr, metricsURL
	if err := e.setup(ctx, mgr, o); err != nil {
		return nil, err
	}
	ctx, m.cancel = context.WithCancel(ctx)
	go func() { m.done <- mgr.Start(ctx) }()
	if !mgr.GetCache().WaitForCacheSync(ctx) {
		return nil, errors.Join(errors.New("the manager's cache did not sync"), m.Stop())
	}
	return m, nil
}

// newManager makes the manager, with a client that counts into m.
func (e *Env) newManager(m *Manager, o managerOptions) (ctrl.Manager, string, error) {
	scheme := runtime.NewScheme()
	if err := errors.Join(clientgoscheme.AddToScheme(scheme), orgv1.AddToScheme(scheme)); err != nil {
		return nil, "", err
	}
	cfg := rest.CopyConfig(cmp.Or(o.config, e.Config))
	cfg.WrapTransport = m.countWrites
	if o.qps != 0 {
		cfg.QPS, cfg.Burst = o.qps, o.burst
	}
	cacheOpts, newClient := watchscope.Options(cachetrim.Options(), o.namespaces)
	opts := ctrl.Options{
		Scheme:                 scheme,
		Cache:                  cacheOpts,
		NewClient:              newClient,
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		// A process may start several managers, each with the same
		// controllers.
		Controller: config.Controller{SkipNameValidation: ptr.To(true)},
	}
	if o.logger != nil {
		opts.Logger = *o.logger
	}
	var metricsURL string
	if o.secureMetrics {
		// The metrics server does not tell which port it bound, so take a
		// free one and hand it over.
		addr, err := freeAddress()
		if err != nil {
			return nil, "", err
		}
		opts.Metrics = metricsserver.Options{BindAddress: addr, SecureServing: true, FilterProvider: filters.WithAuthenticationAndAuthorization}
		metricsURL = "https://" + addr + "/metrics"
	}
	if e.webhooks {
		wio := &e.WebhookInstallOptions
		opts.WebhookServer = webhook.NewServer(webhook.Options{
			Host: wio.LocalServingHost, Port: wio.LocalServingPort, CertDir: wio.LocalServingCertDir,
		})
	}
	mgr, err := ctrl.NewManager(cfg, opts)
	return mgr, metricsURL, err
}

// setup registers what main's setupIndexes, setupWebhooks and
// setupReconcilers register: the webhooks judge with the reconcilers'
// engine.
func (e *Env) setup(ctx context.Context, mgr ctrl.Manager, o managerOptions) error {
	opts := o.reconcilers
	if err := cachegraph.SetupIndexes(ctx, cachegraph.InformerIndexer{Cache: mgr.GetCache()}); err != nil {
		return err
	}
	if e.webhooks {
		engine, err := policy.NewEngine(policy.Options{})
		if err == nil {
			err = webhooks.SetupWebhooks(mgr, engine, o.namespaces)
		}
		if err != nil {
			return err
		}
		opts.Engine = engine
	}
	return controllers.SetupReconcilers(mgr, opts)
}

func freeAddress() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	return l.Addr().String(), l.Close()
}

// Stop stops the manager and waits for it; again, it does nothing.
func (m *Manager) Stop() error {
	if m.cancel == nil {
		return nil
	}
	m.cancel()
	m.cancel = nil
	return <-m.done
}

// countWrites counts m's writes, as they reach the apiserver: of a status
// subresource, and of policy reports (either API).
func (m *Manager) countWrites(rt http.RoundTripper) http.RoundTripper {
	reports := []string{"/apis/" + v1alpha2.GroupVersion.Group + "/", "/apis/" + openreportsv1alpha1.GroupVersion.Group + "/"}
	return roundTripper(func(req *http.Request) (*http.Response, error) {
		if req.Method != http.MethodGet {
			switch p := req.URL.Path; {
			case strings.HasSuffix(p, "/status"):
				m.StatusWrites.Add(1)
				m.statusPathsMu.Lock()
				m.statusPaths = append(m.statusPaths[max(len(m.statusPaths)-recentStatusWrites+1, 0):], req.Method+" "+p)
				m.statusPathsMu.Unlock()
			case strings.HasPrefix(p, reports[0]), strings.HasPrefix(p, reports[1]):
				m.ReportWrites.Add(1)
			}
		}
		return rt.RoundTrip(req)
	})
}

// recentStatusWrites is how many status writes RecentStatusWrites keeps.
const recentStatusWrites = 20

// RecentStatusWrites returns the method and path of its last status
// writes, oldest first: what a test that counts writes reports when there
// are too many.
func (m *Manager) RecentStatusWrites() []string {
	m.statusPathsMu.Lock()
	defer m.statusPathsMu.Unlock()
	return slices.Clone(m.statusPaths)
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }
