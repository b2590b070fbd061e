// Command manager runs the orgplane controller: it judges the organization
// declared in org.orgplane.io objects against their GovernancePolicies and
// writes the findings into status.
//
// main reads the flags into options and calls one setup after the other
// (indexes, webhooks, reconcilers, checks), as Cluster API's manager does;
// each setup exits on failure, naming what it could not set up.
package main

import (
	"context"
	"crypto/tls"
	"flag"
	"fmt"
	"os"
	"runtime/debug"

	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	"sigs.k8s.io/controller-runtime/pkg/metrics/filters"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/controller-runtime/pkg/webhook"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/controllers"
	"github.com/orgplane/orgplane/internal/cachegraph"
	"github.com/orgplane/orgplane/internal/cachetrim"
	"github.com/orgplane/orgplane/internal/lazylog"
	"github.com/orgplane/orgplane/internal/policy"
	"github.com/orgplane/orgplane/internal/version"
	"github.com/orgplane/orgplane/internal/watchscope"
	"github.com/orgplane/orgplane/internal/webhooks"
)

var (
	scheme   = runtime.NewScheme()
	setupLog = ctrl.Log.WithName("setup")
)

func init() {
	utilruntime.Must(clientgoscheme.AddToScheme(scheme))
	utilruntime.Must(orgv1.AddToScheme(scheme))
}

// options are the manager's flags.
type options struct {
	metricsAddr, probeAddr  string
	pprofAddr               string
	leaderElect             bool
	leaderElectionNamespace string
	printVersion            bool
	secureMetrics           bool
	enableHTTP2             bool
	qps                     float64
	burst                   int
	reconcilers             controllers.Options
	enableWebhooks          bool
	webhookPort             int
	webhookCertPath         string
	watchNamespaces         string
	namespaces              []string // watchNamespaces, parsed
	zap                     zap.Options
}

func (o *options) bindFlags(fs *flag.FlagSet) {
	fs.StringVar(&o.metricsAddr, "metrics-bind-address", ":8443", "The address the metrics endpoint binds to; 0 disables it.")
	fs.StringVar(&o.probeAddr, "health-probe-bind-address", ":8081", "The address the health probe endpoint binds to; 0 disables it.")
	fs.StringVar(&o.pprofAddr, "pprof-bind-address", "", "The address Go's pprof profiles are served on (unauthenticated: bind it to localhost); empty disables them.")
	fs.BoolVar(&o.leaderElect, "leader-elect", false, "Enable leader election, so that only one replica reconciles at a time.")
	fs.StringVar(&o.leaderElectionNamespace, "leader-election-namespace", "", "The namespace of the leader election Lease; default: the pod's own namespace (required when running outside a pod with --leader-elect).")
	fs.BoolVar(&o.printVersion, "version", false, "Print the version and exit.")
	fs.BoolVar(&o.secureMetrics, "metrics-secure", true, "Serve metrics over HTTPS, authenticated and authorized against the apiserver.")
	fs.BoolVar(&o.enableHTTP2, "enable-http2", false, "Enable HTTP/2 for the metrics and webhook servers (off by default: CVE-2023-44487, CVE-2023-39325).")
	fs.Float64Var(&o.qps, "kube-api-qps", -1, "Queries per second to the apiserver; negative: no client-side limit, the apiserver's API Priority and Fairness queues the manager instead (measured in docs/performance.md).")
	fs.IntVar(&o.burst, "kube-api-burst", 100, "Burst of queries to the apiserver, when --kube-api-qps is positive.")
	fs.IntVar(&o.reconcilers.MaxConcurrentReconciles, "concurrency", 8, "Workers per kind (measured in docs/performance.md).")
	fs.Float64Var(&o.reconcilers.EventQPS, "event-qps", 10, "Events emitted per second at most, beyond --event-burst; the rest are dropped and counted in orgplane_events_dropped_total (0: no limit).")
	fs.IntVar(&o.reconcilers.EventBurst, "event-burst", 100, "Events emitted at once at most, when --event-qps is positive.")
	fs.StringVar(&o.reconcilers.ReportAPI, "report-api", controllers.ReportAPIPolicyReport, "The policy reports kept per namespace: wgpolicyk8s.io (PolicyReport), openreports.io (Report) or none; their CRD is an optional install (config/policyreport, config/openreports).")
	fs.BoolVar(&o.enableWebhooks, "enable-webhooks", false, "Serve the validating admission webhook (needs a serving certificate; see docs/webhook.md).")
	fs.IntVar(&o.webhookPort, "webhook-port", 9443, "The port the webhook server listens on.")
	fs.StringVar(&o.webhookCertPath, "webhook-cert-path", "", "The directory holding the webhook server's tls.crt and tls.key (default /tmp/k8s-webhook-server/serving-certs).")
	fs.StringVar(&o.watchNamespaces, "watch-namespaces", "", "Comma-separated namespaces to watch; default: all. Objects elsewhere are not read, and references to them are reported as outside the watched namespaces (docs/security.md; the RBAC of config/namespaced).")
	o.zap.BindFlags(fs)
}

