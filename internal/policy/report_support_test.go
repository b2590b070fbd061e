package policy

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// TestJudgementsMatchEvaluateNamespace checks, on generated organizations,
// that Judgements finds exactly EvaluateNamespace's findings, lists every
// judged (object, rule) pair the rule counts say were judged, and reports
// the same rule errors and requeue instant.
func TestJudgementsMatchEvaluateNamespace(t *testing.T) {
	graphs := map[string][]metav1.Object{"benchmark org": benchmarkOrg()}
	rng := rand.New(rand.NewPCG(4, 2))
	for i := range 60 {
		data := make([]byte, 50+rng.IntN(600))
		for j := range data {
			data[j] = byte(rng.UintN(256))
		}
		graphs[fmt.Sprintf("generated %d", i)] = randomObjects(data)
	}
	for name, objects := range graphs {
		for i, o := range objects {
			o.SetUID(types.UID(fmt.Sprintf("uid-%d", i)))
		}
		g := graph(t, objects...)
		e := newEngine(t)
		judged := 0
		for _, ns := range g.Namespaces() {
			want := e.EvaluateNamespace(g, ns, now)
			got := e.Judgements(g, ns, now)

			// The same findings, object by object, in the same order.
			var findings []Finding
			for i := 0; i < len(got.Judgements); {
				obj := got.Judgements[i].Object
				var vs []orgv1.Violation
				for ; i < len(got.Judgements) && got.Judgements[i].Object == obj; i++ {
					j := got.Judgements[i]
					for _, v := range j.Violations {
						if v.Policy != j.Policy || v.Rule != j.Rule || v.Severity != j.Severity || v.Enforcement != j.Enforcement {
							t.Fatalf("%s: judgement %s/%s of %v holds violation %+v", name, j.Policy, j.Rule, obj, v)
						}
					}
					vs = append(vs, j.Violations...)
					judged++
				}
				sortViolations(vs)
				for _, v := range vs {
					findings = append(findings, Finding{Object: obj, Violation: v})
				}
			}
			if diff := cmp.Diff(want.Findings, findings); diff != "" {
				t.Fatalf("%s, namespace %q: findings differ (-EvaluateNamespace +Judgements):\n%s", name, ns, diff)
			}

			// Every object is judged by the integrity check first; every
			// rule judged as many objects as its status count says.
			seen := map[ObjectRef]bool{}
			counts := map[[2]string]orgv1.RuleStatus{}
			for _, j := range got.Judgements {
				if !seen[j.Object] {
					seen[j.Object] = true
					if j.Policy != builtinPolicy || j.Rule != integrityRule {
						t.Fatalf("%s: first judgement of %v is %s/%s, not the integrity check", name, j.Object, j.Policy, j.Rule)
					}
					if j.UID == "" {
						t.Fatalf("%s: judgement of %v has no UID", name, j.Object)
					}
				}
				if j.Policy == builtinPolicy {
					continue
				}
				c := counts[[2]string{j.Policy, j.Rule}]
				c.Evaluated++
				c.Violations += int32(len(j.Violations))
				counts[[2]string{j.Policy, j.Rule}] = c
			}
			if len(seen) != len(subjects(g, ns)) {
				t.Fatalf("%s: %d objects judged, %d in the namespace", name, len(seen), len(subjects(g, ns)))
			}
			var wantErrs, gotErrs []RuleError
			for _, p := range g.GovernancePolicies(ns) {
				pr := want.Policies[p.Name]
				for _, rs := range pr.Rules {
					c := counts[[2]string{p.Name, rs.Name}]
					if c.Evaluated != rs.Evaluated || c.Violations != rs.Violations {
						t.Fatalf("%s: rule %s/%s judged %d with %d violations, status says %d with %d",
							name, p.Name, rs.Name, c.Evaluated, c.Violations, rs.Evaluated, rs.Violations)
					}
				}
				wantErrs = append(wantErrs, pr.Errors...)
			}
			for _, je := range got.Errors {
				gotErrs = append(gotErrs, je.RuleError)
				if je.Severity == "" || je.Enforcement == "" {
					t.Fatalf("%s: rule error %+v has no severity or enforcement", name, je)
				}
			}
			if diff := cmp.Diff(wantErrs, gotErrs); diff != "" {
				t.Fatalf("%s, namespace %q: rule errors differ:\n%s", name, ns, diff)
			}
			if diff := cmp.Diff(want.RequeueAt, got.RequeueAt); diff != "" {
				t.Fatalf("%s, namespace %q: requeue differs:\n%s", name, ns, diff)
			}
		}
		if judged == 0 {
			t.Fatalf("%s: nothing judged", name)
		}
	}
}

func TestJudgementsPassAndFail(t *testing.T) {
	g := graph(t,
		team("it", withFunction("IT")),
		platform("crm", ownedBy("it")),
		platform("cdp"),
		policy("gov", rule("owned", orgv1.RulePlatformOwnership, severity(orgv1.SeverityHigh)), celRule("broken", "1 +", "", orgv1.KindTeam)),
	)
	got := newEngine(t).Judgements(g, ns, now)
	type verdict struct {
		obj        string
		rule       string
		violations int
	}
	var verdicts []verdict
	for _, j := range got.Judgements {
		verdicts = append(verdicts, verdict{j.Object.Name, j.Policy + "/" + j.Rule, len(j.Violations)})
	}
	want := []verdict{
		{"it", "builtin/integrity", 0},
		{"cdp", "builtin/integrity", 0},
		{"cdp", "gov/owned", 1},
		{"crm", "builtin/integrity", 0},
		{"crm", "gov/owned", 0},
	}
	if diff := cmp.Diff(want, verdicts, cmp.AllowUnexported(verdict{})); diff != "" {
		t.Errorf("judgements (-want +got):\n%s", diff)
	}
	if len(got.Errors) != 1 || got.Errors[0].Policy != "gov" || got.Errors[0].Rule != "broken" || got.Errors[0].Severity != orgv1.SeverityMedium {
		t.Errorf("errors = %+v, want the broken CEL rule", got.Errors)
	}
}
