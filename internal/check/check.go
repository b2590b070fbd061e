// Package check judges manifests offline with the controller's policy
// engine, so that a pipeline sees before merge exactly the violations the
// controller would write into status after sync, and writes the findings as
// text, JSON, JUnit XML or SARIF, each pointing at the file and line at fault.
package check

import (
	"cmp"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"time"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/manifest"
	"github.com/orgplane/orgplane/internal/policy"
)

// FailOn says which findings fail a check.
type FailOn string

// The values of --fail-on.
const (
	// FailOnEnforce fails on a violation, or a rule that cannot be
	// evaluated, of an Enforce policy: what would make an object not Ready.
	FailOnEnforce FailOn = "enforce"
	// FailOnAny fails on any violation or rule error.
	FailOnAny FailOn = "any"
	// FailOnNone never fails for findings.
	FailOnNone FailOn = "none"
)

// FailOns lists the values of FailOn.
var FailOns = []FailOn{FailOnEnforce, FailOnAny, FailOnNone}

// Location is where something was written.
type Location struct {
	File string
	Line int
}

func (l Location) String() string { return fmt.Sprintf("%s:%d", l.File, l.Line) }

// Finding is one violation of one object, at the line of the field at fault
// (or of the object's metadata when the message names no field).
type Finding struct {
	Object    policy.ObjectRef
	Violation orgv1.Violation
	Location  Location
}

// Object is one judged object: where it was written, the rules that judged
// it and what they found.
type Object struct {
	Ref      policy.ObjectRef
	Location Location
	Rules    []policy.RuleRef
	Findings []Finding
}

// RuleError is a rule that cannot be evaluated (a CEL expression that does
// not compile, say): the controller stalls its policy.
type RuleError struct {
	Namespace   string
	Policy      string
	Rule        string
	Enforcement orgv1.Enforcement
	Message     string
	Location    Location
}

// Rule describes one rule for the formats that list them (SARIF).
type Rule struct {
	Policy      string
	Rule        string
	Type        orgv1.RuleType
	Severity    orgv1.Severity
	Enforcement orgv1.Enforcement
}

// ID is the rule's id in findings: policy/rule.
func (r Rule) ID() string { return r.Policy + "/" + r.Rule }

// BuiltinIntegrity is the reference integrity check that is always on.
var BuiltinIntegrity = Rule{Policy: "builtin", Rule: "integrity", Severity: orgv1.SeverityHigh, Enforcement: orgv1.EnforcementAudit}

// Result is everything a check found.
type Result struct {
	// Objects are the judged objects, by namespace, then as the engine
	// lists findings (kind, then name).
	Objects []Object
	// RuleErrors are the rules that cannot be evaluated, by namespace,
	// policy and rule order.
	RuleErrors []RuleError
	// Rules are the built-in integrity check and every policy's rules, by
	// id; for an id that several namespaces define, the first.
	Rules []Rule
	// Read counts the orgplane objects read, Files the files, Ignored the
	// documents of other kinds.
	Read, Files, Ignored int
}

// Evaluate judges the objects of set as the controller would at now.
func Evaluate(set *manifest.Set, engine *policy.Engine, now time.Time) (*Result, error) {
	g, err := set.Graph()
	if err != nil {
		return nil, err
	}
	res := &Result{Read: len(set.Objects), Files: set.Files, Ignored: set.Ignored, Rules: rules(set)}
	for _, ns := range engine.Evaluate(g, now) {
		found := map[policy.ObjectRef][]orgv1.Violation{}
		for _, f := range ns.Findings {
			found[f.Object] = append(found[f.Object], f.Violation)
		}
		for _, or := range engine.JudgingRules(g, ns.Namespace) {
			src := set.Lookup(string(or.Object.Kind), or.Object.Namespace, or.Object.Name)
			o := Object{Ref: or.Object, Location: Location{src.File, src.Line}, Rules: or.Rules}
			for _, v := range found[or.Object] {
				o.Findings = append(o.Findings, Finding{Object: or.Object, Violation: v, Location: Location{src.File, src.LineOf(fieldOf(v.Message))}})
			}
			res.Objects = append(res.Objects, o)
		}
		for _, name := range slices.Sorted(maps.Keys(ns.Policies)) {
			src := set.Lookup(string(orgv1.KindGovernancePolicy), ns.Namespace, name)
			gp := src.Object.(*orgv1.GovernancePolicy)
			for _, e := range ns.Policies[name].Errors {
				i := slices.IndexFunc(gp.Spec.Rules, func(r orgv1.Rule) bool { return r.Name == e.Rule })
				res.RuleErrors = append(res.RuleErrors, RuleError{
					Namespace: ns.Namespace, Policy: name, Rule: e.Rule, Enforcement: gp.Spec.Enforcement,
					Message: e.Message, Location: Location{src.File, src.LineOf(fmt.Sprintf("spec.rules[%d]", i))},
				})
			}
		}
	}
	return res, nil
}

