package chaos

import (
	"fmt"
	"testing"
	"time"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// TestAPIServerRestart kills the manager's kube-apiserver (etcd kept) while
// the manager runs, changes the org meanwhile through a second apiserver on
// the same etcd (as in a highly available control plane whose other member
// stays up), and starts the first again on the same port: the same manager
// process, never restarted, converges the changes. Its error lines during
// the outage are counted: client-go's backoff must keep them few.
func TestAPIServerRestart(t *testing.T) {
	ctx := t.Context()
	ns, objs, m := converged(t, "outage-", size(100, 500))
	peer := env.PeerAPIServer(t)

	outage := size(3*time.Second, 20*time.Second)
	errorsBefore, linesBefore := len(m.ErrorLines()), len(m.Logs.Matching(""))
	if err := env.KillAPIServer(); err != nil {
		t.Fatal(err)
	}
	stopped := time.Now()
	// The changes made during the outage: a spec change to a tenth of the
	// teams and platforms, and a new team that some of them now report to.
	mut := newMutator(objs, 2)
	changed := 0
	for i, o := range mutable(objs) {
		if i%10 != 0 {
			continue
		}
		if err := peer.Get(ctx, objKey(o), o); err != nil {
			t.Fatal(err)
		}
		mut.mutate(o)
		if err := peer.Update(ctx, o); err != nil {
			t.Fatalf("updating %s through the second apiserver: %v", key(o), err)
		}
		changed++
	}
	newcomer := &orgv1.Team{}
	newcomer.Name, newcomer.Namespace = "newcomer", ns
	newcomer.Spec.Type, newcomer.Spec.Function = "Department", "Marketing"
	newcomer.Spec.ParentRef = &orgv1.TeamRef{Name: "nobody"}
	if err := peer.Create(ctx, newcomer); err != nil {
		t.Fatal(err)
	}
	objs = append(objs, newcomer)
	time.Sleep(time.Until(stopped.Add(outage))) // the outage itself, not a wait for anything
	if err := env.StartAPIServer(); err != nil {
		t.Fatalf("restarting kube-apiserver: %v", err)
	}
	down := time.Since(stopped)
	outageErrors, outageLines := len(m.ErrorLines())-errorsBefore, len(m.Logs.Matching(""))-linesBefore
	select {
	case <-m.Exited():
		t.Fatal("the manager exited during the outage")
	default:
	}
	recovered := agrees(t, ns, offline(t, objs))
	select {
	case <-m.Exited():
		t.Fatal("the manager exited after the outage")
	default:
	}
	errorsAfter := len(m.ErrorLines()) - errorsBefore - outageErrors
	// A safety ceiling, not a target: a storm logs per event or per retry
	// without backoff, thousands a second.
	if ceiling := int(down.Seconds()+float64(recovered.Seconds()))*20 + 50; outageErrors+errorsAfter > ceiling {
		t.Errorf("%d error lines during and after an outage of %s: an error storm (ceiling %d)", outageErrors+errorsAfter, down.Round(time.Second), ceiling)
	}
	rss, err := m.RSS()
	if err != nil {
		t.Fatal(err)
	}
	recordFigures(t, "apiserver", fmt.Sprintf(`| Figure | Value |
|---|---|
| Objects | %d |
| Apiserver down (SIGKILLed, etcd kept) | %.1f s |
| Spec changes and creations during the outage (second apiserver) | %d + 1 |
| Manager restarts | 0 |
| Status agreed with the engine, after the apiserver came back | %.1f s |
| Manager log lines during the outage (of which errors) | %d (%d) |
| Manager error lines after it | %d |
| Manager RSS afterwards | %d MiB |
`, len(objs), down.Seconds(), changed, recovered.Seconds(), outageLines, outageErrors, errorsAfter, rss>>20))
}
