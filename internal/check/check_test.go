package check

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	junit "github.com/joshdk/go-junit"
	sarif "github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/manifest"
	"github.com/orgplane/orgplane/internal/policy"
	"github.com/orgplane/orgplane/internal/testing/repo"
	"github.com/orgplane/orgplane/internal/testing/testenv"
)

var now = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// evaluate checks the manifests at paths (relative to the package) in
// namespace ns.
func evaluate(t *testing.T, ns string, paths ...string) *Result {
	t.Helper()
	set, err := manifest.Load(paths, manifest.Options{Namespace: ns})
	if err != nil {
		t.Fatal(err)
	}
	engine, err := policy.NewEngine(policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Evaluate(set, engine, now)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func fixture(t *testing.T) *Result { return evaluate(t, "acme", "testdata/org") }

func TestEvaluate(t *testing.T) {
	res := fixture(t)
	var got []string
	for _, f := range res.Findings() {
		v := f.Violation
		got = append(got, fmt.Sprintf("%s/%s/%s %s %s %s/%s %s", f.Object.Kind, f.Object.Namespace, f.Object.Name, v.Severity, v.Enforcement, v.Policy, v.Rule, f.Location))
	}
	want := []string{
		"Team/acme/marketing.coe Low Audit audit/team testdata/org/acme.yaml:31",
		"Platform/acme/cdp Critical Enforce strict/privacy testdata/org/acme.yaml:40",
		"Platform/acme/crm High Audit builtin/integrity testdata/org/acme.yaml:54",
		"Platform/acme/crm High Enforce strict/ownership testdata/org/acme.yaml:54",
		"Platform/acme/crm Medium Audit audit/roadmap testdata/org/acme.yaml:50",
		"Team/other/solo High Audit builtin/integrity testdata/org/other/team.yaml:11",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"audit/broken testdata/org/acme.yaml:74"}, ruleErrors(res)); diff != "" {
		t.Errorf("rule errors (-want +got):\n%s", diff)
	}
	if res.Read != 8 || res.Files != 2 || res.Ignored != 1 || len(res.Objects) != 6 {
		t.Errorf("read %d objects of %d files, ignored %d, judged %d; want 8, 2, 1, 6", res.Read, res.Files, res.Ignored, len(res.Objects))
	}
	// Every finding's rule judged its object: the passing test cases of
	// -o junit are the rest.
	for _, o := range res.Objects {
		for _, f := range o.Findings {
			if !slices.ContainsFunc(o.Rules, func(r policy.RuleRef) bool { return r.Policy == f.Violation.Policy && r.Rule == f.Violation.Rule }) {
				t.Errorf("%v: finding of %s/%s, a rule that does not judge it", o.Ref, f.Violation.Policy, f.Violation.Rule)
			}
		}
	}
}

func ruleErrors(res *Result) []string {
	var out []string
	for _, e := range res.RuleErrors {
		out = append(out, e.Policy+"/"+e.Rule+" "+e.Location.String())
	}
	return out
}

// TestSamplesMatchREADME checks config/samples offline and expects exactly
// the findings the README lists, which the controllers' suite checks the
// controller converges to: the plugin and the controller agree.
func TestSamplesMatchREADME(t *testing.T) {
	want, err := repo.SamplesFindings()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	res := evaluate(t, "acme-retail", repo.Path("config", "samples"))
	for _, f := range res.Findings() {
		v := f.Violation
		got = append(got, fmt.Sprintf("%s/%s %s %s/%s %s", f.Object.Kind, f.Object.Name, v.Severity, v.Policy, v.Rule, v.Message))
	}
	for _, o := range res.Objects {
		if o.Ref.Kind == orgv1.KindOrganization {
			st := orgv1.OrganizationStatus{Transition: o.Transition}
			res.Namespaces[0].WriteModels(&st)
			got = append(got, testenv.ModelLines(o.Ref.Name, &st)...)
		}
	}
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("samples (-README +check):\n%s", diff)
	}
}

func TestFailed(t *testing.T) {
	res := fixture(t)
	audit := evaluate(t, "x", "testdata/org/other")
	clean := &Result{}
	for _, tc := range []struct {
		res  *Result
		on   FailOn
		want bool
	}{
		{res, FailOnEnforce, true}, {res, FailOnAny, true}, {res, FailOnNone, false},
		{audit, FailOnEnforce, false}, {audit, FailOnAny, true}, {audit, FailOnNone, false},
		{clean, FailOnEnforce, false}, {clean, FailOnAny, false},
	} {
		if got := tc.res.Failed(tc.on); got != tc.want {
			t.Errorf("Failed(%s) of %d findings = %v, want %v", tc.on, len(tc.res.Findings()), got, tc.want)
		}
	}
}

