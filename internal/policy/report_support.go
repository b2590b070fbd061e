package policy

import (
	"time"

	"k8s.io/apimachinery/pkg/types"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// Judgement is one rule's verdict on one object: the object passed the rule
// when Violations is empty.
type Judgement struct {
	Object ObjectRef
	// UID is the judged object's UID, as the Graph holds it.
	UID types.UID
	// Policy and Rule name the rule as its findings do ("builtin",
	// "integrity" for the reference integrity check); Severity and
	// Enforcement are those its violations carry.
	Policy      string
	Rule        string
	Severity    orgv1.Severity
	Enforcement orgv1.Enforcement
	// Violations are the object's findings from this rule, in violation
	// order (see ObjectResult.Violations).
	Violations []orgv1.Violation
}

// JudgementError is a rule that cannot be evaluated and so judged nothing.
type JudgementError struct {
	Policy      string
	Severity    orgv1.Severity
	Enforcement orgv1.Enforcement
	RuleError
}

// NamespaceJudgements is which rule judged which object of a namespace, and
// with what verdict: what policy reports list, passes included.
type NamespaceJudgements struct {
	// Judgements are in finding order of the objects (see
	// NamespaceResult.Findings), and for each object the integrity check
	// first, then the rules that judge it, by policy name and in spec order.
	// Their violations are exactly NamespaceResult.Findings.
	Judgements []Judgement
	// Errors are the rules that cannot be evaluated, by policy name and in
	// spec order (NamespaceResult.Policies' Errors).
	Errors []JudgementError
	// RequeueAt is NamespaceResult.RequeueAt.
	RequeueAt *time.Time
}

// Judgements judges every object of a namespace as EvaluateNamespace does,
// and returns every (object, rule) pair that was judged with the rule's
// violations of the object, so that passes can be reported as well as
// failures. It depends only on g's contents and now.
func (e *Engine) Judgements(g Graph, namespace string, now time.Time) NamespaceJudgements {
	c := newEvalCtx(g, now)
	policies := e.prepare(g, namespace)
	var out NamespaceJudgements
	for _, s := range subjects(g, namespace) {
		judgeEach(c, policies, s, func(p *preparedPolicy, r *preparedRule, vs []orgv1.Violation) {
			j := Judgement{Object: s.ref, UID: s.obj.GetUID(), Violations: vs}
			if p == nil {
				j.Policy, j.Rule, j.Severity, j.Enforcement = builtinPolicy, integrityRule, integritySeverity, integrityEnforcing
			} else {
				j.Policy, j.Rule, j.Severity, j.Enforcement = p.name, r.rule.Name, r.severity, p.enforcement
			}
			sortViolations(j.Violations)
			out.Judgements = append(out.Judgements, j)
		})
	}
	for _, p := range policies {
		for _, r := range p.rules {
			if r.err != nil {
				out.Errors = append(out.Errors, JudgementError{Policy: p.name, Severity: r.severity, Enforcement: p.enforcement, RuleError: *r.err})
			}
		}
	}
	out.RequeueAt = c.requeue()
	return out
}
