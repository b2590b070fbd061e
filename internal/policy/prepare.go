package policy

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// checkFunc judges one object for one rule and returns its problems; it is
// called only for the kinds its rule type judges.
type checkFunc func(c *evalCtx, s *subject, r *orgv1.Rule) []problem

// ruleDef is a rule type of the contract: its check, and the kinds it
// judges with what judging each reads (see deps.go).
type ruleDef struct {
	check  checkFunc
	judges []reads
}

// kinds lists the kinds the type judges.
func (d ruleDef) kinds() []orgv1.Kind {
	var out []orgv1.Kind
	for _, r := range d.judges {
		out = append(out, r.kind)
	}
	return out
}

// The steps most rules read along.
var (
	toTeams     = refs(orgv1.KindTeam)
	toCommittee = refs(orgv1.KindSteeringCommittee)
)

// ruleDefs are the rule types of the contract. CEL has no fixed check: each
// rule gets one from its compiled expression.
var ruleDefs = map[orgv1.RuleType]ruleDef{
	orgv1.RulePlatformOwnership: {check: checkPlatformOwnership, judges: []reads{
		on(orgv1.KindPlatform, dep("owner: existence, function, type, expiresAt", toTeams)),
	}},
	orgv1.RulePlatformGoverned: {check: checkPlatformGoverned, judges: []reads{
		on(orgv1.KindPlatform, dep("existence", toCommittee)),
	}},
	orgv1.RuleSteeringCommitteeCoverage: {check: checkCommitteeCoverage, judges: []reads{
		on(orgv1.KindSteeringCommittee, dep("members: existence, function", toTeams)),
	}},
	orgv1.RulePrivacyOwner: {check: checkPrivacyOwner, judges: []reads{
		on(orgv1.KindPlatform, dep("privacy owner's: existence, function, lead, members", toTeams)),
	}},
	orgv1.RuleResponsibilityAssignment: {check: checkResponsibilityAssignment, judges: []reads{
		on(orgv1.KindResponsibilityMatrix, dep("activities': existence", toTeams)),
		on(orgv1.KindPlatform, dep("existence (requireForTiers)", referrers(orgv1.KindResponsibilityMatrix))),
	}},
	orgv1.RuleTeamStructure: {check: checkTeamStructure, judges: []reads{
		on(orgv1.KindTeam, dep("parent: existence", toTeams), dep("parentRefs (cycles)", ancestors())),
	}},
	orgv1.RuleOrganizationModel: {check: checkOrganizationModel, judges: []reads{
		on(orgv1.KindOrganization, orgDeps...),
	}},
	orgv1.RuleMartechModel: {check: checkMartechModel, judges: []reads{
		on(orgv1.KindOrganization, orgDeps...),
	}},
	orgv1.RuleTemporaryTeam: {check: checkTemporaryTeam, judges: []reads{
		on(orgv1.KindTeam, dep("the platforms naming it: ownerRef", referrers(orgv1.KindPlatform))),
	}},
	orgv1.RuleEnterpriseAI: {check: checkEnterpriseAI, judges: []reads{
		on(orgv1.KindPlatform, dep("owner: existence, function", toTeams)),
	}},
	orgv1.RuleCEL: {judges: []reads{
		on(orgv1.KindOrganization),
		on(orgv1.KindTeam),
		on(orgv1.KindPlatform, dep("owner (CEL owner): labels, spec", toTeams), dep("CEL committee: labels, spec", toCommittee)),
		on(orgv1.KindSteeringCommittee),
		on(orgv1.KindResponsibilityMatrix),
	}},
}

// preparedPolicy is a GovernancePolicy ready to judge objects.
type preparedPolicy struct {
	namespace, name string
	uid             types.UID
	generation      int64
	rules           []*preparedRule
}

// preparedRule is one rule ready to judge objects, with the counts of one
// evaluation.
type preparedRule struct {
	rule     *orgv1.Rule
	ref      RuleRef
	kinds    []orgv1.Kind
	selector labels.Selector
	check    checkFunc
	err      *RuleError // when set, the rule judges nothing

	evaluated, violations int32
}

// prepare readies the GovernancePolicies of a namespace.
func (e *Engine) prepare(g Graph, ns string) []*preparedPolicy {
	var out []*preparedPolicy
	for _, p := range g.GovernancePolicies(ns) {
		if p == nil {
			continue
		}
		pp := &preparedPolicy{namespace: p.Namespace, name: p.Name, uid: p.UID, generation: p.Generation}
		for i := range p.Spec.Rules {
			pp.rules = append(pp.rules, e.prepareRule(p, &p.Spec.Rules[i]))
		}
		out = append(out, pp)
	}
	return out
}

