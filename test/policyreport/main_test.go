// Package policyreport_test runs the manager, with its real reconcilers and
// indexes, against a real kube-apiserver on which the PolicyReport CRD
// (config/policyreport) is installed and the OpenReports one
// (config/openreports) is not, until a test installs it. Each test starts
// its own manager and stops it when it ends, counting every report the
// manager writes and every line it logs.
package policyreport_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
	dto "github.com/prometheus/client_model/go"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
	"sigs.k8s.io/controller-runtime/pkg/config"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/controllers"
	"github.com/orgplane/orgplane/internal/cachegraph"
	openreportsv1alpha1 "github.com/orgplane/orgplane/internal/policyreport/api/openreports/v1alpha1"
	"github.com/orgplane/orgplane/internal/policyreport/api/wgpolicy/v1alpha2"
	"github.com/orgplane/orgplane/internal/testenv"
)

var (
	env    *testenv.Env
	scheme = runtime.NewScheme()
	// k8s reads and writes straight to the apiserver, never through a cache.
	k8s client.Client
	ctx = context.Background()
)

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	if err := errors.Join(clientgoscheme.AddToScheme(scheme), orgv1.AddToScheme(scheme),
		v1alpha2.AddToScheme(scheme), openreportsv1alpha1.AddToScheme(scheme)); err != nil {
		panic(err)
	}
	var err error
	if env, err = testenv.Start(testenv.WithCRDs(filepath.Join(testenv.Root(), "config", "policyreport"))); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer env.Stop()
	if k8s, err = client.New(env.Config, client.Options{Scheme: scheme}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

// running is a manager started by a test.
type running struct {
	writes atomic.Int64 // report creates, updates, patches and deletes
	logs   *logLines
}

// startManager runs a manager with every reconciler, writing reports of the
// given API, until the test ends.
func startManager(t *testing.T, api string) *running {
	t.Helper()
	r := &running{logs: &logLines{}}
	t.Cleanup(func() {
		if t.Failed() {
			r.logs.mu.Lock()
			defer r.logs.mu.Unlock()
			t.Logf("the manager's log:\n%s", strings.Join(r.logs.lines, "\n"))
		}
	})
	// Each manager registers its reconcilers on a scheme of its own, as
	// main's does.
	s := runtime.NewScheme()
	if err := errors.Join(clientgoscheme.AddToScheme(s), orgv1.AddToScheme(s)); err != nil {
		t.Fatal(err)
	}
	mgr, err := ctrl.NewManager(env.Config, ctrl.Options{
		Scheme:                 s,
		Logger:                 r.logs.logger(),
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		Controller:             config.Controller{SkipNameValidation: ptr.To(true)},
		NewClient: func(cfg *rest.Config, opts client.Options) (client.Client, error) {
			c, err := client.NewWithWatch(cfg, opts)
			if err != nil {
				return nil, err
			}
			return interceptor.NewClient(c, r.countReportWrites()), nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	mctx, cancel := context.WithCancel(ctx)
	err = errors.Join(
		cachegraph.SetupIndexes(mctx, mgr.GetFieldIndexer()),
		controllers.SetupReconcilers(mgr, controllers.Options{MaxConcurrentReconciles: 2, ReportAPI: api}),
	)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- mgr.Start(mctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("manager: %v", err)
		}
	})
	if !mgr.GetCache().WaitForCacheSync(mctx) {
		t.Fatal("the cache did not sync")
	}
	return r
}

func isReport(obj client.Object) bool {
	switch obj.(type) {
	case *v1alpha2.PolicyReport, *openreportsv1alpha1.Report:
		return true
	}
	return false
}

func (r *running) countReportWrites() interceptor.Funcs {
	count := func(obj client.Object) {
		if isReport(obj) {
			r.writes.Add(1)
		}
	}
	return interceptor.Funcs{
		Create: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.CreateOption) error {
			count(obj)
			return c.Create(ctx, obj, opts...)
		},
		Update: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.UpdateOption) error {
			count(obj)
			return c.Update(ctx, obj, opts...)
		},
		Patch: func(ctx context.Context, c client.WithWatch, obj client.Object, patch client.Patch, opts ...client.PatchOption) error {
			count(obj)
			return c.Patch(ctx, obj, patch, opts...)
		},
		Delete: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.DeleteOption) error {
			count(obj)
			return c.Delete(ctx, obj, opts...)
		},
		DeleteAllOf: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.DeleteAllOfOption) error {
			count(obj)
			return c.DeleteAllOf(ctx, obj, opts...)
		},
	}
}

// logLines keeps every line a manager logs.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) logger() logr.Logger {
	return funcr.New(func(prefix, args string) {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.lines = append(l.lines, prefix+" "+args)
	}, funcr.Options{Verbosity: 1})
}

// count counts the lines that contain s.
func (l *logLines) count(s string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, line := range l.lines {
		if strings.Contains(line, s) {
			n++
		}
	}
	return n
}

// reconciles is how many times the report reconciler has run, in every
// manager of the process.
func reconciles(t *testing.T) float64 {
	t.Helper()
	families, err := ctrlmetrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	total := 0.0
	for _, f := range families {
		if f.GetName() != "controller_runtime_reconcile_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			if label(m, "controller") == "policyreport" {
				total += m.GetCounter().GetValue()
			}
		}
	}
	return total
}

func label(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}

func newNamespace(t *testing.T) string {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "reports-"}}
	if err := k8s.Create(ctx, ns); err != nil {
		t.Fatal(err)
	}
	return ns.Name
}
