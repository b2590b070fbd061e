package policy

import (
	"slices"
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// HierarchyCache is a Graph whose evaluations share one TeamHierarchy: the
// controller's graph over its informer cache, where each object is judged
// by an evaluation of its own and placing a team afresh each time would
// walk its whole parent chain. TeamHierarchy may return nil: each
// evaluation then places the teams itself, as over any other Graph.
type HierarchyCache interface {
	TeamHierarchy() *TeamHierarchy
}

// HierarchyBase is a Graph that shows a TeamHierarchy's graph (base) with
// one object changed: the admission webhook's, the informer cache with the
// object being admitted in place of the stored one. Its evaluations place
// teams themselves, but up a parentRef chain they take, from the
// TeamHierarchy, the place of the first team that the change cannot move,
// so that admitting a team under a deep chain costs what placing one team
// costs, not the chain's depth. HierarchyBase may return a nil
// TeamHierarchy: the evaluation then places every team itself.
type HierarchyBase interface {
	HierarchyBase() (h *TeamHierarchy, base Graph, changed metav1.Object)
}

// TeamHierarchy keeps the places of teams in the parentRef hierarchy across
// evaluations, so that judging every team of a chain one evaluation at a
// time costs time linear in the teams, not in their depths. It is safe for
// concurrent use. Its owner must call Changed on every change of a team
// before re-evaluating what the change concerns; the evaluations must read
// a Graph that holds every change Changed has been told of (an informer
// cache does: its store changes before its handlers hear of it).
type TeamHierarchy struct {
	mu sync.Mutex
	placements
}

// NewTeamHierarchy returns an empty TeamHierarchy.
func NewTeamHierarchy() *TeamHierarchy {
	return &TeamHierarchy{placements: placements{placed: map[teamName]*place{}, dangling: map[teamName][]*tree{}}}
}

// place is t's place, placing the teams not placed yet, read from g. Under
// the lock, so that a change Changed hears of after the walk drops what
// it placed, and one it heard of before is in g.
func (h *TeamHierarchy) place(g Graph, t *orgv1.Team) *place {
	h.mu.Lock()
	defer h.mu.Unlock()
	if p := h.placed[nameOf(t)]; p != nil {
		return p
	}
	// t was read before the lock: a change Changed has handled since
	// would never drop a place worked out from the version before it.
	cur := g.Team(t.Namespace, t.Name)
	if cur == nil { // deleted since: its place is this evaluation's alone
		alone := placements{placed: map[teamName]*place{}}
		return alone.walk(g, t)
	}
	p := h.walk(g, cur)
	if e, ok := g.(interface{ Err() error }); ok && e.Err() != nil {
		// A lookup that failed (cachegraph's) looked like a missing team:
		// keep nothing this walk may have placed from it.
		h.drop(p.tree)
	}
	return p
}

// Changed drops the places that a change of an object may move, given its
// versions before and after the change (nil on a creation and a deletion),
// as ImpactOf takes them: a team's creation, update or deletion moves its
// tree, and a creation the trees whose top names it as parent. Places
// worked out from the same parentRef, type and function stay, whatever
// else changed; a change of any other kind moves nothing.
func (h *TeamHierarchy) Changed(before, after metav1.Object) {
	o := after
	if isNil(o) {
		o = before
	}
	if t, ok := o.(*orgv1.Team); !ok || t == nil {
		return
	}
	now, _ := after.(*orgv1.Team)
	h.mu.Lock()
	defer h.mu.Unlock()
	n := teamName{o.GetNamespace(), o.GetName()}
	if p := h.placed[n]; p != nil && (now == nil || p.team != placing(now)) {
		h.drop(p.tree)
	}
	if now != nil {
		for _, tr := range slices.Clone(h.dangling[n]) {
			h.drop(tr)
		}
	}
}

// drop forgets the places of a tree.
func (ps *placements) drop(tr *tree) {
	for _, n := range tr.teams {
		if p := ps.placed[n]; p != nil && p.tree == tr {
			delete(ps.placed, n)
		}
	}
	if l := slices.DeleteFunc(ps.dangling[tr.dangles], func(d *tree) bool { return d == tr }); len(l) > 0 {
		ps.dangling[tr.dangles] = l
	} else {
		delete(ps.dangling, tr.dangles)
	}
}

// borrowed is the place, in h, of t, a team of g met on a walk, when
// changed, the one object in which g differs from base (beside the teams g
// may find that base has not heard of yet), cannot have moved it: nil when
// it may have. A team not placed in h yet is placed over base.
func (h *TeamHierarchy) borrowed(g, base Graph, changed metav1.Object, t *orgv1.Team) *place {
	c, isTeam := changed.(*orgv1.Team)
	if isTeam && c.Namespace == t.Namespace && c.Name == t.Name {
		return nil
	}
	if base.Team(t.Namespace, t.Name) == nil {
		return nil // g found it, base has not: its place would be this walk's alone
	}
	p := h.place(base, t)
	h.mu.Lock()
	ok := h.placed[nameOf(t)] == p && p.team == placing(t)
	if ok && isTeam {
		// Above t, the changed team: on t's chain, or closing it.
		cp := h.placed[nameOf(c)]
		ok = p.tree.dangles != nameOf(c) && (cp == nil || cp.tree != p.tree)
	}
	h.mu.Unlock()
	if !ok {
		return nil
	}
	if d := p.tree.dangles; d != (teamName{}) && g.Team(d.namespace, d.name) != nil {
		return nil // the parent the top names exists in g: the chain goes on
	}
	return p
}
