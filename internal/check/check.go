// Package check judges manifests offline with the controller's policy
// engine, so that a pipeline sees before merge exactly the violations the
// controller would write into status after sync, and writes the findings as
// text, JSON, JUnit XML or SARIF, each pointing at the file and line at fault.
package check

import (
	"cmp"
	"fmt"
	"maps"
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

// Finding is one of the engine's findings, at the line of the field at
// fault (or of the object's metadata when the finding names no field).
type Finding struct {
	policy.Finding
	Location Location
}

// Object is one judged object: where it was written, the rules that judged
// it and what they found.
type Object struct {
	Ref      policy.ObjectRef
	Location Location
	Rules    []policy.RuleRef
	Findings []Finding
	// Transition is an Organization's status.transition, as the controller
	// would write it; nil without spec.transition, and for other kinds.
	Transition *orgv1.TransitionStatus
}

// RuleError is a rule that cannot be evaluated (a CEL expression that does
// not compile, say): the controller stalls its policy.
type RuleError struct {
	Namespace string
	policy.RuleRef
	Message  string
	Location Location
}

// Result is everything a check found.
type Result struct {
	// Objects are the judged objects, by namespace, then as the engine
	// lists findings (kind, then name).
	Objects []Object
	// RuleErrors are the rules that cannot be evaluated, by namespace,
	// policy and rule order.
	RuleErrors []RuleError
	// Rules are the built-in integrity check and every policy's rules, by
	// id; for an id that several namespaces define, that of the first
	// namespace.
	Rules []policy.RuleRef
	// Namespaces are the namespaces' roll-ups (their inferred models and
	// summaries), in namespace order.
	Namespaces []policy.NamespaceResult
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
	ev := engine.Evaluate(g, now)
	res := &Result{Read: len(set.Objects), Files: set.Files, Ignored: set.Ignored, Namespaces: ev.Namespaces}
	for _, or := range ev.Objects {
		src := set.Lookup(string(or.Ref.Kind), or.Ref.Namespace, or.Ref.Name)
		o := Object{Ref: or.Ref, Location: Location{src.File, src.Line}, Transition: or.Transition}
		for _, v := range or.Verdicts {
			o.Rules = append(o.Rules, v.Rule)
		}
		for _, f := range or.Findings() {
			o.Findings = append(o.Findings, Finding{Finding: f, Location: Location{src.File, src.LineOf(f.Field)}})
		}
		res.Objects = append(res.Objects, o)
	}
	byID := map[string]policy.RuleRef{policy.Integrity.ID(): policy.Integrity}
	for _, p := range ev.Policies {
		src := set.Lookup(string(orgv1.KindGovernancePolicy), p.Namespace, p.Name)
		for i, r := range p.Rules {
			if _, dup := byID[r.ID()]; !dup {
				byID[r.ID()] = r.RuleRef
			}
			if r.Error != nil {
				res.RuleErrors = append(res.RuleErrors, RuleError{
					Namespace: p.Namespace, RuleRef: r.RuleRef, Message: r.Error.Message,
					Location: Location{src.File, src.LineOf(fmt.Sprintf("spec.rules[%d]", i))},
				})
			}
		}
	}
	res.Rules = slices.SortedFunc(maps.Values(byID), func(a, b policy.RuleRef) int { return cmp.Compare(a.ID(), b.ID()) })
	return res, nil
}

// Findings lists every finding, in object order.
func (r *Result) Findings() []Finding {
	n := 0
	for _, o := range r.Objects {
		n += len(o.Findings)
	}
	out := make([]Finding, 0, n)
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
	for _, o := range r.Objects {
		for _, f := range o.Findings {
			if fails(failOn, f.Violation.Enforcement) {
				return true
			}
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
	// policies; Counts count them by severity and by policy.
	Violations        int `json:"violations"`
	EnforceViolations int `json:"enforceViolations"`
	policy.Counts
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
		Counts: policy.NewCounts(), RuleErrors: []string{},
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
			s.Add(f.Violation)
		}
	}
	for _, e := range r.RuleErrors {
		s.RuleErrors = append(s.RuleErrors, e.Namespace+"/"+e.Policy+": "+e.Message)
	}
	return s
}
