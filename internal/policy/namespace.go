package policy

import (
	"time"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// Finding is one violation of one object.
type Finding struct {
	Object    ObjectRef
	Violation orgv1.Violation
}

// PolicyResult is what one GovernancePolicy found in its namespace.
type PolicyResult struct {
	// Rules counts, per rule in spec order, the objects it judged and the
	// violations it found; a rule with an error judged nothing.
	Rules []orgv1.RuleStatus
	// Errors are the rules that could not be evaluated, in spec order.
	Errors []RuleError
}

// NamespaceResult is everything the engine finds in one namespace.
type NamespaceResult struct {
	Namespace string
	// Findings are every violation of every judged object, by object kind
	// (Organization, Team, Platform, SteeringCommittee,
	// ResponsibilityMatrix), then name, then violation order.
	Findings []Finding
	// Summary counts the namespace's objects and all its findings.
	Summary orgv1.OrganizationSummary
	// InferredModel is InferModel of the namespace.
	InferredModel orgv1.OrganizationModel
	// Policies holds each GovernancePolicy's result, by policy name.
	Policies map[string]PolicyResult
	// RequeueAt is the earliest future instant at which any finding of the
	// namespace may change by the passing of time alone, or nil.
	RequeueAt *time.Time
}

// EvaluateNamespace judges every object of a namespace, as EvaluateObject
// would judge each, and summarizes the findings. The result depends only on
// g's contents and now.
func (e *Engine) EvaluateNamespace(g Graph, namespace string, now time.Time) NamespaceResult {
	c := newEvalCtx(g, now)
	policies := e.prepare(g, namespace)
	res := NamespaceResult{Namespace: namespace, Policies: map[string]PolicyResult{}}
	for _, s := range subjects(g, namespace) {
		for _, v := range judge(c, policies, s) {
			res.Findings = append(res.Findings, Finding{Object: s.ref, Violation: v})
		}
	}
	for _, p := range policies {
		var pr PolicyResult
		for _, r := range p.rules {
			pr.Rules = append(pr.Rules, orgv1.RuleStatus{Name: r.rule.Name, Evaluated: r.evaluated, Violations: r.violations})
			if r.err != nil {
				pr.Errors = append(pr.Errors, *r.err)
			}
		}
		res.Policies[p.name] = pr
	}
	res.Summary = summarize(g, namespace, res.Findings)
	res.InferredModel = c.model(namespace)
	res.RequeueAt = c.requeue()
	return res
}

// Evaluate evaluates every namespace of g, in namespace order.
func (e *Engine) Evaluate(g Graph, now time.Time) []NamespaceResult {
	var out []NamespaceResult
	for _, ns := range g.Namespaces() {
		out = append(out, e.EvaluateNamespace(g, ns, now))
	}
	return out
}

func summarize(g Graph, ns string, findings []Finding) orgv1.OrganizationSummary {
	sum := orgv1.OrganizationSummary{
		Teams:                  count(g.Teams(ns)),
		Platforms:              count(g.Platforms(ns)),
		SteeringCommittees:     count(g.SteeringCommittees(ns)),
		ResponsibilityMatrices: count(g.ResponsibilityMatrices(ns)),
		GovernancePolicies:     count(g.GovernancePolicies(ns)),
		Violations:             int32(len(findings)),
	}
	for _, f := range findings {
		if sum.ViolationsBySeverity == nil {
			sum.ViolationsBySeverity = map[string]int32{}
		}
		sum.ViolationsBySeverity[string(f.Violation.Severity)]++
	}
	return sum
}

// count counts the non-nil objects of a list.
func count[T comparable](l []T) int32 {
	var zero T
	var n int32
	for _, o := range l {
		if o != zero {
			n++
		}
	}
	return n
}
