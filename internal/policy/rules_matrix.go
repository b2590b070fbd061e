package policy

import (
	"slices"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// checkResponsibilityAssignment judges a matrix's activities and, with
// params.requiredActivities, whether it has each; with
// params.requireForTiers, whether a platform of those tiers has a matrix.
func checkResponsibilityAssignment(c *evalCtx, s *subject, r *orgv1.Rule) []problem {
	switch o := s.obj.(type) {
	case *orgv1.ResponsibilityMatrix:
		out := checkActivities(c, s, o)
		for _, name := range params(r).RequiredActivities {
			if !slices.ContainsFunc(o.Spec.Activities, func(a orgv1.Activity) bool { return a.Name == name }) {
				out = append(out, s.problem("spec.activities", "required activity %q is missing", name))
			}
		}
		return out
	case *orgv1.Platform:
		t := tier(o)
		if slices.Contains(params(r).RequireForTiers, t) && len(c.g.MatricesFor(o.Namespace, o.Name)) == 0 {
			return []problem{s.problem("spec.tier", "%s platform has no responsibility matrix", t)}
		}
	}
	return nil
}

// checkActivities: an activity's team refs do not resolve, it has no
// responsible team, it has no accountable team, or its accountable team is
// also among its informed.
func checkActivities(c *evalCtx, s *subject, m *orgv1.ResponsibilityMatrix) []problem {
	var out []problem
	refs := refCollector{ns: m.Namespace, out: c.refs[:0]}
	for i := range m.Spec.Activities {
		a := &m.Spec.Activities[i]
		refs.out = refs.out[:0]
		refs.activity(i, a)
		for _, fr := range refs.out {
			if resolve(c.g, fr.ref) == nil {
				out = append(out, notFound(c.g, s, fr))
			}
		}
		if len(a.Responsible) == 0 {
			out = append(out, s.problem(item("spec.activities", i, ".responsible").String(), "activity %q has no responsible team", a.Name))
		}
		if a.Accountable == nil {
			out = append(out, s.problem(item("spec.activities", i, ".accountable").String(), "activity %q has no accountable team", a.Name))
			continue
		}
		acc := teamKey(m.Namespace, *a.Accountable)
		for j, inf := range a.Informed {
			if teamKey(m.Namespace, inf) == acc {
				out = append(out, s.problem(item("spec.activities", i, ".informed").at(j).String(), "activity %q informs its accountable team %s", a.Name, s.rel(acc)))
			}
		}
	}
	c.refs = refs.out
	return out
}
