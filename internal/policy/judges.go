package policy

import (
	"slices"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// JudgesKind reports whether some rule of the policy judges objects of kind
// k, label selectors aside: when the policy changes, those are the objects
// to re-evaluate.
func JudgesKind(p *orgv1.GovernancePolicy, k orgv1.Kind) bool {
	for _, r := range p.Spec.Rules {
		def, ok := ruleDefs[r.Type]
		if ok && slices.Contains(def.kinds, k) && (r.Match == nil || len(r.Match.Kinds) == 0 || slices.Contains(r.Match.Kinds, k)) {
			return true
		}
	}
	return false
}
