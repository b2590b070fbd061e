package policy

import (
	"fmt"
	"sync/atomic"

	"golang.org/x/text/unicode/norm"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// Teams form a hierarchy through parentRef. Objects are compared by
// reference, not pointer, since a Graph may hand out copies.

func refOf(t *orgv1.Team) ObjectRef {
	return ObjectRef{Kind: orgv1.KindTeam, Namespace: t.Namespace, Name: t.Name}
}

// parent resolves t's parentRef; nil when it has none or it does not resolve.
func parent(g Graph, t *orgv1.Team) *orgv1.Team {
	return lookupTeam(g, t.Namespace, t.Spec.ParentRef)
}

// chain returns t and its ancestors, nearest first. It stops at a team with
// no (resolvable) parent, or before a parent already in the chain. It costs
// the depth of t: only for the one team an inference is about.
func chain(g Graph, t *orgv1.Team) []*orgv1.Team {
	var teams []*orgv1.Team
	seen := map[ObjectRef]bool{}
	for t != nil && !seen[refOf(t)] {
		seen[refOf(t)] = true
		teams = append(teams, t)
		t = parent(g, t)
	}
	return teams
}

// hierarchy is where teams stand in the parentRef hierarchy, as one
// evaluation sees it: each team's place is computed on first use by one
// walk up to a team already placed, so placing every team of a namespace
// costs time linear in the number of teams, whatever the depth, and a
// cycle is found once for all its teams. Teams are looked up in g. When g
// shares a TeamHierarchy (HierarchyCache), the places come from it and
// placements only remembers them, so that an evaluation locks it once per
// team.
type hierarchy struct {
	g Graph
	placements
	shared *TeamHierarchy
}

// placements are the places of the teams placed so far.
type placements struct {
	placed map[teamName]*place
	// dangling lists, by the team a top's parentRef names but that does not
	// exist, the trees under that top, which its creation moves; nil when
	// not kept (an evaluation's own hierarchy sees no creation).
	dangling map[teamName][]*tree
	// borrow, when set, gives the place of a team met on a walk that
	// another hierarchy holds and that this one may take as it is
	// (HierarchyBase); nil when it may not.
	borrow func(t *orgv1.Team) *place
}

// teamName names a team; cheaper to hash than an ObjectRef.
type teamName struct{ namespace, name string }

func nameOf(t *orgv1.Team) teamName { return teamName{t.Namespace, t.Name} }

func (n teamName) ref() ObjectRef {
	return ObjectRef{Kind: orgv1.KindTeam, Namespace: n.namespace, Name: n.name}
}

// placedTeam is what places a team, copied out of it: a shared place
// outlives the version of the team it was read from, and holding that
// version would keep the whole object, and whatever the cache has since
// replaced, alive.
type placedTeam struct {
	teamName
	// parent is the team parentRef names; zero without one.
	parent   teamName
	typ      orgv1.TeamType
	function orgv1.TeamFunction
}

func placing(t *orgv1.Team) placedTeam {
	pt := placedTeam{teamName: nameOf(t), typ: t.Spec.Type, function: t.Spec.Function}
	if r := t.Spec.ParentRef; r != nil {
		k := teamKey(t.Namespace, *r)
		pt.parent = teamName{k.Namespace, k.Name}
	}
	return pt
}

func newHierarchy(g Graph) *hierarchy {
	h := &hierarchy{g: g, placements: placements{placed: map[teamName]*place{}}}
	switch hg := g.(type) {
	case HierarchyBase:
		if shared, base, changed := hg.HierarchyBase(); shared != nil {
			h.borrow = func(t *orgv1.Team) *place { return shared.borrowed(g, base, changed, t) }
		}
	case HierarchyCache:
		h.shared = hg.TeamHierarchy()
	}
	return h
}

// place is one team's position.
type place struct {
	// team is the team as it was placed; TeamHierarchy drops the place
	// when that changes.
	team placedTeam
	// cycle is the cycle of parentRefs the team is on, nil when none (a
	// team below a cycle is not on it), and at is the team's index in it.
	cycle *cycle
	at    int
	// onCycle is the team's problem of being on its cycle, once written:
	// the integrity check and TeamStructure both report it, and evaluations
	// sharing the place may write it at once (the same message).
	onCycle atomic.Pointer[problem]
	// nearest are the nearest teams up the solid line, the team itself
	// included, that are a BusinessUnit, a CenterOfExcellence, of function
	// IT and of function Marketing (nil when there is none); on a cycle,
	// the line goes once around it.
	nearest [marks]*placedTeam
	// tree is what the place was worked out from.
	tree *tree
	// done is false while a walk is placing the team; at is then its
	// position on the walk.
	done bool
}

// tree is the teams placed up to one top team (whose parent does not
// resolve) or one cycle: every place depends on the teams above it only, so
// a change to a team, or the creation of the parent a top names, moves the
// places of its tree and no other.
type tree struct {
	// dangles is the team the top's parentRef names, when it does not
	// exist; the zero teamName otherwise.
	dangles teamName
	// teams are the teams placed in it, when a TeamHierarchy keeps them
	// (placements.dangling is not nil), so that dropping it costs its size.
	teams []teamName
}

// cycle is a cycle of parentRefs: each team's parent is the next one, the
// last's the first.
type cycle struct {
	teams []teamName
	// more ends the message of a cycle too long to name every team.
	more string
}

// mark is a kind of team that the inferences look up the solid line for.
type mark int

const (
	markBusinessUnit mark = iota
	markCenterOfExcellence
	markIT
	markMarketing
	marks // how many there are
)

func (m mark) of(t placedTeam) bool {
	switch m {
	case markBusinessUnit:
		return t.typ == orgv1.TeamTypeBusinessUnit
	case markCenterOfExcellence:
		return t.typ == orgv1.TeamTypeCenterOfExcellence
	case markIT:
		return t.function == orgv1.FunctionIT
	}
	return t.function == orgv1.FunctionMarketing
}

// place returns t's place: from the shared hierarchy if g has one, or
// placing t and the teams above it that this evaluation has not placed yet.
func (h *hierarchy) place(t *orgv1.Team) *place {
	if h.shared == nil {
		return h.walk(h.g, t)
	}
	name := nameOf(t)
	p := h.placed[name]
	if p == nil {
		p = h.shared.place(h.g, t)
		h.placed[name] = p
	}
	return p
}

// walk returns t's place, placing t and the teams above it that are not
// placed yet; it looks them up in g.
func (ps *placements) walk(g Graph, t *orgv1.Team) *place {
	// Walk up until a team already placed, the top, or a team of this walk
	// again: the walk then ends in a cycle, from that team on.
	var buf [16]*place // as deep as most walks go
	walk := buf[:0]
	var first, above *place
	var tr *tree
	for t != nil {
		name := nameOf(t)
		p := ps.placed[name]
		if p == nil && ps.borrow != nil {
			if p = ps.borrow(t); p != nil {
				ps.placed[name] = p
			}
		}
		if p != nil && p.done {
			above, tr = p, p.tree
			break
		}
		if p != nil {
			k := p.at
			tr = ps.closeCycle(walk[k:])
			ps.keep(tr, walk[k:])
			walk, above = walk[:k], p
			break
		}
		p = &place{team: placing(t), at: len(walk)}
		if first == nil {
			first = p
		}
		ps.placed[name] = p
		walk = append(walk, p)
		t = parent(g, t)
	}
	if tr == nil && len(walk) > 0 { // the walk reached a top
		tr = ps.newTree(walk[len(walk)-1].team)
	}
	ps.keep(tr, walk)
	for i := len(walk) - 1; i >= 0; i-- {
		p := walk[i]
		for m := range marks {
			switch {
			case m.of(p.team):
				p.nearest[m] = &p.team
			case above != nil:
				p.nearest[m] = above.nearest[m]
			}
		}
		p.at, p.done, p.tree = 0, true, tr
		above = p
	}
	if first == nil { // t was placed before
		return above
	}
	return first
}

// keep adds the teams of places to tr's, when the trees are kept.
func (ps *placements) keep(tr *tree, places []*place) {
	if ps.dangling != nil {
		for _, p := range places {
			tr.teams = append(tr.teams, p.team.teamName)
		}
	}
}

// newTree is the tree under top, a team whose parent does not resolve,
// kept under the parent its parentRef names if dangling is kept.
func (ps *placements) newTree(top placedTeam) *tree {
	tr := &tree{}
	if top.parent != (teamName{}) && ps.dangling != nil {
		tr.dangles = top.parent
		ps.dangling[tr.dangles] = append(ps.dangling[tr.dangles], tr)
	}
	return tr
}

// teamPlace is the place of s, a team, looked up once per subject: the
// integrity check and TeamStructure both read it.
func (c *evalCtx) teamPlace(s *subject, t *orgv1.Team) *place {
	if s.place == nil {
		s.place = c.teams.place(t)
	}
	return s.place
}

// closeCycle places the teams of a cycle, in parent order, and returns
// their tree.
func (ps *placements) closeCycle(ring []*place) *tree {
	c := &cycle{teams: make([]teamName, len(ring))}
	if n := len(ring); n > maxCycleNamed {
		c.more = fmt.Sprintf(" -> ... and %s more; cycle of %s teams", thousands(n-maxCycleNamed), thousands(n))
	}
	tr := &tree{}
	for i, p := range ring {
		c.teams[i] = p.team.teamName
		p.cycle, p.at, p.done, p.tree = c, i, true, tr
	}
	// Going round twice backward, the last team marked seen is the nearest
	// one forward, around the cycle, from each team.
	for m := range marks {
		var nearest *placedTeam
		for i := 2*len(ring) - 1; i >= 0; i-- {
			if p := ring[i%len(ring)]; m.of(p.team) {
				nearest = &p.team
			}
			if i < len(ring) {
				ring[i].nearest[m] = nearest
			}
		}
	}
	return tr
}

// maxCycleNamed is how many teams of a cycle its message names.
const maxCycleNamed = 5

// cycleProblem is the problem of a team on a cycle of parentRefs: the cycle
// from the team back to it, or, for a long one, its first maxCycleNamed
// teams from the team and the cycle's length, so that a message stays short
// however long the cycle.
func cycleProblem(s *subject, p *place) problem {
	pr := p.onCycle.Load()
	if pr == nil {
		w := writeCycle(s, p)
		pr = &w
		p.onCycle.Store(pr)
	}
	return *pr
}

// writeCycle writes the problem of s, which is p's team, being on a cycle.
func writeCycle(s *subject, p *place) problem {
	const field = "spec.parentRef"
	c := p.cycle
	n := len(c.teams)
	b := []byte(s.prefix() + field + ": team is on a cycle of parentRefs: ")
	for i := range min(n, maxCycleNamed) {
		if i > 0 {
			b = append(b, " -> "...)
		}
		b = s.appendRel(b, c.teams[(p.at+i)%n].ref())
	}
	if n <= maxCycleNamed {
		b = s.appendRel(append(b, " -> "...), s.ref)
	} else {
		b = append(b, c.more...)
	}
	return problem{field: field, message: string(b)}
}

// thousands writes n with commas between groups of three digits.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// samePerson reports whether two person names are the same name: equal
// once both are in Unicode normal form C, so that "Élodie" typed with a
// precomposed É matches one typed as E and a combining accent.
func samePerson(a, b string) bool {
	return a == b || norm.NFC.String(a) == norm.NFC.String(b)
}

// isMember reports whether a person of that name is among t's members.
func isMember(t *orgv1.Team, name string) bool {
	for _, m := range t.Spec.Members {
		if samePerson(m.Name, name) {
			return true
		}
	}
	return false
}

// isLeadOrMember reports whether the named person leads t or is a member.
func isLeadOrMember(t *orgv1.Team, name string) bool {
	return (t.Spec.Lead != nil && samePerson(t.Spec.Lead.Name, name)) || isMember(t, name)
}
