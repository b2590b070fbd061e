// Package policyreport lays out the policy engine's judgements of a
// namespace as wg-policy PolicyReport results (the OpenReports Report has
// the same results), for Policy Reporter and similar dashboards. It is pure:
// the controller reads the judgements and the previous reports and writes
// what Build returns.
//
// # Results
//
// There is one result per judged object and rule that judged it: "pass"
// when the rule found nothing, "fail" when it found violations (their
// messages joined with "; ", at most MaxMessage bytes), and one "error"
// result, with no resource, per rule that cannot be evaluated (an invalid
// CEL expression, say). Each has the GovernancePolicy's name as policy
// ("builtin" for the reference integrity check), the rule's name as rule,
// the lowercase severity, source "orgplane", scored true, the judged object
// as its one resource, and the policy's enforcement (and, on a failure, the
// number of violations) as properties.
//
// # Timestamps
//
// A result keeps the timestamp of the same result (same policy, rule,
// resource, outcome, severity, message and properties) in the previous
// reports, and gets now otherwise: an unchanged namespace lays out exactly
// the reports it already has, so the controller writes nothing at rest.
//
// # Size
//
// A namespace's results are split, in order, into reports of at most
// Limits.MaxResults results and Limits.MaxBytes bytes of results (as JSON),
// named orgplane-<namespace>-1, -2, ...; each says which part it is and
// how many there are in its annotations, and its summary counts its own
// results. The defaults (1000 results, 800 KiB) keep every report well
// within the apiserver's 1.5 MiB object limit, however large the namespace.
package policyreport

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/policy"
	"github.com/orgplane/orgplane/internal/policyreport/api/wgpolicy/v1alpha2"
)

const (
	// Source is every result's source.
	Source = "orgplane"

	// LabelManagedBy labels every report orgplane writes, with the value
	// ManagedBy; the controller owns (and deletes when stale) exactly the
	// reports so labelled.
	LabelManagedBy = "app.kubernetes.io/managed-by"
	// ManagedBy is the value of LabelManagedBy.
	ManagedBy = "orgplane"

	// AnnotationPart is the report's part number, from 1.
	AnnotationPart = "orgplane.io/report-part"
	// AnnotationParts is how many reports hold the namespace's results.
	AnnotationParts = "orgplane.io/report-parts"
	// AnnotationResults is how many results the namespace has, in all parts.
	AnnotationResults = "orgplane.io/report-results"

	// PropertyEnforcement is the property holding the policy's enforcement.
	PropertyEnforcement = "enforcement"
	// PropertyViolations is the property holding a failure's violation count.
	PropertyViolations = "violations"

	// MaxMessage bounds a result's message, in bytes.
	MaxMessage = 2048
)

// Limits bound each report of a namespace.
type Limits struct {
	// MaxResults is the most results a report holds.
	MaxResults int
	// MaxBytes is the most bytes of results, as JSON, a report holds (a
	// report always holds at least one result).
	MaxBytes int
}

// DefaultLimits keep a report well within the apiserver's object size limit.
var DefaultLimits = Limits{MaxResults: 1000, MaxBytes: 800 << 10}

// Report is the content of one of a namespace's reports.
type Report struct {
	Name        string
	Labels      map[string]string
	Annotations map[string]string
	Summary     v1alpha2.PolicyReportSummary
	Results     []v1alpha2.PolicyReportResult
}

// Name is the name of part (from 1) of a namespace's reports.
func Name(namespace string, part int) string {
	return fmt.Sprintf("orgplane-%s-%d", namespace, part)
}

// Build lays out an evaluation of a namespace as its reports: Results,
// stamped with the timestamps of previous (the results of the namespace's
// current reports) where unchanged and now elsewhere, split within limits
// (zero fields take DefaultLimits'). There is always at least one report.
func Build(namespace string, ev *policy.Evaluation, previous []v1alpha2.PolicyReportResult, now time.Time, limits Limits) []Report {
	results := Results(ev)
	Stamp(results, previous, now)
	return Split(namespace, results, limits)
}

// Results lays out an evaluation as results, without timestamps: the rule
// errors first, by policy and in spec order, then one result per verdict,
// in the evaluation's order.
func Results(ev *policy.Evaluation) []v1alpha2.PolicyReportResult {
	n := 0
	for _, o := range ev.Objects {
		n += len(o.Verdicts)
	}
	// Sized once: a namespace of 10,000 objects has about 27,000 results.
	out := make([]v1alpha2.PolicyReportResult, 0, n)
	for _, p := range ev.Policies {
		for _, r := range p.Rules {
			if r.Error == nil {
				continue
			}
			out = append(out, v1alpha2.PolicyReportResult{
				Source:      Source,
				Policy:      r.Policy,
				Rule:        r.Rule,
				Severity:    severity(r.Severity),
				Result:      v1alpha2.ResultError,
				Scored:      true,
				Description: truncate(r.Error.Message, MaxMessage),
				Properties:  map[string]string{PropertyEnforcement: string(r.Enforcement)},
			})
		}
	}
	for _, o := range ev.Objects {
		for _, v := range o.Verdicts {
			out = append(out, result(o, v))
		}
	}
	return out
}