func (e *Engine) prepareRule(p *orgv1.GovernancePolicy, r *orgv1.Rule) *preparedRule {
	pr := &preparedRule{rule: r, ref: RuleRef{
		Policy:      p.Name,
		Rule:        r.Name,
		Type:        r.Type,
		Severity:    cmp.Or(r.Severity, orgv1.SeverityMedium),
		Enforcement: cmp.Or(p.Spec.Enforcement, orgv1.EnforcementAudit),
	}}
	fail := func(field, format string, args ...any) *preparedRule {
		pr.err = &RuleError{Rule: r.Name, Field: field, Message: fmt.Sprintf("rule %q: %s: ", r.Name, field) + fmt.Sprintf(format, args...)}
		return pr
	}
	def, ok := ruleDefs[r.Type]
	if !ok {
		return fail("type", "unknown rule type %q", r.Type)
	}
	var match orgv1.RuleMatch
	if r.Match != nil {
		match = *r.Match
	}
	if r.Type == orgv1.RuleCEL {
		if r.CEL == nil {
			return fail("cel.expression", "required for a rule of type CEL")
		}
		if len(match.Kinds) == 0 {
			return fail("match.kinds", "required for a rule of type CEL")
		}
	}
	if pr.kinds = ruleKinds(r); len(pr.kinds) == 0 {
		return fail("match.kinds", "%s judges none of %s", r.Type, joinList(match.Kinds))
	}
	pr.selector = labels.Everything()
	if match.LabelSelector != nil {
		sel, err := metav1.LabelSelectorAsSelector(match.LabelSelector)
		if err != nil {
			return fail("match.labelSelector", "%v", err)
		}
		pr.selector = sel
	}
	pr.check = def.check
	if r.Type == orgv1.RuleCEL {
		prg, err := e.program(p, r)
		if err != nil {
			return fail("cel.expression", "%v", err)
		}
		pr.check = celCheck(prg, r)
	}
	return pr
}

// result is the policy's rules and what they judged so far.
func (p *preparedPolicy) result() PolicyResult {
	res := PolicyResult{Namespace: p.namespace, Name: p.name, UID: p.uid, Generation: p.generation}
	for _, r := range p.rules {
		res.Rules = append(res.Rules, RuleResult{RuleRef: r.ref, Evaluated: r.evaluated, Violations: r.violations, Error: r.err})
	}
	return res
}

// ruleKinds lists the kinds a rule judges: those of its type, narrowed by
// match.kinds; none for an unknown type.
func ruleKinds(r *orgv1.Rule) []orgv1.Kind {
	kinds := ruleDefs[r.Type].kinds()
	if r.Type == orgv1.RuleResponsibilityAssignment && (r.Params == nil || len(r.Params.RequireForTiers) == 0) {
		// Without requireForTiers a platform cannot violate the rule, so it
		// is not counted as judged.
		kinds = []orgv1.Kind{orgv1.KindResponsibilityMatrix}
	}
	if r.Match != nil && len(r.Match.Kinds) > 0 {
		kinds = slices.DeleteFunc(slices.Clone(kinds), func(k orgv1.Kind) bool { return !slices.Contains(r.Match.Kinds, k) })
	}
	return kinds
}

// judges reports whether the rule judges the subject: it can be evaluated,
// and the subject's kind and labels match.
func (r *preparedRule) judges(s *subject) bool {
	return r.err == nil && slices.Contains(r.kinds, s.ref.Kind) && r.selector.Matches(labels.Set(s.obj.GetLabels()))
}

// params returns a rule's params, empty when it has none.
func params(r *orgv1.Rule) *orgv1.RuleParams {
	if r.Params == nil {
		return &orgv1.RuleParams{}
	}
	return r.Params
}

// allowed reports whether v is in list, or in def when list is empty (no
// list at all allows everything), and returns the list that applied joined
// for messages.
func allowed[T ~string](v T, list, def []T) (bool, string) {
	if len(list) == 0 {
		list = def
	}
	return len(list) == 0 || slices.Contains(list, v), joinList(list)
}

// joinList writes a list as "a, b, c".
func joinList[T ~string](l []T) string {
	s := make([]string, len(l))
	for i, v := range l {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}