func write(t *testing.T, format string, res *Result, o Options) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Formats[format](&b, res, o); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestJSON(t *testing.T) {
	res := fixture(t)
	out := write(t, "json", res, Options{FailOn: FailOnEnforce})
	// The findings have exactly the contract's keys.
	var raw struct {
		Findings []map[string]any `json:"findings"`
	}
	if err := json.Unmarshal(out, &raw); err != nil {
		t.Fatal(err)
	}
	keys := []string{"enforcement", "kind", "message", "name", "namespace", "policy", "rule", "severity"}
	for _, f := range raw.Findings {
		got := slices.Sorted(func(yield func(string) bool) {
			for k := range f {
				if !yield(k) {
					return
				}
			}
		})
		if diff := cmp.Diff(keys, got); diff != "" {
			t.Fatalf("finding keys (-want +got):\n%s", diff)
		}
	}
	// And the whole document decodes strictly.
	var doc struct {
		Findings []jsonFinding `json:"findings"`
		Summary  Summary       `json:"summary"`
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Findings) != 6 || doc.Findings[1] != (jsonFinding{
		Kind: "Platform", Namespace: "acme", Name: "cdp", Policy: "strict", Rule: "privacy", Severity: "Critical", Enforcement: "Enforce",
		Message: `platform "cdp": spec.privacyOwner: platform holds personal data under GDPR but has no privacy owner`,
	}) {
		t.Errorf("findings: %+v", doc.Findings)
	}
	want := Summary{
		Objects: 8, Judged: 6, NonCompliant: 4, Files: 2, Ignored: 1, Violations: 6, EnforceViolations: 2,
		Counts: policy.Counts{
			BySeverity: map[orgv1.Severity]int{"Critical": 1, "High": 3, "Medium": 1, "Low": 1},
			ByPolicy:   map[string]int{"audit": 2, "builtin": 2, "strict": 2},
		},
		RuleErrors: []string{`acme/audit: rule "broken": cel.expression: ERROR: <input>:1:13: Syntax error: no viable alternative at input '.('`},
		FailOn:     FailOnEnforce, Failed: true,
	}
	if diff := cmp.Diff(want, doc.Summary); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	// No findings is an empty list, not null.
	if out := write(t, "json", &Result{}, Options{FailOn: FailOnAny}); !bytes.Contains(out, []byte(`"findings": []`)) {
		t.Errorf("empty findings: %s", out)
	}
}

func TestJUnit(t *testing.T) {
	res := fixture(t)
	out := write(t, "junit", res, Options{})
	suites, err := junit.Ingest(out)
	if err != nil {
		t.Fatal(err)
	}
	// One test case per object and rule that judged it, plus the rule error.
	cases := len(res.RuleErrors)
	for _, o := range res.Objects {
		cases += len(o.Rules)
	}
	type tc struct{ Suite, Class, Name, Status, Message string }
	var got []tc
	total := 0
	for _, s := range suites {
		for _, c := range s.Tests {
			total++
			if c.Status != junit.StatusPassed {
				got = append(got, tc{s.Name, c.Classname, c.Name, string(c.Status), c.Message})
			}
		}
	}
	if total != cases {
		t.Errorf("%d test cases, want %d", total, cases)
	}
	want := []tc{
		{"acme", "Team/marketing.coe", "audit/team", "failed", `team "marketing.coe": spec.lead: lead "Zoë" is not among spec.members`},
		{"acme", "Platform/cdp", "strict/privacy", "failed", `platform "cdp": spec.privacyOwner: platform holds personal data under GDPR but has no privacy owner`},
		{"acme", "Platform/crm", "builtin/integrity", "failed", `platform "crm": spec.ownerRef: team "ghost" not found`},
		{"acme", "Platform/crm", "audit/roadmap", "failed", `platform "crm": every platform needs a roadmap owner`},
		{"acme", "Platform/crm", "strict/ownership", "failed", `platform "crm": spec.ownerRef: owner team "ghost" not found`},
		{"acme", "GovernancePolicy/audit", "audit/broken", "error", `rule "broken": cel.expression: ERROR: <input>:1:13: Syntax error: no viable alternative at input '.('`},
		{"other", "Team/solo", "builtin/integrity", "failed", `team "solo": spec.dottedLineRefs[1]: team "nowhere" not found`},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("failed test cases (-want +got):\n%s", diff)
	}
	// The counts the XML declares are those it holds.
	var doc junitSuites
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Tests != cases || doc.Failures != 6 || doc.Errors != 1 {
		t.Errorf("testsuites counts tests=%d failures=%d errors=%d, want %d, 6, 1", doc.Tests, doc.Failures, doc.Errors, cases)
	}
}

