// Package webhook_test drives the admission webhook through a real
// kube-apiserver: envtest installs config/webhook pointed at the manager's
// webhook server, which runs in-process with the controller's indexes and
// reconcilers, as `--enable-webhooks` runs it.
package webhook_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/controller-runtime/pkg/webhook"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/controllers"
	"github.com/orgplane/orgplane/internal/cachegraph"
	"github.com/orgplane/orgplane/internal/policy"
	"github.com/orgplane/orgplane/internal/testenv"
	"github.com/orgplane/orgplane/internal/webhooks"
)

var (
	env    *testenv.Env
	mgr    ctrl.Manager
	scheme = runtime.NewScheme()
	// k8s is a client whose warnings land in warned.
	k8s    client.Client
	warned = &recorder{}
	ctx    = context.Background()
)

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	if err := errors.Join(clientgoscheme.AddToScheme(scheme), orgv1.AddToScheme(scheme)); err != nil {
		panic(err)
	}
	var err error
	if env, err = testenv.Start(testenv.WithWebhooks(filepath.Join(testenv.Root(), "config", "webhook"))); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer env.Stop()
	wio := &env.WebhookInstallOptions
	mgr, err = ctrl.NewManager(env.Config, ctrl.Options{
		Scheme:                 scheme,
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		WebhookServer: webhook.NewServer(webhook.Options{
			Host: wio.LocalServingHost, Port: wio.LocalServingPort, CertDir: wio.LocalServingCertDir,
		}),
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	mctx, cancel := context.WithCancel(ctx)
	defer cancel()
	engine, err := policy.NewEngine(policy.Options{})
	if err == nil {
		err = errors.Join(
			cachegraph.SetupIndexes(mctx, mgr.GetFieldIndexer()),
			webhooks.SetupWebhooks(mgr, engine),
			controllers.SetupReconcilers(mgr, controllers.Options{MaxConcurrentReconciles: 2, Engine: engine}),
		)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	done := make(chan error)
	go func() { done <- mgr.Start(mctx) }()
	defer func() { cancel(); <-done }()

	cfg := rest.CopyConfig(env.Config)
	cfg.WarningHandler = warned
	if k8s, err = client.New(cfg, client.Options{Scheme: scheme}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := waitForWebhook(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

// waitForWebhook waits until the API server reaches the webhook: with
// failurePolicy Ignore, requests made before that are admitted silently.
func waitForWebhook() error {
	probe := &orgv1.Platform{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "probe"},
		Spec:       orgv1.PlatformSpec{Category: "CDP", OwnerRef: &orgv1.TeamRef{Name: "nobody"}},
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		warned.take()
		if err := k8s.Create(ctx, probe.DeepCopy(), client.DryRunAll); err != nil {
			return err
		}
		if len(warned.take()) > 0 {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return errors.New("the webhook never answered")
}

// recorder is a rest.WarningHandler that keeps the warnings it sees.
type recorder struct {
	mu  sync.Mutex
	got []string
}

func (r *recorder) HandleWarningHeader(_ int, _ string, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, text)
}

// take returns the warnings seen since the last take.
func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	got := r.got
	r.got = nil
	return got
}

// do runs one request with k8s and returns the warnings it got.
func do(t *testing.T, f func() error) ([]string, error) {
	t.Helper()
	warned.take()
	err := f()
	return warned.take(), err
}

// namespace creates a namespace for one test.
func namespace(t *testing.T) string {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "wh-"}}
	if err := k8s.Create(ctx, ns); err != nil {
		t.Fatal(err)
	}
	return ns.Name
}

// cached waits until the manager's cache, which the webhook reads, holds
// obj at its current generation (or a later one), or (gone) no longer holds
// it.
func cached(t *testing.T, obj client.Object, gone bool) {
	t.Helper()
	key := client.ObjectKeyFromObject(obj)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		got := obj.DeepCopyObject().(client.Object)
		err := mgr.GetCache().Get(ctx, key, got)
		switch {
		case gone && client.IgnoreNotFound(err) == nil && err != nil:
			return
		case !gone && err == nil && got.GetGeneration() >= obj.GetGeneration():
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("the cache never caught up with %T %s (gone: %v)", obj, key, gone)
}
