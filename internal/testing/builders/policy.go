package builders

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// GovernancePolicyWrapper builds a GovernancePolicy.
type GovernancePolicyWrapper struct {
	orgv1.GovernancePolicy
	meta[*GovernancePolicyWrapper]
}

// MakeGovernancePolicy is a policy of no rule, with the schema's defaults
// left to the apiserver (Audit; admission Warn).
func MakeGovernancePolicy(name, namespace string) *GovernancePolicyWrapper {
	w := &GovernancePolicyWrapper{GovernancePolicy: orgv1.GovernancePolicy{ObjectMeta: objectMeta(name, namespace)}}
	w.meta = meta[*GovernancePolicyWrapper]{w, &w.ObjectMeta}
	return w
}

// Obj returns the GovernancePolicy.
func (w *GovernancePolicyWrapper) Obj() *orgv1.GovernancePolicy { return &w.GovernancePolicy }

// Enforcement sets spec.enforcement.
func (w *GovernancePolicyWrapper) Enforcement(e orgv1.Enforcement) *GovernancePolicyWrapper {
	w.Spec.Enforcement = e
	return w
}

// Admission sets spec.admission.
func (w *GovernancePolicyWrapper) Admission(a orgv1.AdmissionAction) *GovernancePolicyWrapper {
	w.Spec.Admission = a
	return w
}

// Rules adds rules (see MakeRule).
func (w *GovernancePolicyWrapper) Rules(rs ...orgv1.Rule) *GovernancePolicyWrapper {
	w.Spec.Rules = append(w.Spec.Rules, rs...)
	return w
}

// RuleWrapper builds one rule of a policy.
type RuleWrapper struct{ orgv1.Rule }

// MakeRule is a rule of a type, with the schema's default severity.
func MakeRule(name string, t orgv1.RuleType) *RuleWrapper {
	return &RuleWrapper{orgv1.Rule{Name: name, Type: t}}
}

// MakeCELRule is a CEL rule with its expression and message.
func MakeCELRule(name, expression, message string) *RuleWrapper {
	return MakeRule(name, orgv1.RuleCEL).CEL(expression, message)
}

// Obj returns the rule.
func (w *RuleWrapper) Obj() orgv1.Rule { return w.Rule }

// Severity sets severity.
func (w *RuleWrapper) Severity(s orgv1.Severity) *RuleWrapper {
	w.Rule.Severity = s
	return w
}

// Params sets params.
func (w *RuleWrapper) Params(p orgv1.RuleParams) *RuleWrapper {
	w.Rule.Params = &p
	return w
}

// CEL sets the CEL expression and message.
func (w *RuleWrapper) CEL(expression, message string) *RuleWrapper {
	w.Rule.CEL = &orgv1.CELRule{Expression: expression, Message: message}
	return w
}

// MatchKinds sets match.kinds.
func (w *RuleWrapper) MatchKinds(kinds ...orgv1.Kind) *RuleWrapper {
	w.match().Kinds = kinds
	return w
}

// MatchLabels sets match.labelSelector.
func (w *RuleWrapper) MatchLabels(sel *metav1.LabelSelector) *RuleWrapper {
	w.match().LabelSelector = sel
	return w
}

func (w *RuleWrapper) match() *orgv1.RuleMatch {
	if w.Match == nil {
		w.Match = &orgv1.RuleMatch{}
	}
	return w.Match
}