func TestSARIF(t *testing.T) {
	res := fixture(t)
	out := write(t, "sarif", res, Options{})
	log, err := validSARIF(out)
	if err != nil {
		t.Fatalf("not valid SARIF 2.1.0: %v", err)
	}
	// The validation does reject what the schema forbids.
	if _, err := validSARIF(bytes.Replace(out, []byte(`"level": "error"`), []byte(`"level": "fatal"`), 1)); err == nil {
		t.Error("a level that SARIF does not know passed validation")
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 || *log.Runs[0].Tool.Driver.Name != "orgplane" {
		t.Fatalf("version %s, %d runs", log.Version, len(log.Runs))
	}
	run := log.Runs[0]
	var rules []string
	for _, r := range run.Tool.Driver.Rules {
		rules = append(rules, *r.ID)
	}
	if diff := cmp.Diff([]string{"audit/broken", "audit/roadmap", "audit/team", "builtin/integrity", "strict/ownership", "strict/privacy"}, rules); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}
	var got []string
	for _, r := range run.Results {
		loc := r.Locations[0].PhysicalLocation
		if rules[r.RuleIndex] != *r.RuleID {
			t.Errorf("result of %s has the index of %s", *r.RuleID, rules[r.RuleIndex])
		}
		got = append(got, fmt.Sprintf("%s %s %s:%d", *r.RuleID, r.Level, *loc.ArtifactLocation.URI, *loc.Region.StartLine))
	}
	want := []string{
		"audit/team note testdata/org/acme.yaml:31",
		"strict/privacy error testdata/org/acme.yaml:40",
		"builtin/integrity error testdata/org/acme.yaml:54",
		"strict/ownership error testdata/org/acme.yaml:54",
		"audit/roadmap warning testdata/org/acme.yaml:50",
		"builtin/integrity error testdata/org/other/team.yaml:11",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	notes := run.Invocations[0].ToolConfigurationNotifications
	if len(notes) != 1 || *notes[0].AssociatedRule.ID != "audit/broken" || *notes[0].Locations[0].PhysicalLocation.Region.StartLine != 74 {
		t.Errorf("rule error notifications: %s", out)
	}
}

func TestArtifactURI(t *testing.T) {
	wd, _ := os.Getwd()
	for in, want := range map[string]string{
		"config/x.yaml":                      "config/x.yaml",
		"./config//x.yaml":                   "config/x.yaml",
		"dir with space/x.yaml":              "dir%20with%20space/x.yaml",
		filepath.Join(wd, "a", "b.yaml"):     "a/b.yaml",
		"/elsewhere/b.yaml":                  "file:///elsewhere/b.yaml",
		manifest.StdinName:                   "stdin",
		filepath.Join(wd, "..", "up", "x.y"): "file://" + filepath.ToSlash(filepath.Join(filepath.Dir(wd), "up", "x.y")),
	} {
		if got := artifactURI(in); got != want {
			t.Errorf("artifactURI(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestText(t *testing.T) {
	res := fixture(t)
	plain := string(write(t, "text", res, Options{FailOn: FailOnEnforce}))
	for _, want := range []string{
		"Platform acme/crm testdata/org/acme.yaml:50\n",
		"  High     Enforce strict/ownership   platform \"crm\": spec.ownerRef: owner team \"ghost\" not found (line 54)\n",
		"  GovernancePolicy acme/audit testdata/org/acme.yaml:74: rule \"broken\"",
		"6 violations (1 Critical, 3 High, 1 Medium, 1 Low) in 4 of 6 judged objects, 2 from Enforce policies.\n",
		"Read 8 orgplane objects from 2 files; ignored 1 document of other kinds.\n",
		"FAIL (--fail-on=enforce)\n",
	} {
		if !strings.Contains(plain, want) {
			t.Errorf("text output lacks %q:\n%s", want, plain)
		}
	}
	if strings.Contains(plain, "\x1b[") {
		t.Error("colour without Color")
	}
	if colored := string(write(t, "text", res, Options{FailOn: FailOnNone, Color: true})); !strings.Contains(colored, "\x1b[1;31mCritical\x1b[0m") || !strings.Contains(colored, "\x1b[32mPASS") {
		t.Errorf("no colour with Color:\n%s", colored)
	}
}

// validSARIF parses a SARIF log and validates it against the SARIF 2.1.0
// JSON schema.
func validSARIF(data []byte) (*sarif.Report, error) {
	log, err := sarif.FromBytes(data)
	if err != nil {
		return nil, err
	}
	// The library validates its own model of the log, in which it turned
	// every absent list into an empty one; newlineSequences must not be
	// empty, so it gets the default that absence means.
	for _, run := range log.Runs {
		run.NewlineSequences = []string{"\r\n", "\n"}
	}
	err = log.Validate()
	return log, err
}
