// Command manager runs the orgplane controller: it judges the organization
// declared in org.orgplane.io objects against their GovernancePolicies and
// writes the findings into status.
package main

import (
	"crypto/tls"
	"flag"
	"fmt"
	"os"

	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
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
	"github.com/orgplane/orgplane/internal/policy"
	"github.com/orgplane/orgplane/internal/version"
	"github.com/orgplane/orgplane/internal/webhooks"
)

var scheme = runtime.NewScheme()

func init() {
	utilruntime.Must(clientgoscheme.AddToScheme(scheme))
	utilruntime.Must(orgv1.AddToScheme(scheme))
}

func main() {
	var (
		metricsAddr, probeAddr     string
		leaderElect, secureMetrics bool
		leaderElectionNamespace    string
		printVersion               bool
		enableHTTP2                bool
		qps                        float64
		burst                      int
		reconcilerOpts             controllers.Options
		enableWebhooks             bool
		webhookPort                int
		webhookCertPath            string
	)
	flag.StringVar(&metricsAddr, "metrics-bind-address", ":8443", "The address the metrics endpoint binds to; 0 disables it.")
	flag.StringVar(&probeAddr, "health-probe-bind-address", ":8081", "The address the health probe endpoint binds to; 0 disables it.")
	flag.BoolVar(&leaderElect, "leader-elect", false, "Enable leader election, so that only one replica reconciles at a time.")
	flag.StringVar(&leaderElectionNamespace, "leader-election-namespace", "", "The namespace of the leader election Lease; default: the pod's own namespace (required when running outside a pod with --leader-elect).")
	flag.BoolVar(&printVersion, "version", false, "Print the version and exit.")
	flag.BoolVar(&secureMetrics, "metrics-secure", true, "Serve metrics over HTTPS, authenticated and authorized against the apiserver.")
	flag.BoolVar(&enableHTTP2, "enable-http2", false, "Enable HTTP/2 for the metrics and webhook servers (off by default: CVE-2023-44487, CVE-2023-39325).")
	flag.Float64Var(&qps, "kube-api-qps", 50, "Queries per second to the apiserver (measured in docs/performance.md).")
	flag.IntVar(&burst, "kube-api-burst", 100, "Burst of queries to the apiserver.")
	flag.IntVar(&reconcilerOpts.MaxConcurrentReconciles, "concurrency", 2, "Workers per kind (measured in docs/performance.md).")
	flag.StringVar(&reconcilerOpts.ReportAPI, "report-api", controllers.ReportAPIPolicyReport, "The policy reports kept per namespace: wgpolicyk8s.io (PolicyReport), openreports.io (Report) or none; their CRD is an optional install (config/policyreport, config/openreports).")
	flag.BoolVar(&enableWebhooks, "enable-webhooks", false, "Serve the validating admission webhook (needs a serving certificate; see docs/webhook.md).")
	flag.IntVar(&webhookPort, "webhook-port", 9443, "The port the webhook server listens on.")
	flag.StringVar(&webhookCertPath, "webhook-cert-path", "", "The directory holding the webhook server's tls.crt and tls.key (default /tmp/k8s-webhook-server/serving-certs).")
	zapOpts := zap.Options{}
	zapOpts.BindFlags(flag.CommandLine)
	flag.Parse()
	if printVersion {
		fmt.Println("orgplane manager", version.Get())
		return
	}
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&zapOpts)))
	log := ctrl.Log.WithName("setup")
	v := version.Get()
	log.Info("orgplane manager", "version", v.Version, "revision", v.Revision, "go", v.GoVersion, "platform", v.Platform)

	restConfig := ctrl.GetConfigOrDie()
	restConfig.QPS, restConfig.Burst = float32(qps), burst

	metricsOpts := metricsserver.Options{BindAddress: metricsAddr, SecureServing: secureMetrics}
	if secureMetrics {
		metricsOpts.FilterProvider = filters.WithAuthenticationAndAuthorization
	}
	if !enableHTTP2 {
		metricsOpts.TLSOpts = []func(*tls.Config){func(c *tls.Config) { c.NextProtos = []string{"http/1.1"} }}
	}

	mgr, err := ctrl.NewManager(restConfig, ctrl.Options{
		Scheme:                  scheme,
		Cache:                   cachetrim.Options(), // no managedFields in the cache
		Metrics:                 metricsOpts,
		HealthProbeBindAddress:  probeAddr,
		WebhookServer:           webhook.NewServer(webhook.Options{Port: webhookPort, CertDir: webhookCertPath, TLSOpts: metricsOpts.TLSOpts}),
		LeaderElection:          leaderElect,
		LeaderElectionID:        "orgplane.org.orgplane.io",
		LeaderElectionNamespace: leaderElectionNamespace,
		// main returns right after the manager stops, so a successor need
		// not wait out the lease.
		LeaderElectionReleaseOnCancel: true,
	})
	if err != nil {
		log.Error(err, "unable to create manager")
		os.Exit(1)
	}
	ctx := ctrl.SetupSignalHandler()
	if err := cachegraph.SetupIndexes(ctx, mgr.GetFieldIndexer()); err != nil {
		log.Error(err, "unable to set up field indexes")
		os.Exit(1)
	}
	if enableWebhooks {
		// The webhook judges incoming objects with the reconcilers' engine.
		if reconcilerOpts.Engine, err = policy.NewEngine(policy.Options{}); err == nil {
			err = webhooks.SetupWebhooks(mgr, reconcilerOpts.Engine)
		}
		if err != nil {
			log.Error(err, "unable to set up webhooks")
			os.Exit(1)
		}
	}
	if err := controllers.SetupReconcilers(mgr, reconcilerOpts); err != nil {
		log.Error(err, "unable to set up reconcilers")
		os.Exit(1)
	}
	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		log.Error(err, "unable to set up health check")
		os.Exit(1)
	}
	if err := mgr.AddReadyzCheck("readyz", healthz.Ping); err != nil {
		log.Error(err, "unable to set up ready check")
		os.Exit(1)
	}

	log.Info("starting manager")
	if err := mgr.Start(ctx); err != nil {
		log.Error(err, "manager exited with an error")
		os.Exit(1)
	}
}
