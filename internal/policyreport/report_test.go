package policyreport

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/policy"
	"github.com/orgplane/orgplane/internal/policyreport/api/wgpolicy/v1alpha2"
	"github.com/orgplane/orgplane/internal/testing/builders"
)

const ns = "acme"

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func smallOrg() []metav1.Object {
	return []metav1.Object{
		builders.MakeTeam("it", ns).Function("IT").Type("CenterOfExcellence").Obj(),
		builders.MakePlatform("crm", ns).Owner("it").Obj(),
		builders.MakePlatform("cdp", ns).Category("CDP").Owner("gone").Obj(),
		builders.MakeGovernancePolicy("gov", ns).Enforcement(orgv1.EnforcementEnforce).Rules(
			builders.MakeRule("owned", orgv1.RulePlatformOwnership).Severity(orgv1.SeverityCritical).Obj(),
			builders.MakeCELRule("broken", "1 +", "").MatchKinds(orgv1.KindTeam).Obj(),
		).Obj(),
	}
}

// judge evaluates objs, each with the UID "uid-<name>" as if the apiserver
// had given it.
func judge(t *testing.T, objs ...metav1.Object) *policy.Evaluation {
	t.Helper()
	for _, o := range objs {
		o.SetUID(types.UID("uid-" + o.GetName()))
	}
	g, err := policy.NewMemoryGraph(objs...)
	if err != nil {
		t.Fatal(err)
	}
	e, err := policy.NewEngine(policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return e.EvaluateNamespace(g, ns, t0)
}

// brief is a result without what the test does not check.
type brief struct{ Policy, Rule, Result, Severity, Object, Message string }

func briefs(rs []v1alpha2.PolicyReportResult) []brief {
	var out []brief
	for _, r := range rs {
		b := brief{r.Policy, r.Rule, string(r.Result), string(r.Severity), "", r.Description}
		if len(r.Subjects) > 0 {
			b.Object = r.Subjects[0].Kind + "/" + r.Subjects[0].Name
		}
		out = append(out, b)
	}
	return out
}

// build plans and builds every report of ev, as the controller does one
// at a time.
func build(ev *policy.Evaluation, previous [][]v1alpha2.PolicyReportResult, now time.Time, limits Limits) []Report {
	l := Plan(ns, ev, previous, now, limits)
	out := make([]Report, l.Len())
	for i := range out {
		out[i] = l.Report(i)
	}
	return out
}

// resultsOf are the results of reports, in order.
func resultsOf(reports []Report) [][]v1alpha2.PolicyReportResult {
	out := make([][]v1alpha2.PolicyReportResult, len(reports))
	for i, r := range reports {
		out[i] = r.Results
	}
	return out
}

func TestResultsPassFailError(t *testing.T) {
	reports := build(judge(t, smallOrg()...), nil, t0, Limits{})
	if len(reports) != 1 {
		t.Fatalf("%d reports, want 1", len(reports))
	}
	r := reports[0]
	want := []brief{
		{"gov", "broken", "error", "medium", "", `rule "broken": cel.expression: ERROR: <input>:1:4: Syntax error: mismatched input '<EOF>' expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER, ESC_IDENTIFIER}`},
		{"builtin", "integrity", "pass", "high", "Team/it", `Team "it" passes rule "integrity"`},
		{"builtin", "integrity", "fail", "high", "Platform/cdp", `platform "cdp": spec.ownerRef: team "gone" not found`},
		{"gov", "owned", "fail", "critical", "Platform/cdp", `platform "cdp": spec.ownerRef: owner team "gone" not found`},
		{"builtin", "integrity", "pass", "high", "Platform/crm", `Platform "crm" passes rule "integrity"`},
		{"gov", "owned", "pass", "critical", "Platform/crm", `Platform "crm" passes rule "owned"`},
	}
	got := briefs(r.Results)
	// The CEL parser's message is cel-go's business: check its start only.
	if len(got) > 0 && strings.HasPrefix(got[0].Message, `rule "broken": cel.expression: ERROR:`) {
		got[0].Message = want[0].Message
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	if want := (v1alpha2.PolicyReportSummary{Pass: 3, Fail: 2, Error: 1}); r.Summary != want {
		t.Errorf("summary = %+v, want %+v", r.Summary, want)
	}
	for _, res := range r.Results {
		if res.Source != "orgplane" || !res.Scored || res.Timestamp.Seconds != t0.Unix() {
			t.Errorf("result %+v: want source orgplane, scored, timestamp now", res)
		}
		if res.Policy == "gov" && res.Properties[PropertyEnforcement] != "Enforce" {
			t.Errorf("result %+v: want enforcement Enforce", res)
		}
		if res.Result == v1alpha2.ResultFail && res.Properties[PropertyViolations] != "1" {
			t.Errorf("failure %+v: want 1 violation", res)
		}
		if res.Result == v1alpha2.ResultError && len(res.Subjects) != 0 {
			t.Errorf("rule error %+v has a resource", res)
		}
	}
	subj := r.Results[1].Subjects[0]
	if subj.APIVersion != "org.orgplane.io/v1alpha1" || subj.Kind != "Team" || subj.Namespace != ns || subj.Name != "it" || subj.UID != "uid-it" {
		t.Errorf("resource = %+v", subj)
	}
	if r.Name != "orgplane-acme-1" || r.Labels[LabelManagedBy] != "orgplane" ||
		r.Annotations[AnnotationPart] != "1" || r.Annotations[AnnotationParts] != "1" || r.Annotations[AnnotationResults] != "6" {
		t.Errorf("report metadata: %s %v %v", r.Name, r.Labels, r.Annotations)
	}
}

func TestStableTimestamps(t *testing.T) {
	objs := smallOrg()
	// Two results a report: the previous results span three reports.
	limits := Limits{MaxResults: 2}
	first := build(judge(t, objs...), nil, t0, limits)
	if len(first) != 3 {
		t.Fatalf("%d reports, want 3", len(first))
	}

	// Nothing changed: the same reports, timestamps included.
	again := build(judge(t, objs...), resultsOf(first), t0.Add(time.Hour), limits)
	if diff := cmp.Diff(first, again); diff != "" {
		t.Fatalf("an unchanged namespace changes its reports (-first +again):\n%s", diff)
	}

	// The dangling owner now exists: only cdp's results change, and only
	// they get the new instant.
	later := t0.Add(2 * time.Hour)
	objs = append(objs, builders.MakeTeam("gone", ns).Function("Data").Obj())
	changed := build(judge(t, objs...), resultsOf(again), later, Limits{})
	for _, r := range changed[0].Results {
		obj := ""
		if len(r.Subjects) > 0 {
			obj = r.Subjects[0].Name
		}
		wantNew := obj == "cdp" || obj == "gone"
		if got := r.Timestamp.Seconds == later.Unix(); got != wantNew {
			t.Errorf("result %s/%s on %q: new timestamp = %v, want %v", r.Policy, r.Rule, obj, got, wantNew)
		}
	}
	if s := changed[0].Summary; s.Fail != 0 || s.Pass != 6 || s.Error != 1 {
		t.Errorf("summary after the fix = %+v", s)
	}
}

// TestSplit lays out a namespace of thousands of results, some with long
// messages, and checks that every report is within the limits and far
// within the apiserver's, in order, with its parts announced.
func TestSplit(t *testing.T) {
	var objs []metav1.Object
	var rules []orgv1.Rule
	for i := range 9 {
		msg := fmt.Sprintf("rule %d fails", i)
		if i == 0 {
			msg = strings.Repeat("é", 3000) // longer than MaxMessage
		}
		rules = append(rules, builders.MakeCELRule(fmt.Sprintf("r%d", i), fmt.Sprintf("object.metadata.name.size() %% %d != 0", i+2), msg).
			MatchKinds(orgv1.KindTeam).Obj())
	}
	objs = append(objs, builders.MakeGovernancePolicy("gov", ns).Rules(rules...).Obj())
	for i := range 340 {
		objs = append(objs, builders.MakeTeam(fmt.Sprintf("team-%0*d", 1+i%7, i), ns).Function("IT").Obj())
	}
	ev := judge(t, objs...)
	reports := build(ev, nil, t0, Limits{})
	total := 0
	for _, o := range ev.Objects {
		total += len(o.Verdicts)
	}
	if total != 340*10 {
		t.Fatalf("%d verdicts, want %d", total, 340*10)
	}
	if len(reports) < 4 {
		t.Fatalf("%d reports for %d results, want at least 4", len(reports), total)
	}
	var all []v1alpha2.PolicyReportResult
	var sum v1alpha2.PolicyReportSummary
	for i, r := range reports {
		if r.Name != fmt.Sprintf("orgplane-acme-%d", i+1) || r.Annotations[AnnotationPart] != fmt.Sprint(i+1) ||
			r.Annotations[AnnotationParts] != fmt.Sprint(len(reports)) || r.Annotations[AnnotationResults] != fmt.Sprint(total) {
			t.Errorf("report %d: %s %v", i, r.Name, r.Annotations)
		}
		if len(r.Results) > DefaultLimits.MaxResults {
			t.Errorf("report %s holds %d results", r.Name, len(r.Results))
		}
		obj := v1alpha2.PolicyReport{ObjectMeta: metav1.ObjectMeta{Name: r.Name, Namespace: ns, Labels: r.Labels, Annotations: r.Annotations}, Summary: r.Summary, Results: r.Results}
		b, err := json.Marshal(obj)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) > DefaultLimits.MaxBytes+4096 || len(b) > 1<<20 {
			t.Errorf("report %s is %d bytes", r.Name, len(b))
		}
		if r.Summary != summarize(r.Results) {
			t.Errorf("report %s: summary %+v does not count its results", r.Name, r.Summary)
		}
		sum.Pass += r.Summary.Pass
		sum.Fail += r.Summary.Fail
		all = append(all, r.Results...)
	}
	whole := build(ev, nil, t0, Limits{MaxResults: 1 << 30, MaxBytes: 1 << 30})
	if len(whole) != 1 {
		t.Fatalf("%d reports without limits, want 1", len(whole))
	}
	if diff := cmp.Diff(whole[0].Results, all); diff != "" {
		t.Errorf("the parts are not the results in order:\n%s", diff)
	}
	if sum.Pass+sum.Fail != total || sum.Fail == 0 || sum.Pass == 0 {
		t.Errorf("summaries add up to %+v, want %d results", sum, total)
	}
	for _, r := range all {
		if len(r.Description) > MaxMessage || !utf8.ValidString(r.Description) {
			t.Fatalf("message of %d bytes (valid UTF-8: %v)", len(r.Description), utf8.ValidString(r.Description))
		}
	}

	// Small limits split by count and by bytes; the small org has 6 results.
	small := judge(t, smallOrg()...)
	if got := build(small, nil, t0, Limits{MaxResults: 4}); len(got) != 2 || len(got[1].Results) != 2 {
		t.Errorf("6 results by 4: %d reports", len(got))
	}
	if got := build(small, nil, t0, Limits{MaxBytes: 1}); len(got) != 6 {
		t.Errorf("6 results of more than a byte each: %d reports, want 6", len(got))
	}
	if got := build(&policy.Evaluation{}, nil, t0, Limits{}); len(got) != 1 || len(got[0].Results) != 0 || got[0].Annotations[AnnotationResults] != "0" {
		t.Errorf("no results: %+v", got)
	}
}

// summarize counts results by outcome.
func summarize(results []v1alpha2.PolicyReportResult) v1alpha2.PolicyReportSummary {
	var s v1alpha2.PolicyReportSummary
	for _, r := range results {
		count(&s, r.Result)
	}
	return s
}

func TestTruncate(t *testing.T) {
	for _, s := range []string{"short", strings.Repeat("a", 5000), strings.Repeat("日本", 2000)} {
		got := truncate(s, 100)
		if len(got) > 100 || !utf8.ValidString(got) || (len(s) <= 100) != (got == s) {
			t.Errorf("truncate(%d bytes) = %d bytes %q", len(s), len(got), got)
		}
	}
}
