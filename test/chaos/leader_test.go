package chaos

import (
	"context"
	"fmt"
	"maps"
	"sync"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/testing/testenv"
)

// leaseName is main's LeaderElectionID.
const leaseName = "orgplane.org.orgplane.io"

// TestLeaderElection runs two managers with --leader-elect: only the
// leader writes; SIGKILLed, the other takes over and converges new changes,
// and no object's status changes during the handover; stopped with
// SIGTERM, a leader releases its lease at once.
func TestLeaderElection(t *testing.T) {
	ctx := t.Context()
	ns := env.Namespace(t, "leader-")
	discard(t, ns)
	objs := generate(ns, size(100, 500))
	if err := create(ctx, env.Client, objs); err != nil {
		t.Fatal(err)
	}
	elect := []string{reportAPI, "--leader-elect", "--leader-election-namespace=" + ns}
	a := env.RunManager(t, "a", elect...)
	if err := a.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	waitLeader(t, a)
	agrees(t, ns, offline(t, objs))
	b := env.RunManager(t, "b", elect...)
	if err := b.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	holderA := ptr.Deref(lease(t, ns).Spec.HolderIdentity, "")

	// Work for the leader while both run: a spec change to a tenth of the
	// teams and platforms.
	mut := newMutator(objs, 3)
	changeSome(t, objs, mut, 10)
	agrees(t, ns, offline(t, objs))
	writesA, writesB := writes(t, a), writes(t, b)
	if writesB != 0 || writesA == 0 {
		t.Errorf("writes while a leads: a %v, b %v; want only a's", writesA, writesB)
	}

	// The handover: nothing changes in the specs, so no status may change.
	before := still(t, ns, 3*time.Second)
	flaps := watchChanges(t, ns, before)
	killed := time.Now()
	a.Kill()
	takeover := waitHolder(t, ns, func(h string) bool { return h != "" && h != holderA }).Sub(killed)
	waitLeader(t, b)
	agrees(t, ns, offline(t, objs))
	if changed := flaps.stop(); len(changed) > 0 {
		t.Errorf("status changed during the handover, with no spec change, of %d objects: %v", len(changed), changed)
	}
	changeSome(t, objs, mut, 10)
	agrees(t, ns, offline(t, objs))
	if w := writes(t, b); w == 0 {
		t.Error("b wrote nothing after taking over")
	}

	// A graceful stop releases the lease: the next replica need not wait
	// it out.
	if err := b.Terminate(30 * time.Second); err != nil {
		t.Fatal(err)
	}
	released := time.Now()
	after := lease(t, ns)
	if h := ptr.Deref(after.Spec.HolderIdentity, ""); h != "" {
		t.Errorf("after SIGTERM the lease is still held by %s", h)
	}
	c := env.RunManager(t, "c", elect...)
	waitHolder(t, ns, func(h string) bool { return h != "" })
	handover := time.Since(released)
	if err := c.Terminate(30 * time.Second); err != nil {
		t.Fatal(err)
	}
	recordFigures(t, "leader", fmt.Sprintf(`| Figure | Value |
|---|---|
| Objects | %d |
| Writes since start by the leader (a) / the standby (b) while a led (POST, PUT, PATCH, DELETE in their rest_client_requests_total) | %.0f / %.0f |
| Takeover after SIGKILL of the leader (lease duration 15 s, retry period 2 s) | %.1f s |
| Objects whose status changed during the handover | 0 |
| Lease after SIGTERM of the leader | released (holder cleared, duration %d s) |
| Next replica leading, from the release (its start included) | %.1f s |
`, len(objs), writesA, writesB, takeover.Seconds(), ptr.Deref(after.Spec.LeaseDurationSeconds, 0), handover.Seconds()))
}

// changeSome changes the spec of one in every of the mutable objects.
func changeSome(t testing.TB, objs []orgv1.Object, mut *mutator, every int) {
	t.Helper()
	for i, o := range mutable(objs) {
		if i%every != 0 {
			continue
		}
		if err := env.Client.Get(t.Context(), objKey(o), o); err != nil {
			t.Fatal(err)
		}
		mut.mutate(o)
		if err := env.Client.Update(t.Context(), o); err != nil {
			t.Fatal(err)
		}
	}
}

