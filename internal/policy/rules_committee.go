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
func checkCommitteeCoverage(c *evalCtx, s *subject, r *orgv1.Rule) []problem {
	sc := s.obj.(*orgv1.SteeringCommittee)
	var out []problem
	for _, name := range missingGroups(memberFunctions(c.g, sc), requiredGroups(r)) {
		out = append(out, s.problem("spec.members", "no member team covers %s", name))
	}
	return out
}

// coverageRead is what a committee's Coverage reads.
var coverageRead = reader{name: "status coverage", judges: []reads{on(orgv1.KindSteeringCommittee,
	dep("members: existence, function", toTeams),
	dep("the groups of SteeringCommitteeCoverage rules", inNamespace(orgv1.KindGovernancePolicy)),
	dep("governedPlatforms", referrers(orgv1.KindPlatform)),
)}}

// coverage is a committee's Coverage: see there.
func coverage(g Graph, policies []*preparedPolicy, s *subject, sc *orgv1.SteeringCommittee) *Coverage {
	funcs := memberFunctions(g, sc)
	cov := &Coverage{Governed: int32(len(g.PlatformsGovernedBy(sc.Namespace, sc.Name)))}
	for f := range funcs {
		cov.Covered = append(cov.Covered, string(f))
	}
	slices.Sort(cov.Covered)
	var groups []orgv1.FunctionGroup
	for _, p := range policies {
		for _, r := range p.rules {
			if r.rule.Type == orgv1.RuleSteeringCommitteeCoverage && r.judges(s) {
				groups = append(groups, requiredGroups(r.rule)...)
			}
		}
	}
	if len(groups) == 0 {
		groups = defaultRequiredFunctions
	}
	cov.Missing = missingGroups(funcs, groups)
	return cov
}