func main() {
	var opts options
	opts.bindFlags(flag.CommandLine)
	flag.Parse()
	if opts.printVersion {
		fmt.Println("orgplane manager", version.Get())
		return
	}
	// Reconciles make loggers by the thousand and seldom log (lazylog).
	ctrl.SetLogger(lazylog.New(zap.New(zap.UseFlagOptions(&opts.zap))))
	tuneGC()
	v := version.Get()
	setupLog.Info("orgplane manager", "version", v.Version, "revision", v.Revision, "go", v.GoVersion, "platform", v.Platform)

	var err error
	if opts.namespaces, err = watchscope.Parse(opts.watchNamespaces); err != nil {
		setupLog.Error(err, "invalid flags")
		os.Exit(1)
	}
	mgr, err := ctrl.NewManager(restConfig(opts), managerOptions(opts))
	if err != nil {
		setupLog.Error(err, "unable to create manager")
		os.Exit(1)
	}
	ctx := ctrl.SetupSignalHandler()
	setupIndexes(ctx, mgr)
	setupWebhooks(mgr, &opts)
	setupReconcilers(mgr, opts)
	setupChecks(mgr)

	setupLog.Info("starting manager")
	if err := mgr.Start(ctx); err != nil {
		setupLog.Error(err, "manager exited with an error")
		os.Exit(1)
	}
}

// tuneGC collects garbage when the heap has grown by half rather than Go's
// default of doubling, unless GOGC says otherwise: the manager's heap is
// mostly its informer cache, live for good, and doubling it before each
// collection made the resident set nearly three times the live heap at
// 10,000 objects, for little GC work saved (docs/performance.md).
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(50)
	}
}

// restConfig is the kubeconfig's (or the pod's) with the flags' limits.
func restConfig(opts options) *rest.Config {
	cfg := ctrl.GetConfigOrDie()
	cfg.QPS, cfg.Burst = float32(opts.qps), opts.burst
	return cfg
}

// managerOptions are the manager's servers, leader election and the
// namespaces its cache and client are confined to.
func managerOptions(opts options) ctrl.Options {
	metrics := metricsserver.Options{BindAddress: opts.metricsAddr, SecureServing: opts.secureMetrics}
	if opts.secureMetrics {
		metrics.FilterProvider = filters.WithAuthenticationAndAuthorization
	}
	if !opts.enableHTTP2 {
		metrics.TLSOpts = []func(*tls.Config){func(c *tls.Config) { c.NextProtos = []string{"http/1.1"} }}
	}
	// No managedFields in the cache.
	cacheOpts, newClient := watchscope.Options(cachetrim.Options(), opts.namespaces)
	return ctrl.Options{
		Scheme:                  scheme,
		Cache:                   cacheOpts,
		NewClient:               newClient,
		Metrics:                 metrics,
		HealthProbeBindAddress:  opts.probeAddr,
		PprofBindAddress:        opts.pprofAddr,
		WebhookServer:           webhook.NewServer(webhook.Options{Port: opts.webhookPort, CertDir: opts.webhookCertPath, TLSOpts: metrics.TLSOpts}),
		LeaderElection:          opts.leaderElect,
		LeaderElectionID:        "orgplane.org.orgplane.io",
		LeaderElectionNamespace: opts.leaderElectionNamespace,
		// main returns right after the manager stops, so a successor need
		// not wait out the lease.
		LeaderElectionReleaseOnCancel: true,
	}
}

// setupIndexes registers the field indexes that the reconcilers' fan-out
// and the cache-backed graph read.
func setupIndexes(ctx context.Context, mgr ctrl.Manager) {
	if err := cachegraph.SetupIndexes(ctx, cachegraph.InformerIndexer{Cache: mgr.GetCache()}); err != nil {
		setupLog.Error(err, "unable to set up field indexes")
		os.Exit(1)
	}
}

// setupWebhooks registers the admission webhook when --enable-webhooks asks
// for it; it judges incoming objects with the reconcilers' engine.
func setupWebhooks(mgr ctrl.Manager, opts *options) {
	if !opts.enableWebhooks {
		return
	}
	engine, err := policy.NewEngine(policy.Options{})
	if err == nil {
		err = webhooks.SetupWebhooks(mgr, engine, opts.namespaces)
	}
	if err != nil {
		setupLog.Error(err, "unable to set up webhooks")
		os.Exit(1)
	}
	opts.reconcilers.Engine = engine
}

// setupReconcilers registers one reconciler per kind and the policy
// reports'.
func setupReconcilers(mgr ctrl.Manager, opts options) {
	if err := controllers.SetupReconcilers(mgr, opts.reconcilers); err != nil {
		setupLog.Error(err, "unable to set up reconcilers")
		os.Exit(1)
	}
}

// setupChecks registers the health and readiness probes.
func setupChecks(mgr ctrl.Manager) {
	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		setupLog.Error(err, "unable to set up health check")
		os.Exit(1)
	}
	if err := mgr.AddReadyzCheck("readyz", healthz.Ping); err != nil {
		setupLog.Error(err, "unable to set up ready check")
		os.Exit(1)
	}
}
