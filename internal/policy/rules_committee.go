package policy

import (
	"slices"
	"strings"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// defaultRequiredFunctions are SteeringCommitteeCoverage's groups when a
// rule gives none: IT, Data, and Sales or Support.
var defaultRequiredFunctions = []orgv1.FunctionGroup{
	{AnyOf: []orgv1.TeamFunction{orgv1.FunctionIT}},
	{AnyOf: []orgv1.TeamFunction{orgv1.FunctionData}},
	{AnyOf: []orgv1.TeamFunction{orgv1.FunctionSales, orgv1.FunctionSupport}},
}

func requiredGroups(r *orgv1.Rule) []orgv1.FunctionGroup {
	if groups := params(r).RequiredFunctions; len(groups) > 0 {
		return groups
	}
	return defaultRequiredFunctions
}

// groupName writes a group as its functions joined by "|", in given order.
func groupName(g orgv1.FunctionGroup) string {
	s := make([]string, len(g.AnyOf))
	for i, f := range g.AnyOf {
		s[i] = string(f)
	}
	return strings.Join(s, "|")
}

// memberFunctions is the set of functions of the committee's member teams
// that resolve.
func memberFunctions(g Graph, sc *orgv1.SteeringCommittee) map[orgv1.TeamFunction]bool {
	funcs := map[orgv1.TeamFunction]bool{}
	for i := range sc.Spec.Members {
		if t := lookupTeam(g, sc.Namespace, &sc.Spec.Members[i].TeamRef); t != nil && t.Spec.Function != "" {
			funcs[t.Spec.Function] = true
		}
	}
	return funcs
}

// missingGroups names the groups that no function in funcs covers, in the
// order given, each once.
func missingGroups(funcs map[orgv1.TeamFunction]bool, groups []orgv1.FunctionGroup) []string {
	var missing []string
	for _, g := range groups {
		covered := slices.ContainsFunc(g.AnyOf, func(f orgv1.TeamFunction) bool { return funcs[f] })
		if name := groupName(g); !covered && !slices.Contains(missing, name) {
			missing = append(missing, name)
		}
	}
	return missing
}

// checkCommitteeCoverage: a group of params.requiredFunctions (default IT,
// Data, Sales|Support) that no member team's function covers.
func checkCommitteeCoverage(c *evalCtx, s *subject, r *orgv1.Rule) []string {
	sc := s.obj.(*orgv1.SteeringCommittee)
	var out []string
	for _, name := range missingGroups(memberFunctions(c.g, sc), requiredGroups(r)) {
		out = append(out, s.problem("spec.members", "no member team covers %s", name))
	}
	return out
}

// CommitteeCoverage computes a SteeringCommittee's status fields. covered
// lists the distinct functions of its member teams that resolve, sorted.
// missing lists the required groups no member covers, each once, in the
// order the namespace's policies (by name) and their rules give them; the
// groups are those of every SteeringCommitteeCoverage rule that judges the
// committee (kinds and label selector), and the default groups (IT, Data,
// Sales|Support) when no such rule exists, so that the status always shows
// the coverage the contract expects. governed counts the platforms that
// name the committee. All are zero when the committee does not exist.
func (e *Engine) CommitteeCoverage(g Graph, namespace, name string) (covered, missing []string, governed int32) {
	sc := g.SteeringCommittee(namespace, name)
	if sc == nil {
		return nil, nil, 0
	}
	funcs := memberFunctions(g, sc)
	for f := range funcs {
		covered = append(covered, string(f))
	}
	slices.Sort(covered)
	s := newSubject(orgv1.KindSteeringCommittee, sc)
	var groups []orgv1.FunctionGroup
	for _, p := range e.prepare(g, namespace) {
		for _, r := range p.rules {
			if r.rule.Type == orgv1.RuleSteeringCommitteeCoverage && r.judges(s) {
				groups = append(groups, requiredGroups(r.rule)...)
			}
		}
	}
	if len(groups) == 0 {
		groups = defaultRequiredFunctions
	}
	return covered, missingGroups(funcs, groups), int32(len(g.PlatformsGovernedBy(namespace, name)))
}
