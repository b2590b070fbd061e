package controllers

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

func TestEchoes(t *testing.T) {
	a := objectID{orgv1.KindTeam, types.NamespacedName{Namespace: "acme", Name: "a"}}
	b := objectID{orgv1.KindPlatform, types.NamespacedName{Namespace: "acme", Name: "a"}}
	// One step on the recorded writes: a patch sent, a write (from → rv;
	// a failed patch without rv), an update event (rv; is it an echo?), a
	// reconcile reading the cache at rv (which version stands in for it, ""
	// for the cache's own), or a deletion.
	type step struct {
		op     string // write, wrote, update, read, forget
		id     objectID
		from   string
		rv     string
		echo   bool
		latest string
	}
	wrote := func(id objectID, from, rv string) step { return step{op: "wrote", id: id, from: from, rv: rv} }
	update := func(id objectID, rv string, echo bool) step { return step{op: "update", id: id, rv: rv, echo: echo} }
	read := func(id objectID, rv, latest string) step { return step{op: "read", id: id, rv: rv, latest: latest} }
	for _, tc := range []struct {
		name  string
		steps []step
	}{{
		name:  "the write's own update is an echo, once",
		steps: []step{wrote(a, "4", "5"), update(a, "5", true), update(a, "5", false)},
	}, {
		name:  "an update from before the write is none, and the write stays recorded",
		steps: []step{wrote(a, "4", "5"), update(a, "3", false), update(a, "4", false), update(a, "5", true)},
	}, {
		name:  "another writer's update is none",
		steps: []step{wrote(a, "4", "5"), update(a, "6", false)},
	}, {
		name:  "objects of other kinds are apart",
		steps: []step{wrote(a, "4", "5"), update(b, "5", false), read(b, "4", ""), update(a, "5", true)},
	}, {
		name:  "nothing is an echo of a deleted object",
		steps: []step{wrote(a, "4", "5"), {op: "forget", id: a}, update(a, "5", false), read(a, "4", "")},
	}, {
		name:  "nothing written, no echo and no stand-in",
		steps: []step{update(a, "1", false), read(a, "1", "")},
	}, {
		name:  "until its echo a write stands in for the version it was made from",
		steps: []step{wrote(a, "4", "5"), read(a, "4", "5"), read(a, "4", "5"), update(a, "5", true), read(a, "5", "")},
	}, {
		name:  "a write made from a stand-in extends the chain, whose echoes all drop",
		steps: []step{wrote(a, "4", "5"), read(a, "4", "5"), wrote(a, "5", "6"), read(a, "4", "6"), update(a, "5", true), read(a, "5", "6"), update(a, "6", true)},
	}, {
		name:  "a write made from the cache's newer version starts again",
		steps: []step{wrote(a, "4", "5"), wrote(a, "7", "8"), update(a, "5", false), read(a, "7", "8"), update(a, "8", true)},
	}, {
		name:  "the cache holding the write stands in for nothing, and its echo still drops",
		steps: []step{wrote(a, "4", "5"), read(a, "5", ""), read(a, "4", ""), update(a, "5", true)},
	}, {
		name:  "an echo that outruns the patch's response leaves nothing recorded",
		steps: []step{{op: "write", id: a}, update(a, "5", false), wrote(a, "4", "5"), read(a, "4", ""), update(a, "5", false)},
	}, {
		name:  "an update during the patch that is not its echo leaves the write recorded",
		steps: []step{{op: "write", id: a}, update(a, "4", false), wrote(a, "4", "5"), read(a, "4", "5"), update(a, "5", true)},
	}, {
		name:  "a failed patch records nothing",
		steps: []step{{op: "write", id: a}, wrote(a, "4", ""), read(a, "4", ""), update(a, "5", false)},
	}, {
		name:  "the cache holding another writer's version forgets the write",
		steps: []step{wrote(a, "4", "5"), read(a, "6", ""), update(a, "5", false), read(a, "4", "")},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEchoes()
			for i, s := range tc.steps {
				switch s.op {
				case "write":
					e.write(s.id)
				case "wrote":
					var obj orgv1.Object
					if s.rv != "" {
						obj = &orgv1.Team{ObjectMeta: metav1.ObjectMeta{ResourceVersion: s.rv, ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "m"}}}}
					}
					e.wrote(s.id, s.from, obj)
				case "update":
					if got := e.echo(s.id, s.rv); got != s.echo {
						t.Errorf("step %d, update of %v to %s: echo %v, want %v", i, s.id, s.rv, got, s.echo)
					}
				case "read":
					var got string
					if l := e.latest(s.id, s.rv); l != nil {
						got = l.GetResourceVersion()
						if l.GetManagedFields() != nil {
							t.Errorf("step %d: the stand-in keeps managedFields, which the cache's objects do not", i)
						}
					}
					if got != s.latest {
						t.Errorf("step %d, reading %v at %s: stand-in %q, want %q", i, s.id, s.rv, got, s.latest)
					}
				case "forget":
					e.forget(s.id)
				}
			}
		})
	}
}
