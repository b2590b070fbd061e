package chaos

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// TestConflicts has clients edit the specs of the same objects as fast as
// they can (read, change, update; on a conflict with the controller's
// status writes, read again and retry) while the controller writes their
// status: every change a client was told succeeded is in the final spec,
// and every final status is what the engine finds in the final specs.
func TestConflicts(t *testing.T) {
	ctx := t.Context()
	ns, objs, m := converged(t, "conflicts-", size(100, 500))

	// The contested objects: few enough that the controller's writes and
	// the clients' collide.
	contested := mutable(objs)[:size(20, 100)]
	mut := newMutator(objs, 5)
	var conflicts atomic.Int64
	var mu sync.Mutex // the mutator's random source is not safe for concurrent use
	change := func(ctx context.Context, o orgv1.Object) error {
		for {
			if err := env.Client.Get(ctx, objKey(o), o); err != nil {
				return err
			}
			mu.Lock()
			mut.mutate(o)
			mu.Unlock()
			err := env.Client.Update(ctx, o)
			if !apierrors.IsConflict(err) {
				return err
			}
			conflicts.Add(1)
		}
	}
	d := size(5*time.Second, 30*time.Second)
	edits, err := edit(ctx, contested, size(4, 8), 0, d, change)
	if err != nil {
		t.Fatal(err)
	}
	// The last spec each client wrote is the one in the apiserver.
	for _, o := range contested {
		want := o.DeepCopyObject().(orgv1.Object)
		if err := env.Client.Get(ctx, objKey(o), o); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(specOf(want), specOf(o)); diff != "" {
			t.Errorf("%s: a spec change was lost (-written +stored):\n%s", key(o), diff)
		}
	}
	recovered := agrees(t, ns, offline(t, objs))
	fams, err := m.Scrape(ctx)
	if err != nil {
		t.Fatal(err)
	}
	managerConflicts := fams.Sum("rest_client_requests_total", func(ls map[string]string) bool { return ls["code"] == "409" })
	recordFigures(t, "conflicts", fmt.Sprintf(`| Figure | Value |
|---|---|
| Objects / contested by the clients | %d / %d |
| Clients, editing for | %d, %.0f s |
| Spec updates accepted | %d (%.0f/s) |
| Client updates refused with a conflict (then retried) | %d |
| Manager requests refused with a conflict | %.0f |
| Spec changes lost | 0 |
| Status agreed with the engine on the final specs, after the edits stopped | %.1f s |
`, len(objs), len(contested), size(4, 8), d.Seconds(), edits, float64(edits)/d.Seconds(), conflicts.Load(), managerConflicts, recovered.Seconds()))
}

// specOf is an object's spec field.
func specOf(o orgv1.Object) any {
	switch o := o.(type) {
	case *orgv1.Team:
		return o.Spec
	case *orgv1.Platform:
		return o.Spec
	}
	return nil
}
