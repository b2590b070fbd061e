package policy

import (
	"slices"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// JudgesKind reports whether a rule of the policy judges objects of kind
// (by rule type and match.kinds; label selectors are not considered), that
// is whether a change to the policy can change such objects' findings. The
// controller calls it on both versions of a changed policy.
func JudgesKind(p *orgv1.GovernancePolicy, kind orgv1.Kind) bool {
	if p == nil {
		return false
	}
	for i := range p.Spec.Rules {
		if slices.Contains(ruleKinds(&p.Spec.Rules[i]), kind) {
			return true
		}
	}
	return false
}
