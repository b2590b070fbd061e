package chaos

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/testing/testenv"
)

// rssCeiling is a safety ceiling on the manager's memory under the flood,
// far above what it uses: a leak or an unbounded queue crosses it, a slow
// machine does not.
const rssCeiling = 1 << 30

// TestOverload floods the manager with spec changes (200 a second, as
// merge patches from several clients) while its health probes are polled:
// they stay 200, its memory stays under a safety ceiling, and once the
// flood stops its workqueues drain to empty and the status agrees with the
// engine.
func TestOverload(t *testing.T) {
	ctx := t.Context()
	ns, objs, m := converged(t, "overload-", size(200, 2000))

	watch := watchManager(t, m)
	// Enough clients that the apiserver's latency caps the rate less, and
	// no more than the objects: edit gives each client its own.
	const rate = 200
	targets := mutable(objs)
	workers := min(200, len(targets))
	d := size(10*time.Second, 60*time.Second)
	mut := newMutator(objs, 6)
	var mu sync.Mutex // the mutator's random source is not safe for concurrent use
	change := func(ctx context.Context, o orgv1.Object) error {
		before := o.DeepCopyObject().(client.Object)
		mu.Lock()
		mut.mutate(o)
		mu.Unlock()
		return env.Client.Patch(ctx, o, client.MergeFrom(before))
	}
	start := time.Now()
	changes, err := edit(ctx, targets, workers, time.Duration(workers)*time.Second/rate, d, change)
	if err != nil {
		t.Fatal(err)
	}
	flood := time.Since(start)
	stopped := time.Now()
	drained := waitDrained(t, m)
	agrees(t, ns, offline(t, objs))
	agreed := time.Since(stopped)
	probes := watch.stop()
	if probes.failed > 0 {
		t.Errorf("%d of %d probes failed during the flood, the first: %s", probes.failed, probes.polled, probes.first)
	}
	if probes.peakRSS > rssCeiling {
		t.Errorf("peak RSS %d MiB, above the safety ceiling of %d MiB", probes.peakRSS>>20, rssCeiling>>20)
	}
	recordFigures(t, "overload", fmt.Sprintf(`| Figure | Value |
|---|---|
| Objects | %d |
| Spec changes (merge patches) sent / rate achieved | %d in %.0f s / %.0f/s (%d/s asked) |
| Health and readiness probes polled / failed | %d / %d |
| Deepest workqueue seen (sum over controllers) | %.0f |
| Workqueues empty after the flood stopped | %.1f s |
| Status agreed with the engine after the flood stopped | %.1f s |
| Peak RSS during the flood (safety ceiling asserted: %d MiB) | %d MiB |
`, len(objs), changes, flood.Seconds(), float64(changes)/flood.Seconds(), rate, probes.polled, probes.failed,
		probes.maxDepth, drained.Sub(stopped).Seconds(), agreed.Seconds(), rssCeiling>>20, probes.peakRSS>>20))
}

// health is what watchManager saw.
type health struct {
	polled, failed int
	first          string
	maxDepth       float64
	peakRSS        int64
}

type healthWatch struct {
	stop func() health
}

// watchManager polls m's /healthz and /readyz, its workqueue depth and its
// RSS, a few times a second, until stop.
func watchManager(t testing.TB, m *testenv.Process) healthWatch {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	var h health
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			for _, path := range []string{"/healthz", "/readyz"} {
				h.polled++
				reqCtx, cancelReq := context.WithTimeout(ctx, 5*time.Second)
				code, err := m.Probe(reqCtx, path)
				cancelReq()
				if ctx.Err() != nil {
					return
				}
				if err != nil || code != http.StatusOK {
					h.failed++
					if h.first == "" {
						h.first = fmt.Sprintf("%s: %d %v", path, code, err)
					}
				}
			}
			if fams, err := m.Scrape(ctx); err == nil {
				h.maxDepth = max(h.maxDepth, fams.Sum("workqueue_depth", nil))
			}
			if rss, err := m.RSS(); err == nil {
				h.peakRSS = max(h.peakRSS, rss)
			}
		}
	}()
	return healthWatch{stop: func() health {
		cancel()
		<-done
		return h
	}}
}

// waitDrained waits until every workqueue of m is empty and returns when.
func waitDrained(t testing.TB, m *testenv.Process) time.Time {
	t.Helper()
	for deadline := time.Now().Add(converge); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		fams, err := m.Scrape(t.Context())
		if err == nil && fams["workqueue_depth"] != nil && fams.Sum("workqueue_depth", nil) == 0 {
			return time.Now()
		}
	}
	t.Fatalf("the workqueues of %s never drained within %s", m.Name, converge)
	return time.Time{}
}
