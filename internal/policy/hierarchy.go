package policy

import (
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
// no (resolvable) parent, or before a parent already in the chain; back is
// then the ref of that parent, so t lies on a cycle exactly when back is t.
func chain(g Graph, t *orgv1.Team) (teams []*orgv1.Team, back *ObjectRef) {
	seen := map[ObjectRef]bool{}
	for t != nil {
		r := refOf(t)
		if seen[r] {
			return teams, &r
		}
		seen[r] = true
		teams = append(teams, t)
		t = parent(g, t)
	}
	return teams, nil
}

// cycleOf returns the cycle of parentRefs through t, from t back to t, or
// nil when t is not on one (a team hanging below a cycle is not on it).
func cycleOf(g Graph, t *orgv1.Team) []ObjectRef {
	teams, back := chain(g, t)
	if back == nil || *back != refOf(t) {
		return nil
	}
	cycle := make([]ObjectRef, 0, len(teams)+1)
	for _, m := range teams {
		cycle = append(cycle, refOf(m))
	}
	return append(cycle, refOf(t))
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
