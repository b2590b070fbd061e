package policy

import orgv1 "github.com/orgplane/orgplane/api/v1alpha1"

// RuleRef names a rule as findings name it, with the severity and
// enforcement its violations carry.
type RuleRef struct {
	Policy      string
	Rule        string
	Severity    orgv1.Severity
	Enforcement orgv1.Enforcement
}

// ObjectRules is a judged object and the rules that judge it.
type ObjectRules struct {
	Object ObjectRef
	Rules  []RuleRef
}

// JudgingRules lists every judged object of a namespace, in finding order,
// with the rules that judge it: the built-in integrity check first, then the
// rules of the namespace's policies (by policy name, in spec order) that
// EvaluateNamespace applies to it. The rule of every finding of an object is
// among them, so a rule listed without a finding is one the object passed:
// the kubectl plugin reports those as passing test cases.
func (e *Engine) JudgingRules(g Graph, namespace string) []ObjectRules {
	policies := e.prepare(g, namespace)
	var out []ObjectRules
	for _, s := range subjects(g, namespace) {
		rules := []RuleRef{{Policy: builtinPolicy, Rule: integrityRule, Severity: integritySeverity, Enforcement: integrityEnforcing}}
		for _, p := range policies {
			for _, r := range p.rules {
				if r.judges(s) {
					rules = append(rules, RuleRef{Policy: p.name, Rule: r.rule.Name, Severity: r.severity, Enforcement: p.enforcement})
				}
			}
		}
		out = append(out, ObjectRules{Object: s.ref, Rules: rules})
	}
	return out
}