// result is one verdict on one object: pass, or fail with its messages.
func result(o policy.ObjectResult, v policy.Verdict) v1alpha2.PolicyReportResult {
	r := v1alpha2.PolicyReportResult{
		Source:   Source,
		Policy:   v.Rule.Policy,
		Rule:     v.Rule.Rule,
		Severity: severity(v.Rule.Severity),
		Result:   v1alpha2.ResultPass,
		Scored:   true,
		Subjects: []corev1.ObjectReference{{
			APIVersion: orgv1.GroupVersion.String(),
			Kind:       string(o.Ref.Kind),
			Namespace:  o.Ref.Namespace,
			Name:       o.Ref.Name,
			UID:        o.UID,
		}},
		Description: fmt.Sprintf("%s %q passes rule %q", o.Ref.Kind, o.Ref.Name, v.Rule.Rule),
		Properties:  map[string]string{PropertyEnforcement: string(v.Rule.Enforcement)},
	}
	if n := len(v.Findings); n > 0 {
		msgs := make([]string, n)
		for i, f := range v.Findings {
			msgs[i] = f.Violation.Message
		}
		r.Result = v1alpha2.ResultFail
		r.Description = truncate(strings.Join(msgs, "; "), MaxMessage)
		r.Properties[PropertyViolations] = strconv.Itoa(n)
	}
	return r
}

// severity is the wg-policy severity of an orgplane severity.
func severity(s orgv1.Severity) v1alpha2.PolicySeverity {
	return v1alpha2.PolicySeverity(strings.ToLower(string(s)))
}

// truncate cuts s to at most limit bytes, at a rune boundary, saying so.
func truncate(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	const more = " … (truncated)"
	cut := limit - len(more)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + more
}

// Stamp sets each result's timestamp to that of the identical result in
// previous, if there is one, else to now (to the second).
func Stamp(results, previous []v1alpha2.PolicyReportResult, now time.Time) {
	seen := make(map[string]metav1.Timestamp, len(previous))
	for _, p := range previous {
		seen[identity(p)] = p.Timestamp
	}
	stamp := metav1.Timestamp{Seconds: now.Unix()}
	for i := range results {
		results[i].Timestamp = stamp
		// Without previous results (a first report) no identity is
		// computed: each is the result as JSON, one per object and rule.
		if len(seen) > 0 {
			if ts, ok := seen[identity(results[i])]; ok {
				results[i].Timestamp = ts
			}
		}
	}
}

// identity is a result without its timestamp, as a comparable key.
func identity(r v1alpha2.PolicyReportResult) string {
	r.Timestamp = metav1.Timestamp{}
	b, err := json.Marshal(r)
	if err != nil {
		panic(err) // a result always marshals
	}
	return string(b)
}

// Split splits results, in order, into reports within limits, and labels,
// annotates and summarizes each. No results make one empty report.
func Split(namespace string, results []v1alpha2.PolicyReportResult, limits Limits) []Report {
	if limits.MaxResults <= 0 {
		limits.MaxResults = DefaultLimits.MaxResults
	}
	if limits.MaxBytes <= 0 {
		limits.MaxBytes = DefaultLimits.MaxBytes
	}
	var parts [][]v1alpha2.PolicyReportResult
	start, size := 0, 0
	for i, r := range results {
		n := resultSize(r)
		if i > start && (i-start >= limits.MaxResults || size+n > limits.MaxBytes) {
			parts = append(parts, results[start:i])
			start, size = i, 0
		}
		size += n
	}
	parts = append(parts, results[start:])

	out := make([]Report, len(parts))
	for i, part := range parts {
		out[i] = Report{
			Name:   Name(namespace, i+1),
			Labels: map[string]string{LabelManagedBy: ManagedBy},
			Annotations: map[string]string{
				AnnotationPart:    strconv.Itoa(i + 1),
				AnnotationParts:   strconv.Itoa(len(parts)),
				AnnotationResults: strconv.Itoa(len(results)),
			},
			Summary: Summarize(part),
			Results: part,
		}
	}
	return out
}

// resultSize is a result's size as JSON, plus its separator.
func resultSize(r v1alpha2.PolicyReportResult) int {
	b, err := json.Marshal(r)
	if err != nil {
		panic(err)
	}
	return len(b) + 1
}

// Summarize counts results by outcome.
func Summarize(results []v1alpha2.PolicyReportResult) v1alpha2.PolicyReportSummary {
	var s v1alpha2.PolicyReportSummary
	for _, r := range results {
		switch r.Result {
		case v1alpha2.ResultPass:
			s.Pass++
		case v1alpha2.ResultFail:
			s.Fail++
		case v1alpha2.ResultWarn:
			s.Warn++
		case v1alpha2.ResultError:
			s.Error++
		case v1alpha2.ResultSkip:
			s.Skip++
		}
	}
	return s
}
