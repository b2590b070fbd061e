// Package webhook_test drives the admission webhook through a real
// kube-apiserver: envtest installs config/webhook pointed at the manager's
// webhook server, which runs in-process with the controller's indexes and
// reconcilers, as `--enable-webhooks` runs it.
package webhook_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/orgplane/orgplane/internal/testing/builders"
	"github.com/orgplane/orgplane/internal/testing/testenv"
)

var (
	env *testenv.Env
	// k8s is a client whose warnings land in warned.
	k8s    client.Client
	warned = &recorder{}
	ctx    = context.Background()
)

func TestMain(m *testing.M) {
	testenv.Main(m, &env, testenv.WithWebhooks(), testenv.WithManager(), testenv.Setup(warningClient))
}

// warningClient makes k8s and waits until the API server reaches the
// webhook: with failurePolicy Ignore, requests made before that are
// admitted silently.
func warningClient(env *testenv.Env) error {
	cfg := rest.CopyConfig(env.Config)
	cfg.WarningHandler = warned
	var err error
	if k8s, err = client.New(cfg, client.Options{Scheme: env.Scheme}); err != nil {
		return err
	}
	probe := builders.MakePlatform("probe", "default").Category("CDP").Owner("nobody").Obj()
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

func (r *recorder) HandleWarningHeader(_ int, _, text string) {
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

// cached waits until the manager's cache, which the webhook reads, holds
// obj at its current generation (or a later one), or (gone) no longer holds
// it.
func cached(t *testing.T, obj client.Object, gone bool) {
	t.Helper()
	key := client.ObjectKeyFromObject(obj)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		got := obj.DeepCopyObject().(client.Object)
		err := env.Manager.GetCache().Get(ctx, key, got)
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
