package policy

import (
	"strings"
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
		ref := teamKey(t.Namespace, *r)
		out = append(out, s.problem("spec.parentRef", "parent team %s %s", s.rel(ref), unresolved(c.g, ref)))
	}
	if p := c.teamPlace(s, t); p.cycle != nil {
		out = append(out, cycleProblem(s, p))
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

// Defaults of the TemporaryTeam rule's params.
var (
	defaultTemporaryTypes = []orgv1.TeamType{orgv1.TeamTypeDigitalUnit, orgv1.TeamTypeTigerTeam}
	defaultNoticeDays     = int32(30)
)

// checkTemporaryTeam judges a team of a type in params.types (default
// DigitalUnit, TigerTeam): it has no expiresAt; or it has expired, or ends
// within params.noticeDays (default 30), while some platform's ownerRef
// names it and it has no successorRef. The notice's start and the end are
// instants at which the findings change, so they are remembered for
// RequeueAt.
func checkTemporaryTeam(c *evalCtx, s *subject, r *orgv1.Rule) []problem {
	t := s.obj.(*orgv1.Team)
	prm := params(r)
	if ok, _ := allowed(t.Spec.Type, prm.Types, defaultTemporaryTypes); !ok {
		return nil
	}
	if t.Spec.ExpiresAt == nil {
		return []problem{s.problem("spec.expiresAt", "%s team has no end date", t.Spec.Type)}
	}
	if t.Spec.SuccessorRef != nil {
		return nil
	}
	var owned []string
	self := refOf(t)
	for _, p := range c.g.PlatformsReferencing(t.Namespace, t.Name) {
		if p.Spec.OwnerRef != nil && teamKey(p.Namespace, *p.Spec.OwnerRef) == self {
			owned = append(owned, s.rel(ObjectRef{Kind: orgv1.KindPlatform, Namespace: p.Namespace, Name: p.Name}))
		}
	}
	if len(owned) == 0 {
		return nil
	}
	days := defaultNoticeDays
	if prm.NoticeDays != nil {
		days = *prm.NoticeDays
	}
	end := t.Spec.ExpiresAt.Time
	if !c.reached(end.Add(-time.Duration(days) * 24 * time.Hour)) {
		return nil
	}
	platforms := "platform " + owned[0]
	if len(owned) > 1 {
		platforms = "platforms " + strings.Join(owned, ", ")
	}
	if c.expired(t) {
		return []problem{s.problem("spec.successorRef", "team expired at %s but still owns %s and names no successor", timestamp(end), platforms)}
	}
	return []problem{s.problem("spec.successorRef", "team ends at %s, within the %d-day notice, and owns %s but names no successor", timestamp(end), days, platforms)}
}
