package policy

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/testing/builders"
)

// sharingGraph is a Graph whose evaluations share a TeamHierarchy, as the
// controller's graph over its informer cache does.
type sharingGraph struct {
	*MemoryGraph
	teams *TeamHierarchy
}

func (g sharingGraph) TeamHierarchy() *TeamHierarchy { return g.teams }

// baseGraph is a Graph a change away from the graph of a TeamHierarchy
// (base), as the admission webhook's is from the informer cache.
type baseGraph struct {
	*MemoryGraph
	teams   *TeamHierarchy
	base    Graph
	changed metav1.Object
}

func (g baseGraph) HierarchyBase() (*TeamHierarchy, Graph, metav1.Object) {
	return g.teams, g.base, g.changed
}

// FuzzTeamHierarchy checks that evaluations sharing one TeamHierarchy find
// what fresh evaluations find, across a sequence of random changes (each
// changeBytes of changes) of which the hierarchy hears what the controller
// tells it: every change of a team, and nothing else. Before each change,
// evaluations of the organization with the change made, borrowing places
// from the hierarchy (HierarchyBase), must find what fresh ones find too.
func FuzzTeamHierarchy(f *testing.F) {
	f.Add([]byte("seed: a small organization"), []byte("a team changes, then another, then a platform"))
	f.Add([]byte{3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 6, 2, 6, 4, 3, 3, 8, 3, 2, 7, 9, 5}, []byte{0, 0, 1, 1, 2, 2, 3, 3})
	f.Fuzz(func(t *testing.T, org, changes []byte) {
		checkSharedHierarchy(t, newEngine(t), impactOrg(len(org), org), changes)
	})
}

// TestTeamHierarchy is FuzzTeamHierarchy over many generated inputs.
func TestTeamHierarchy(t *testing.T) {
	e := newEngine(t)
	rng := rand.New(rand.NewPCG(12, 10))
	bytes := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.UintN(256))
		}
		return b
	}
	for i := range 200 {
		checkSharedHierarchy(t, e, impactOrg(i, bytes(64+rng.IntN(600))), bytes(rng.IntN(8*changeBytes)))
		if t.Failed() {
			return
		}
	}
}

// changeBytes is how many bytes of FuzzTeamHierarchy's changes make one.
const changeBytes = 96

// checkSharedHierarchy evaluates the organization, then each version of it
// after each change, over one TeamHierarchy, and fails where a result
// differs from a fresh evaluation's.
func checkSharedHierarchy(t *testing.T, e *Engine, c impactCase, changes []byte) {
	t.Helper()
	h := NewTeamHierarchy()
	objects := c.objects
	for step := 0; ; step++ {
		compareShared(t, e, objects, h, step)
		if len(changes) == 0 || t.Failed() {
			return
		}
		change := changes[:min(changeBytes, len(changes))]
		changes = changes[len(change):]
		compareBorrowed(t, e, objects, h, change, c.namespaces, step)
		var old, changed metav1.Object
		objects, old, changed = applyChange(objects, change, c.namespaces)
		h.Changed(old, changed)
	}
}

// compareShared judges every object one evaluation at a time, two workers
// at once (as the controller's do), then every namespace, over h, and
// compares each result with a fresh evaluation's.
func compareShared(t *testing.T, e *Engine, objects []metav1.Object, h *TeamHierarchy, step int) {
	t.Helper()
	g := graph(t, objects...)
	shared := sharingGraph{g, h}
	fresh := e.Evaluate(g, now)
	got := make([]*Evaluation, len(fresh.Objects))
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Go(func() {
			for i := w; i < len(fresh.Objects); i += 2 {
				got[i] = e.EvaluateObject(shared, fresh.Objects[i].Ref, now)
			}
		})
	}
	wg.Wait()
	for i, o := range fresh.Objects {
		if diff := cmp.Diff(e.EvaluateObject(g, o.Ref, now), got[i]); diff != "" {
			t.Errorf("step %d: EvaluateObject(%s) over the shared hierarchy differs (-fresh +shared):\n%s", step, o.Ref, diff)
		}
	}
	if diff := cmp.Diff(fresh, e.Evaluate(shared, now)); diff != "" {
		t.Errorf("step %d: Evaluate over the shared hierarchy differs (-fresh +shared):\n%s", step, diff)
	}
}

// compareBorrowed makes the change that change's bytes describe to objects,
// which h has placed teams of, as one being admitted, and, when the bytes
// reversed describe the creation of a team, that too, as a team that a live
// lookup finds and the cache has not heard of yet. It judges every object
// over the result, borrowing places from h, and compares each result with
// a fresh evaluation's.
func compareBorrowed(t *testing.T, e *Engine, objects []metav1.Object, h *TeamHierarchy, change []byte, namespaces []string, step int) {
	t.Helper()
	admitted, _, changed := applyChange(objects, change, namespaces)
	if changed == nil {
		return
	}
	reversed := slices.Clone(change)
	slices.Reverse(reversed)
	if withLive, old, live := applyChange(admitted, reversed, namespaces); old == nil && live != nil && kindOfObject(live) == orgv1.KindTeam {
		admitted = withLive
	}
	g := graph(t, admitted...)
	view := baseGraph{g, h, graph(t, objects...), changed}
	fresh := e.Evaluate(g, now)
	for _, o := range fresh.Objects {
		if diff := cmp.Diff(e.EvaluateObject(g, o.Ref, now), e.EvaluateObject(view, o.Ref, now)); diff != "" {
			t.Errorf("step %d, %s admitted: EvaluateObject(%s) borrowing places differs (-fresh +borrowing):\n%s", step, describeChange(nil, changed), o.Ref, diff)
		}
	}
	if diff := cmp.Diff(fresh, e.Evaluate(view, now)); diff != "" {
		t.Errorf("step %d, %s admitted: Evaluate borrowing places differs (-fresh +borrowing):\n%s", step, describeChange(nil, changed), diff)
	}
}

// TestTeamHierarchyChanges follows the hierarchy through the changes that
// move places: a parent created after its child, a cycle closed and broken,
// a type changed halfway up, a team deleted.
func TestTeamHierarchyChanges(t *testing.T) {
	team := func(name, parent string, typ orgv1.TeamType) *orgv1.Team {
		b := builders.MakeTeam(name, ns).Type(typ)
		if parent != "" {
			b.Parent(parent)
		}
		return b.Obj()
	}
	structure := builders.MakeGovernancePolicy("gov", ns).Rules(
		builders.MakeRule("structure", orgv1.RuleTeamStructure).Obj(),
		builders.MakeRule("model", orgv1.RuleOrganizationModel).Obj()).Obj()
	owned := builders.MakePlatform("crm", ns).Owner("c").Obj()
	steps := []struct {
		name string
		put  *orgv1.Team // nil with del: deleted
		del  string
	}{
		{name: "c, under a missing b", put: team("c", "b", orgv1.TeamTypePracticeCenter)},
		{name: "a BusinessUnit", put: team("a", "", orgv1.TeamTypeBusinessUnit)},
		{name: "b, between them", put: team("b", "a", orgv1.TeamTypePracticeCenter)},
		{name: "a under c: a cycle", put: team("a", "c", orgv1.TeamTypeBusinessUnit)},
		{name: "a no longer a BusinessUnit", put: team("a", "c", orgv1.TeamTypePracticeCenter)},
		{name: "b a BusinessUnit, with no parent", put: team("b", "", orgv1.TeamTypeBusinessUnit)},
		{name: "b deleted", del: "b"},
		{name: "b again, a CenterOfExcellence under a", put: team("b", "a", orgv1.TeamTypeCenterOfExcellence)},
	}
	e := newEngine(t)
	h := NewTeamHierarchy()
	objects := []metav1.Object{structure, owned}
	for i, s := range steps {
		var old, changed metav1.Object
		name := s.del
		if s.put != nil {
			name, changed = s.put.Name, s.put
		}
		for j, o := range objects {
			if kindOfObject(o) == orgv1.KindTeam && o.GetName() == name {
				old = o
				objects = append(objects[:j:j], objects[j+1:]...)
				break
			}
		}
		if changed != nil {
			objects = append(objects, changed)
		}
		h.Changed(old, changed)
		compareShared(t, e, objects, h, i)
		if t.Failed() {
			t.Fatalf("after %q", s.name)
		}
	}
}

// BenchmarkChainObjects judges every team of a chain of parentRefs one
// EvaluateObject at a time, as the controller does on a cold start: each
// evaluation placing its team afresh walks the whole chain above it
// (quadratic in the depth), while a shared TeamHierarchy places each team
// once. Run the fresh case with a small size and -benchtime 1x.
func BenchmarkChainObjects(b *testing.B) {
	for _, c := range []struct {
		n      int
		shared bool
	}{{5000, false}, {5000, true}, {20000, false}, {20000, true}} {
		b.Run(fmt.Sprintf("teams=%d/shared=%t", c.n, c.shared), func(b *testing.B) {
			objects := hierarchyObjects("chain", c.n)
			g := graph(b, objects...)
			e := newEngine(b)
			b.ReportAllocs()
			for b.Loop() {
				var eg Graph = g
				if c.shared {
					eg = sharingGraph{g, NewTeamHierarchy()}
				}
				for _, o := range objects[1:] { // the policy, then the teams
					ref := ObjectRef{Kind: orgv1.KindTeam, Namespace: ns, Name: o.GetName()}
					e.EvaluateObject(eg, ref, now)
				}
			}
		})
	}
}

// failingGraph is a sharingGraph whose lookups of one team fail, as
// cachegraph's do: nil, and the error kept for Err.
type failingGraph struct {
	sharingGraph
	fail string
	err  error
}

func (g *failingGraph) Team(ns, name string) *orgv1.Team {
	if name == g.fail {
		g.err = errors.New("the cache is gone")
		return nil
	}
	return g.sharingGraph.Team(ns, name)
}

func (g *failingGraph) Err() error { return g.err }

// TestTeamHierarchyReadError: a lookup that failed during an evaluation
// leaves no place behind: the next evaluation, over a graph that reads
// well, finds the cycle.
func TestTeamHierarchyReadError(t *testing.T) {
	objects := hierarchyObjects("cycle", 4)
	g := graph(t, objects...)
	h := NewTeamHierarchy()
	e := newEngine(t)
	ref := ObjectRef{Kind: orgv1.KindTeam, Namespace: ns, Name: "team-3"}
	e.EvaluateObject(&failingGraph{sharingGraph: sharingGraph{g, h}, fail: "team-1"}, ref, now)
	if diff := cmp.Diff(e.EvaluateObject(g, ref, now), e.EvaluateObject(sharingGraph{g, h}, ref, now)); diff != "" {
		t.Errorf("after a failed read, the shared hierarchy differs (-fresh +shared):\n%s", diff)
	}
}