// writes is what a manager wrote so far.
func writes(t testing.TB, p *testenv.Process) float64 {
	t.Helper()
	fams, err := p.Scrape(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return fams.Writes()
}

// waitLeader waits until p says it leads (client-go's
// leader_election_master_status).
func waitLeader(t testing.TB, p *testenv.Process) {
	t.Helper()
	for deadline := time.Now().Add(converge); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if fams, err := p.Scrape(t.Context()); err == nil && fams.Sum("leader_election_master_status", nil) == 1 {
			return
		}
	}
	t.Fatalf("manager %s never led", p.Name)
}

func lease(t testing.TB, ns string) *coordinationv1.Lease {
	t.Helper()
	l := &coordinationv1.Lease{}
	if err := env.Client.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: leaseName}, l); err != nil {
		t.Fatal(err)
	}
	return l
}

// waitHolder watches the lease until its holder satisfies ok, and returns
// when it saw that.
func waitHolder(t testing.TB, ns string, ok func(holder string) bool) time.Time {
	t.Helper()
	w := newWatcher(t)
	ctx, cancel := context.WithTimeout(t.Context(), converge)
	defer cancel()
	ch, err := w.Watch(ctx, &coordinationv1.LeaseList{}, client.InNamespace(ns))
	if err != nil {
		t.Fatal(err)
	}
	defer ch.Stop()
	for ev := range ch.ResultChan() {
		if l, isLease := ev.Object.(*coordinationv1.Lease); isLease && l.Name == leaseName && l.Spec.HolderIdentity != nil && ok(*l.Spec.HolderIdentity) {
			return time.Now()
		}
	}
	t.Fatalf("the lease never got the holder awaited within %s", converge)
	return time.Time{}
}

func newWatcher(t testing.TB) client.WithWatch {
	t.Helper()
	w, err := client.NewWithWatch(env.Config, client.Options{Scheme: env.Scheme})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// changes records the objects of a namespace whose status, scrubbed as
// snapshot does, departs from a baseline.
type changes struct {
	mu      sync.Mutex
	changed map[string]bool
	cancel  context.CancelFunc
	done    sync.WaitGroup
}

// watchChanges watches every orgplane kind of ns until stop.
func watchChanges(t testing.TB, ns string, baseline map[string]string) *changes {
	t.Helper()
	w := newWatcher(t)
	ctx, cancel := context.WithCancel(t.Context())
	c := &changes{changed: map[string]bool{}, cancel: cancel}
	for _, k := range orgv1.Kinds {
		ch, err := w.Watch(ctx, k.NewList(), client.InNamespace(ns))
		if err != nil {
			t.Fatal(err)
		}
		c.done.Go(func() {
			defer ch.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case ev, open := <-ch.ResultChan():
					if !open {
						return
					}
					o, ok := ev.Object.(orgv1.Object)
					if !ok || ev.Type == watch.Bookmark {
						continue
					}
					if st := scrubbedStatus(o, ns); st != baseline[key(o)] {
						c.mu.Lock()
						c.changed[key(o)] = true
						c.mu.Unlock()
					}
				}
			}
		})
	}
	return c
}

// stop ends the watch and returns the objects that changed.
func (c *changes) stop() []string {
	c.cancel()
	c.done.Wait()
	var out []string
	for k := range c.changed {
		out = append(out, k)
	}
	return out
}

// still waits until no status of ns has changed for d, and returns the
// snapshot: the statuses that sum a namespace up (its Organization's, its
// GovernancePolicies') are written once its changes settle, after the
// objects' own, which agrees waits for.
func still(t testing.TB, ns string, d time.Duration) map[string]string {
	t.Helper()
	var last map[string]string
	since := time.Now()
	if !settle(t, ns, func() bool {
		cur, err := snapshot(t.Context(), env.Client, ns)
		if err != nil || !maps.Equal(cur, last) {
			last, since = cur, time.Now()
			return false
		}
		return time.Since(since) >= d
	}) {
		t.Fatalf("the status of %s never stood still for %s within %s", ns, d, converge)
	}
	return last
}
