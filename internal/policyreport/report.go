// Package policyreport lays out the policy engine's judgements of a
// namespace as wg-policy PolicyReport results (the OpenReports Report has
// the same results), for Policy Reporter and similar dashboards. It is pure:
// the controller reads the judgements and the previous reports, and writes
// the reports Plan lays out, one at a time.
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
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
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

// Layout is a namespace's reports, planned but not yet built: where each
// part begins, its summary, and every result's timestamp. Report builds one
// part at a time, when it is written, so that a large namespace's results
// (about 27,000 at 10,000 objects, 20 MB as Go values) are never all in
// memory at once; what Plan keeps is a few bytes per result.
type Layout struct {
	namespace string
	ev        *policy.Evaluation
	slots     []slot
	stamps    []metav1.Timestamp // one per slot
	starts    []int              // where each part begins in slots, and len(slots)
	summaries []v1alpha2.PolicyReportSummary
}

// slot places one result in an evaluation: verdict index of object, or,
// for a rule's error, rule index of policy -object-1.
type slot struct{ object, index int32 }

// Plan lays out an evaluation of a namespace as its reports. The results
// come in order: the rule errors first, by policy and in spec order, then
// one result per verdict, in the evaluation's order. Each is stamped with
// the timestamp of the identical result in previous (the results of the
// namespace's current reports) if there is one, and now otherwise; they are
// split, in order, within limits (zero fields take DefaultLimits'). There
// is always at least one report.
func Plan(namespace string, ev *policy.Evaluation, previous [][]v1alpha2.PolicyReportResult, now time.Time, limits Limits) *Layout {
	if limits.MaxResults <= 0 {
		limits.MaxResults = DefaultLimits.MaxResults
	}
	if limits.MaxBytes <= 0 {
		limits.MaxBytes = DefaultLimits.MaxBytes
	}
	l := &Layout{namespace: namespace, ev: ev, slots: slots(ev)}
	seen := stamps(previous)
	fresh := metav1.Timestamp{Seconds: now.Unix()}
	l.stamps = make([]metav1.Timestamp, len(l.slots))
	l.starts = []int{0}
	var sum v1alpha2.PolicyReportSummary
	start, size := 0, 0
	for i, s := range l.slots {
		r := l.result(s)
		l.stamps[i] = fresh
		// A first report (no previous results) computes no identities.
		if len(seen) > 0 {
			if ts, ok := seen[identity(r)]; ok {
				l.stamps[i] = ts
			}
		}
		r.Timestamp = l.stamps[i]
		n := resultSize(r)
		if i > start && (i-start >= limits.MaxResults || size+n > limits.MaxBytes) {
			l.starts = append(l.starts, i)
			l.summaries = append(l.summaries, sum)
			sum, start, size = v1alpha2.PolicyReportSummary{}, i, 0
		}
		size += n
		count(&sum, r.Result)
	}
	l.starts = append(l.starts, len(l.slots))
	l.summaries = append(l.summaries, sum)
	return l
}

// Len is the number of reports; none for a nil Layout.
func (l *Layout) Len() int {
	if l == nil {
		return 0
	}
	return len(l.summaries)
}

// Report builds part i (from 0) of the reports: its name, labels,
// annotations, summary and results.
func (l *Layout) Report(i int) Report {
	from, to := l.starts[i], l.starts[i+1]
	results := make([]v1alpha2.PolicyReportResult, 0, to-from)
	for j := from; j < to; j++ {
		r := l.result(l.slots[j])
		r.Timestamp = l.stamps[j]
		results = append(results, r)
	}
	return Report{
		Name:   Name(l.namespace, i+1),
		Labels: map[string]string{LabelManagedBy: ManagedBy},
		Annotations: map[string]string{
			AnnotationPart:    strconv.Itoa(i + 1),
			AnnotationParts:   strconv.Itoa(l.Len()),
			AnnotationResults: strconv.Itoa(len(l.slots)),
		},
		Summary: l.summaries[i],
		Results: results,
	}
}

// slots places every result of an evaluation, in order.
func slots(ev *policy.Evaluation) []slot {
	n := 0
	for _, o := range ev.Objects {
		n += len(o.Verdicts)
	}
	out := make([]slot, 0, n)
	for p, pol := range ev.Policies {
		for r, rule := range pol.Rules {
			if rule.Error != nil {
				out = append(out, slot{object: -int32(p) - 1, index: int32(r)})
			}
		}
	}
	for o, obj := range ev.Objects {
		for v := range obj.Verdicts {
			out = append(out, slot{object: int32(o), index: int32(v)})
		}
	}
	return out
}

// result is the result in a slot, without its timestamp.
func (l *Layout) result(s slot) v1alpha2.PolicyReportResult {
	if s.object < 0 {
		r := l.ev.Policies[-s.object-1].Rules[s.index]
		return v1alpha2.PolicyReportResult{
			Source:      Source,
			Policy:      r.Policy,
			Rule:        r.Rule,
			Severity:    severity(r.Severity),
			Result:      v1alpha2.ResultError,
			Scored:      true,
			Description: truncate(r.Error.Message, MaxMessage),
			Properties:  map[string]string{PropertyEnforcement: string(r.Enforcement)},
		}
	}
	o := &l.ev.Objects[s.object]
	return result(o, o.Verdicts[s.index])
}

// result is one verdict on one object: pass, or fail with its messages.
func result(o *policy.ObjectResult, v policy.Verdict) v1alpha2.PolicyReportResult {
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

// stamps maps the identity of each previous result to its timestamp.
func stamps(previous [][]v1alpha2.PolicyReportResult) map[[sha256.Size]byte]metav1.Timestamp {
	n := 0
	for _, p := range previous {
		n += len(p)
	}
	seen := make(map[[sha256.Size]byte]metav1.Timestamp, n)
	for _, p := range previous {
		for i := range p {
			seen[identity(p[i])] = p[i].Timestamp
		}
	}
	return seen
}

// identity is a digest of a result without its timestamp: a comparable
// key of 32 bytes where the result as JSON is hundreds.
func identity(r v1alpha2.PolicyReportResult) [sha256.Size]byte {
	r.Timestamp = metav1.Timestamp{}
	h := sha256.New()
	encode(h, r)
	return [sha256.Size]byte(h.Sum(nil))
}

// resultSize is a result's size as JSON, plus its separator.
func resultSize(r v1alpha2.PolicyReportResult) int {
	var n counter
	encode(&n, r)
	return int(n)
}

// encode writes a result as JSON and a newline. An Encoder reuses its
// buffers, where json.Marshal returns a fresh copy: Plan encodes every
// result of a namespace, which would otherwise be that much garbage.
func encode(w io.Writer, r v1alpha2.PolicyReportResult) {
	if err := json.NewEncoder(w).Encode(r); err != nil {
		panic(err) // a result always encodes, and neither writer fails
	}
}

// counter is an io.Writer that counts the bytes written to it.
type counter int

func (c *counter) Write(p []byte) (int, error) {
	*c += counter(len(p))
	return len(p), nil
}

// count adds an outcome to a summary.
func count(s *v1alpha2.PolicyReportSummary, r v1alpha2.PolicyResult) {
	switch r {
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
