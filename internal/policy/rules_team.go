package policy

import (
	"time"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// checkTeamStructure: the parent does not resolve; the team is on a cycle of
// parentRefs (teams below a cycle are not); the lead is not a member (by
// name); the team has expired (expiresAt <= now).
func checkTeamStructure(c *evalCtx, s *subject, _ *orgv1.Rule) []problem {
	t := s.obj.(*orgv1.Team)
	var out []problem
	if r := t.Spec.ParentRef; r != nil && parent(c.g, t) == nil {
		out = append(out, s.problem("spec.parentRef", "parent team %s not found", s.rel(teamKey(t.Namespace, *r))))
	}
	if cycle := cycleOf(c.g, t); cycle != nil {
		out = append(out, cycleProblem(s, cycle))
	}
	if l := t.Spec.Lead; l != nil && !isMember(t, l.Name) {
		out = append(out, s.problem("spec.lead", "lead %q is not among spec.members", l.Name))
	}
	if c.expired(t) {
		out = append(out, s.problem("spec.expiresAt", "team expired at %s", timestamp(t.Spec.ExpiresAt.Time)))
	}
	return out
}

// timestamp writes an instant as messages show it: RFC 3339 in UTC.
func timestamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }
