package policy

import (
	"maps"
	"slices"
	"sync"

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

// TeamHierarchy keeps the places of teams in the parentRef hierarchy across
// evaluations, so that judging every team of a chain one evaluation at a
// time costs time linear in the teams, not in their depths. It is safe for
// concurrent use. Its owner must call TeamChanged on every change of a team
// before re-evaluating what the change concerns; the evaluations must read
// a Graph that holds every change TeamChanged has been told of (an informer
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
// the lock, so that a change TeamChanged hears of after the walk drops what
// it placed, and one it heard of before is in g.
func (h *TeamHierarchy) place(g Graph, t *orgv1.Team) *place {
	h.mu.Lock()
	defer h.mu.Unlock()
	if p := h.placed[nameOf(t)]; p != nil {
		return p
	}
	// t was read before the lock: a change TeamChanged has handled since
	// would never drop a place worked out from the version before it.
	cur := g.Team(t.Namespace, t.Name)
	if cur == nil { // deleted since: its place is this evaluation's alone
		alone := placements{placed: map[teamName]*place{}}
		return alone.walk(g, t)
	}
	return h.walk(g, cur)
}

// TeamChanged drops the places that a change of the named team may move:
// its creation, an update, or its deletion (obj nil). Places worked out
// from the same parentRef, type and function stay, whatever else changed.
func (h *TeamHierarchy) TeamChanged(namespace, name string, obj *orgv1.Team) {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := teamName{namespace, name}
	if p := h.placed[n]; p != nil && (obj == nil || !samePlacing(p.team, obj)) {
		h.drop(p.tree)
	}
	if obj != nil {
		for _, tr := range slices.Clone(h.dangling[n]) {
			h.drop(tr)
		}
	}
}

// drop forgets the places of a tree.
func (ps *placements) drop(tr *tree) {
	maps.DeleteFunc(ps.placed, func(_ teamName, p *place) bool { return p.tree == tr })
	if l := slices.DeleteFunc(ps.dangling[tr.dangles], func(d *tree) bool { return d == tr }); len(l) > 0 {
		ps.dangling[tr.dangles] = l
	} else {
		delete(ps.dangling, tr.dangles)
	}
}

// samePlacing reports whether two versions of a team stand in the same place
// for the same teams above it: what a place reads of a team.
func samePlacing(a, b *orgv1.Team) bool {
	return a.Spec.Type == b.Spec.Type && a.Spec.Function == b.Spec.Function &&
		(a.Spec.ParentRef == nil) == (b.Spec.ParentRef == nil) &&
		(a.Spec.ParentRef == nil || teamKey(a.Namespace, *a.Spec.ParentRef) == teamKey(b.Namespace, *b.Spec.ParentRef))
}
