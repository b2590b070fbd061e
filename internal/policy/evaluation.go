package policy

import (
	"cmp"
	"slices"
	"time"

	"k8s.io/apimachinery/pkg/types"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// Evaluation is everything one evaluation found: every rule's verdict on
// every object it judged, pass or fail, the rules that cannot be evaluated,
// the status roll-ups, and when time alone may change any of it. The
// controller's status, the plugin's findings, the policy reports and the
// webhook's warnings are all read off it.
type Evaluation struct {
	// Objects are the judged objects, in finding order: by namespace, kind
	// (Organization, Team, Platform, SteeringCommittee,
	// ResponsibilityMatrix), then name.
	Objects []ObjectResult
	// Policies are the GovernancePolicies of the namespaces evaluated, by
	// namespace and name, with what their rules judged among Objects.
	Policies []PolicyResult
	// Namespaces summarize each namespace evaluated whole (none for
	// EvaluateObject), in namespace order.
	Namespaces []NamespaceResult
	// RequeueAt is the earliest future instant at which the evaluation may
	// change by the passing of time alone (a team it consulted expires, a
	// planned transition falls due, a temporary team's notice begins), or
	// nil when only a change to some object can change it.
	RequeueAt *time.Time
}

// ObjectResult is every verdict on one judged object.
type ObjectResult struct {
	Ref ObjectRef
	// UID and Generation are the object's, as the Graph held it: they tell
	// a caller holding the object whether the evaluation read its spec.
	UID        types.UID
	Generation int64
	// Verdicts are the integrity check's first, then those of the rules
	// that judge the object, by policy name and in spec order.
	Verdicts []Verdict
	// Coverage is a SteeringCommittee's status roll-up; nil for other kinds.
	Coverage *Coverage
	// Transition is an Organization's status.transition: the phase of its
	// spec.transition; nil without one, and for other kinds.
	Transition *orgv1.TransitionStatus
}

// Verdict is one rule's judgement of one object.
type Verdict struct {
	Rule RuleRef
	// Findings are the rule's findings on the object, in violation order;
	// none when the object passes the rule.
	Findings []Finding
}

// Finding is one violation of one object.
type Finding struct {
	Object ObjectRef
	// Field is the JSON path of the field at fault, the one the message
	// names (spec.activities[2].informed[1]); empty for CEL rules, whose
	// messages name none.
	Field     string
	Violation orgv1.Violation
}

// RuleRef names a rule as its findings name it, with its type and the
// severity and enforcement its violations carry.
type RuleRef struct {
	Policy      string
	Rule        string
	Type        orgv1.RuleType // empty for the integrity check
	Severity    orgv1.Severity
	Enforcement orgv1.Enforcement
}

// ID is the rule's id in the plugin's and webhook's output: policy/rule.
func (r RuleRef) ID() string { return r.Policy + "/" + r.Rule }

// PolicyResult is one GovernancePolicy's rules and what they judged.
type PolicyResult struct {
	Namespace, Name string
	// UID and Generation are the policy's, as the Graph held it.
	UID        types.UID
	Generation int64
	// Rules are the policy's rules, in spec order.
	Rules []RuleResult
}

// RuleResult is one rule of a policy and what it judged.
type RuleResult struct {
	RuleRef
	// Evaluated counts the objects of the evaluation the rule judged,
	// Violations its findings on them.
	Evaluated, Violations int32
	// Error says why the rule cannot be evaluated; nil when it can. A rule
	// with an error judges nothing; the policy's other rules still do.
	Error *RuleError
}

// RuleError is a rule that cannot be evaluated at all (a CEL expression that
// does not compile, an invalid label selector, an unknown type, ...).
type RuleError struct {
	// Rule is the rule's name.
	Rule string
	// Field is the field of the rule at fault (cel.expression, match.kinds).
	Field string
	// Message is the whole message, `rule "<name>": <field>: <problem>`.
	Message string
}

func (e RuleError) Error() string { return e.Message }

// NamespaceResult is a namespace's roll-up, which its Organizations show.
type NamespaceResult struct {
	Namespace string
	// Model is the organization model the namespace's structure shows, with
	// its reason and evidence.
	Model ModelInference
	// Martech is the martech model the namespace's martech team shows.
	Martech MartechInference
	// Summary counts the namespace's objects and all their findings.
	Summary orgv1.OrganizationSummary
}

// WriteModels writes the namespace's inferred models, their reasons and the
// evidence into an Organization's status of that namespace, as the
// controller writes them: the evidence capped at orgv1.MaxModelEvidence.
func (n NamespaceResult) WriteModels(st *orgv1.OrganizationStatus) {
	st.InferredModel, st.ModelReason = n.Model.Model, n.Model.Reason
	st.ModelEvidence = slices.Clone(n.Model.Evidence[:min(len(n.Model.Evidence), orgv1.MaxModelEvidence)])
	st.InferredMartechModel, st.MartechReason = n.Martech.Model, n.Martech.Reason
	st.MartechTeam = n.Martech.TeamName(n.Namespace)
}

// Coverage is a SteeringCommittee's status roll-up. Covered lists the
// distinct functions of its member teams that resolve, sorted. Missing lists
// the required groups no member covers, each once, in the order the
// namespace's policies (by name) and their rules give them: the groups of
// every SteeringCommitteeCoverage rule that judges the committee, or the
// default groups (IT, Data, Sales|Support) when no such rule exists, so that
// the status always shows the coverage the contract expects. Governed counts
// the platforms that name the committee.
type Coverage struct {
	Covered, Missing []string
	Governed         int32
}

// Object returns the result of the object ref names; a zero result, with no
// verdicts, when the evaluation did not judge it.
func (ev *Evaluation) Object(ref ObjectRef) ObjectResult {
	for _, o := range ev.Objects {
		if o.Ref == ref {
			return o
		}
	}
	return ObjectResult{Ref: ref}
}

// Policy returns the result of a GovernancePolicy; a zero result, with no
// rules, when the evaluation did not read it.
func (ev *Evaluation) Policy(namespace, name string) PolicyResult {
	for _, p := range ev.Policies {
		if p.Namespace == namespace && p.Name == name {
			return p
		}
	}
	return PolicyResult{Namespace: namespace, Name: name}
}

// Findings lists every finding, object by object, each object's in
// violation order.
func (ev *Evaluation) Findings() []Finding {
	n := 0
	for _, o := range ev.Objects {
		for _, v := range o.Verdicts {
			n += len(v.Findings)
		}
	}
	out := make([]Finding, 0, n)
	for _, o := range ev.Objects {
		out = o.appendFindings(out)
	}
	return out
}

// Findings lists the object's findings, from every verdict, in violation
// order: most severe first (orgv1.Severities), then by policy, rule and
// message.
func (o ObjectResult) Findings() []Finding { return o.appendFindings(nil) }

// appendFindings appends the object's findings to dst, in violation order.
func (o ObjectResult) appendFindings(dst []Finding) []Finding {
	start := len(dst)
	for _, v := range o.Verdicts {
		dst = append(dst, v.Findings...)
	}
	sortFindings(dst[start:])
	return dst
}

// Violations are the object's findings as its status lists them (before
// the cap of orgv1.MaxViolations, which is the caller's).
func (o ObjectResult) Violations() []orgv1.Violation {
	fs := o.Findings()
	if len(fs) == 0 {
		return nil
	}
	out := make([]orgv1.Violation, len(fs))
	for i, f := range fs {
		out[i] = f.Violation
	}
	return out
}

// RuleStatuses are the policy's rules as its status counts them.
func (p PolicyResult) RuleStatuses() []orgv1.RuleStatus {
	var out []orgv1.RuleStatus
	for _, r := range p.Rules {
		out = append(out, orgv1.RuleStatus{Name: r.Rule, Evaluated: r.Evaluated, Violations: r.Violations})
	}
	return out
}

// Errors are the policy's rules that cannot be evaluated, in spec order.
func (p PolicyResult) Errors() []RuleError {
	var out []RuleError
	for _, r := range p.Rules {
		if r.Error != nil {
			out = append(out, *r.Error)
		}
	}
	return out
}

// rank orders severities as orgv1.Severities does; unknown ones last.
func rank(s orgv1.Severity) int {
	if i := slices.Index(orgv1.Severities, s); i >= 0 {
		return i
	}
	return len(orgv1.Severities)
}

// sortFindings puts findings in violation order: by severity, policy, rule,
// message (and enforcement, so that the order is total).
func sortFindings(fs []Finding) {
	slices.SortFunc(fs, func(a, b Finding) int {
		x, y := a.Violation, b.Violation
		return cmp.Or(
			cmp.Compare(rank(x.Severity), rank(y.Severity)),
			cmp.Compare(x.Policy, y.Policy),
			cmp.Compare(x.Rule, y.Rule),
			cmp.Compare(x.Message, y.Message),
			cmp.Compare(x.Enforcement, y.Enforcement),
		)
	})
}

// Counts tallies violations by severity and by policy: the one count behind
// an Organization's summary, the plugin's check summary and the audit
// report's totals.
type Counts struct {
	BySeverity map[orgv1.Severity]int `json:"bySeverity"`
	ByPolicy   map[string]int         `json:"byPolicy"`
}

// NewCounts returns empty Counts, ready to Add to.
func NewCounts() Counts {
	return Counts{BySeverity: map[orgv1.Severity]int{}, ByPolicy: map[string]int{}}
}

// Add counts one violation.
func (c *Counts) Add(v orgv1.Violation) {
	c.BySeverity[v.Severity]++
	c.ByPolicy[v.Policy]++
}

// Merge adds o's counts to c's.
func (c *Counts) Merge(o Counts) {
	for k, n := range o.BySeverity {
		c.BySeverity[k] += n
	}
	for k, n := range o.ByPolicy {
		c.ByPolicy[k] += n
	}
}
