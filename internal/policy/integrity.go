package policy

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// Integrity is the built-in reference integrity check, always on, even where
// no GovernancePolicy exists. Its violations are High, because a dangling
// reference or a reporting cycle makes the declared structure wrong, but
// Audit: the check cannot be switched off or tuned, so it must not gate
// readiness (a GitOps sync that applies a Platform before its Team would
// otherwise block its own health checks). Users who want references to gate
// readiness write an Enforce policy with the rule types that check them.
var Integrity = RuleRef{Policy: "builtin", Rule: "integrity", Severity: orgv1.SeverityHigh, Enforcement: orgv1.EnforcementAudit}

// integrityRead is what the integrity check reads: the existence of every
// object a reference names and, for a team, the chain of its parents.
var integrityRead = reader{name: "integrity", judges: []reads{
	on(orgv1.KindOrganization, dep("executives': existence", toTeams)),
	on(orgv1.KindTeam, dep("existence", toTeams), dep("parentRefs (cycles)", ancestors())),
	on(orgv1.KindPlatform, dep("existence", toTeams), dep("existence", toCommittee)),
	on(orgv1.KindSteeringCommittee, dep("existence", toTeams)),
	on(orgv1.KindResponsibilityMatrix, dep("existence", toTeams), dep("existence", refs(orgv1.KindPlatform))),
}}

// integrity reports, on the object that holds them, the references that do
// not resolve and, for a team, its being on a cycle of parentRefs.
func integrity(c *evalCtx, s *subject) []problem {
	var out []problem
	c.refs = appendFieldRefs(c.refs[:0], s.obj)
	for _, fr := range c.refs {
		if resolve(c.g, fr.ref) == nil {
			out = append(out, notFound(c.g, s, fr))
		}
	}
	if t, ok := s.obj.(*orgv1.Team); ok {
		if p := c.teamPlace(s, t); p.cycle != nil {
			out = append(out, cycleProblem(s, p))
		}
	}
	return out
}

// Dangling reports whether obj names an object that g does not hold, in a
// namespace g watches: an object that may yet be created (one in a
// namespace g does not watch never resolves).
func Dangling(g Graph, obj metav1.Object) bool {
	for _, fr := range appendFieldRefs(nil, obj) {
		if Watches(g, fr.ref.Namespace) && resolve(g, fr.ref) == nil {
			return true
		}
	}
	return false
}

// notFound is the problem of a reference that does not resolve in g.
func notFound(g Graph, s *subject, fr fieldRef) problem {
	return s.problem(fr.field.String(), "%s %s %s", kindWords[fr.ref.Kind], s.rel(fr.ref), unresolved(g, fr.ref))
}

// unresolved says why ref, which g does not hold, does not resolve: it is not
// found, or it lies in a namespace that g does not watch (Scoped), where it
// may well exist.
func unresolved(g Graph, ref ObjectRef) string {
	if !Watches(g, ref.Namespace) {
		return "is in a namespace this controller does not watch (--watch-namespaces), so it cannot be resolved"
	}
	return "not found"
}