// rules lists the built-in check and every policy's rules, by id.
func rules(set *manifest.Set) []Rule {
	byID := map[string]Rule{BuiltinIntegrity.ID(): BuiltinIntegrity}
	for _, o := range set.Objects {
		gp, ok := o.Object.(*orgv1.GovernancePolicy)
		if !ok {
			continue
		}
		for _, r := range gp.Spec.Rules {
			rule := Rule{Policy: gp.Name, Rule: r.Name, Type: r.Type, Severity: r.Severity, Enforcement: gp.Spec.Enforcement}
			if _, dup := byID[rule.ID()]; !dup {
				byID[rule.ID()] = rule
			}
		}
	}
	return slices.SortedFunc(maps.Values(byID), func(a, b Rule) int { return cmp.Compare(a.ID(), b.ID()) })
}

// messageField matches the field of a message in the engine's format,
// `<kind> "<name>": <field>: <problem>`; CEL messages have none.
var messageField = regexp.MustCompile(`^[a-z ]+ "(?:[^"\\]|\\.)*": ((?:spec|metadata)(?:\.[A-Za-z0-9]+|\[\d+\])*): `)

func fieldOf(message string) string {
	if m := messageField.FindStringSubmatch(message); m != nil {
		return m[1]
	}
	return ""
}

// Findings lists every finding, in object order.
func (r *Result) Findings() []Finding {
	var out []Finding
	for _, o := range r.Objects {
		out = append(out, o.Findings...)
	}
	return out
}

// fails reports whether a finding of a policy with this enforcement fails
// the check.
func fails(f FailOn, e orgv1.Enforcement) bool {
	return f == FailOnAny || f == FailOnEnforce && e == orgv1.EnforcementEnforce
}

// Failed reports whether the result fails the check: a violation, or a rule
// error, that failOn counts.
func (r *Result) Failed(failOn FailOn) bool {
	for _, f := range r.Findings() {
		if fails(failOn, f.Violation.Enforcement) {
			return true
		}
	}
	for _, e := range r.RuleErrors {
		if fails(failOn, e.Enforcement) {
			return true
		}
	}
	return false
}

// Summary counts a result.
type Summary struct {
	// Objects counts the orgplane objects read; Judged those that rules
	// judge (all but GovernancePolicies); NonCompliant those with a finding.
	Objects      int `json:"objects"`
	Judged       int `json:"judged"`
	NonCompliant int `json:"nonCompliant"`
	// Files counts the files read; Ignored the documents of other kinds.
	Files   int `json:"files"`
	Ignored int `json:"ignored"`
	// Violations counts every finding; EnforceViolations those of Enforce
	// policies.
	Violations        int            `json:"violations"`
	EnforceViolations int            `json:"enforceViolations"`
	BySeverity        map[string]int `json:"bySeverity"`
	ByPolicy          map[string]int `json:"byPolicy"`
	// RuleErrors are the rules that cannot be evaluated, as
	// `namespace/policy: message`.
	RuleErrors []string `json:"ruleErrors"`
	FailOn     FailOn   `json:"failOn"`
	Failed     bool     `json:"failed"`
}

// Summarize counts the result for failOn.
func (r *Result) Summarize(failOn FailOn) Summary {
	s := Summary{
		Objects: r.Read, Judged: len(r.Objects), Files: r.Files, Ignored: r.Ignored,
		BySeverity: map[string]int{}, ByPolicy: map[string]int{}, RuleErrors: []string{},
		FailOn: failOn, Failed: r.Failed(failOn),
	}
	for _, o := range r.Objects {
		if len(o.Findings) > 0 {
			s.NonCompliant++
		}
		for _, f := range o.Findings {
			s.Violations++
			if f.Violation.Enforcement == orgv1.EnforcementEnforce {
				s.EnforceViolations++
			}
			s.BySeverity[string(f.Violation.Severity)]++
			s.ByPolicy[f.Violation.Policy]++
		}
	}
	for _, e := range r.RuleErrors {
		s.RuleErrors = append(s.RuleErrors, e.Namespace+"/"+e.Policy+": "+e.Message)
	}
	return s
}

// severities lists the severities, most severe first.
var severities = []orgv1.Severity{orgv1.SeverityCritical, orgv1.SeverityHigh, orgv1.SeverityMedium, orgv1.SeverityLow}
