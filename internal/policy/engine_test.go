package policy

import (
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

func TestEvaluateNamespace(t *testing.T) {
	expiry := now.Add(2 * time.Hour)
	g := graph(t,
		org("acme", "Hybrid"),
		policy("audit", rule("coverage", orgv1.RuleSteeringCommitteeCoverage)),
		enforced(policy("gov",
			rule("owned", orgv1.RulePlatformOwnership, severity(orgv1.SeverityHigh)),
			rule("structure", orgv1.RuleTeamStructure, severity(orgv1.SeverityLow)))),
		team("retail", withType("BusinessUnit"), withFunction("Sales"), withParent("corp-gone")),
		team("coe", withType("CenterOfExcellence"), withFunction("Data"), expiringAt(expiry), withLead(person("Ana", ""))),
		platform("crm", operatedBy("retail")),
		platform("cdp", ownedBy("coe")),
		committee("steer", "coe", "retail"),
		team("elsewhere", inNS[*orgv1.Team]("other")),
	)
	enforce := func(rule string, sev orgv1.Severity, msg string) orgv1.Violation {
		return orgv1.Violation{Policy: "gov", Rule: rule, Severity: sev, Enforcement: orgv1.EnforcementEnforce, Message: msg}
	}
	want := NamespaceResult{
		Namespace: ns,
		Findings: []Finding{
			{teamRef("coe"), enforce("structure", orgv1.SeverityLow, `team "coe": spec.lead: lead "Ana" is not among spec.members`)},
			{teamRef("retail"), builtin(`team "retail": spec.parentRef: team "corp-gone" not found`)},
			{teamRef("retail"), enforce("structure", orgv1.SeverityLow, `team "retail": spec.parentRef: parent team "corp-gone" not found`)},
			{platformRef("crm"), enforce("owned", orgv1.SeverityHigh, `platform "crm": spec.ownerRef: platform has no owner team`)},
			{committeeRef("steer"), orgv1.Violation{Policy: "audit", Rule: "coverage", Severity: orgv1.SeverityMedium, Enforcement: orgv1.EnforcementAudit,
				Message: `steering committee "steer": spec.members: no member team covers IT`}},
		},
		Summary: orgv1.OrganizationSummary{
			Teams: 2, Platforms: 2, SteeringCommittees: 1, GovernancePolicies: 2, Violations: 5,
			ViolationsBySeverity: map[string]int32{"High": 2, "Medium": 1, "Low": 2},
		},
		InferredModel: orgv1.ModelHybrid,
		Policies: map[string]PolicyResult{
			"audit": {Rules: []orgv1.RuleStatus{{Name: "coverage", Evaluated: 1, Violations: 1}}},
			"gov":   {Rules: []orgv1.RuleStatus{{Name: "owned", Evaluated: 2, Violations: 1}, {Name: "structure", Evaluated: 2, Violations: 2}}},
		},
		RequeueAt: &expiry,
	}
	e := newEngine(t)
	got := e.EvaluateNamespace(g, ns, now)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("EvaluateNamespace (-want +got):\n%s", diff)
	}

	all := e.Evaluate(g, now)
	if len(all) != 2 || all[0].Namespace != ns || all[1].Namespace != "other" {
		t.Fatalf("Evaluate returned namespaces %v, want acme, other", all)
	}
	if diff := cmp.Diff(want, all[0]); diff != "" {
		t.Errorf("Evaluate (-want +got):\n%s", diff)
	}
	assertConsistent(t, e, g, all)

	if got := e.EvaluateObject(g, teamRef("nobody"), now); got.Violations != nil || got.RequeueAt != nil {
		t.Errorf("EvaluateObject of a missing object = %+v, want empty", got)
	}
}

// assertConsistent checks that EvaluateObject finds on each object exactly
// what EvaluateNamespace found on it.
func assertConsistent(t *testing.T, e *Engine, g Graph, results []NamespaceResult) {
	t.Helper()
	for _, res := range results {
		byObject := map[ObjectRef][]orgv1.Violation{}
		for _, f := range res.Findings {
			byObject[f.Object] = append(byObject[f.Object], f.Violation)
		}
		for _, s := range subjects(g, res.Namespace) {
			got := e.EvaluateObject(g, s.ref, now).Violations
			if diff := cmp.Diff(byObject[s.ref], got); diff != "" {
				t.Errorf("EvaluateObject(%s) differs from EvaluateNamespace (-namespace +object):\n%s", s.ref, diff)
			}
		}
	}
}

func TestViolationOrder(t *testing.T) {
	g := graph(t,
		policy("b", rule("z", orgv1.RulePlatformOwnership, severity(orgv1.SeverityLow)), rule("a", orgv1.RulePlatformGoverned, severity(orgv1.SeverityCritical))),
		policy("a", rule("y", orgv1.RulePlatformOwnership, severity(orgv1.SeverityLow)), rule("x", orgv1.RulePlatformGoverned, severity("Unheard-of"))),
		platform("crm", governedBy("gone")),
	)
	var got []string
	for _, v := range newEngine(t).EvaluateObject(g, platformRef("crm"), now).Violations {
		got = append(got, string(v.Severity)+" "+v.Policy+"/"+v.Rule)
	}
	want := []string{"Critical b/a", "High builtin/integrity", "Low a/y", "Low b/z", "Unheard-of a/x"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}

func TestRequeueAt(t *testing.T) {
	later, soon := now.Add(48*time.Hour), now.Add(time.Hour)
	structure := policy("gov", rule("structure", orgv1.RuleTeamStructure))
	owned := policy("gov", rule("owned", orgv1.RulePlatformOwnership))
	cases := []struct {
		name string
		objs []metav1.Object
		obj  ObjectRef
		want *time.Time
	}{
		{"team expiring later", objs(structure, team("tiger", expiringAt(later))), teamRef("tiger"), &later},
		{"team already expired", objs(structure, team("tiger", expiringAt(now.Add(-time.Hour)))), teamRef("tiger"), nil},
		{"team without expiry", objs(structure, team("tiger")), teamRef("tiger"), nil},
		{"no rule consults the expiry", objs(owned, team("tiger", expiringAt(later))), teamRef("tiger"), nil},
		{"platform whose owner expires later", objs(owned, team("tiger", expiringAt(soon)), platform("crm", ownedBy("tiger"))), platformRef("crm"), &soon},
		{"platform not judged on its owner", objs(structure, team("tiger", expiringAt(soon)), platform("crm", ownedBy("tiger"))), platformRef("crm"), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := newEngine(t).EvaluateObject(graph(t, tc.objs...), tc.obj, now).RequeueAt
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("RequeueAt (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCommitteeCoverage(t *testing.T) {
	teams := objs(team("it", withFunction("IT")), team("it2", withFunction("IT")), team("support", withFunction("Support")), team("legal", withFunction("Legal")))
	steer := committee("steer", "support", "it", "it2", "gone")
	governed := objs(platform("a", governedBy("steer")), platform("b", governedBy("other")),
		platform("c", inNS[*orgv1.Platform]("emea"), func(p *orgv1.Platform) {
			p.Spec.SteeringCommitteeRef = &orgv1.SteeringCommitteeRef{Name: "steer", Namespace: ns}
		}))
	privacy := func(name string, opts ...func(*orgv1.Rule)) *orgv1.GovernancePolicy {
		return policy(name, rule("coverage", orgv1.RuleSteeringCommitteeCoverage, append(opts, withParams(orgv1.RuleParams{
			RequiredFunctions: []orgv1.FunctionGroup{{AnyOf: []orgv1.TeamFunction{"Legal", "Privacy"}}, {AnyOf: []orgv1.TeamFunction{"Data"}}},
		}))...))
	}
	cases := []struct {
		name             string
		objs             []metav1.Object
		covered, missing []string
		governed         int32
	}{{
		name:    "no rule: the default groups",
		objs:    objs(steer),
		covered: []string{"IT", "Support"},
		missing: []string{"Data"},
	}, {
		name:     "groups of every policy, each once, in policy and rule order",
		objs:     append(objs(steer, policy("a-default", rule("coverage", orgv1.RuleSteeringCommitteeCoverage)), privacy("b-privacy")), governed...),
		covered:  []string{"IT", "Support"},
		missing:  []string{"Data", "Legal|Privacy"},
		governed: 2,
	}, {
		name:    "a rule that does not select the committee does not count",
		objs:    objs(steer, privacy("p", matchLabels(&metav1.LabelSelector{MatchLabels: map[string]string{"x": "y"}}))),
		covered: []string{"IT", "Support"},
		missing: []string{"Data"},
	}, {
		name: "missing committee",
		objs: objs(committee("other")),
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := graph(t, append(append([]metav1.Object{}, teams...), tc.objs...)...)
			covered, missing, governed := newEngine(t).CommitteeCoverage(g, ns, "steer")
			if diff := cmp.Diff(tc.covered, covered); diff != "" {
				t.Errorf("covered (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.missing, missing); diff != "" {
				t.Errorf("missing (-want +got):\n%s", diff)
			}
			if governed != tc.governed {
				t.Errorf("governed = %d, want %d", governed, tc.governed)
			}
		})
	}
}

// TestDeterminism evaluates random organizations built from shuffled
// objects: the results must not depend on insertion order.
func TestDeterminism(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 20 {
		data := make([]byte, 64+rng.IntN(400))
		for j := range data {
			data[j] = byte(rng.UintN(256))
		}
		objects := randomObjects(data)
		want := newEngine(t).Evaluate(graph(t, objects...), now)
		for range 3 {
			rng.Shuffle(len(objects), func(a, b int) { objects[a], objects[b] = objects[b], objects[a] })
			got := newEngine(t).Evaluate(graph(t, objects...), now)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("organization %d: results depend on insertion order (-first +shuffled):\n%s", i, diff)
			}
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	g := graph(t, randomObjects([]byte("a fairly long seed for a fairly large random organization, with cycles and all"))...)
	e := newEngine(t)
	want := e.Evaluate(g, now)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if diff := cmp.Diff(want, e.Evaluate(g, now)); diff != "" {
				t.Errorf("concurrent evaluation differs (-want +got):\n%s", diff)
			}
		})
	}
	wg.Wait()
}

func TestJudgesKind(t *testing.T) {
	pol := policy("gov",
		rule("owned", orgv1.RulePlatformOwnership),
		rule("raci", orgv1.RuleResponsibilityAssignment),
		celRule("cel", "true", "", orgv1.KindTeam),
		rule("unknown", "Bogus"),
	)
	want := map[orgv1.Kind]bool{
		orgv1.KindPlatform: true, orgv1.KindResponsibilityMatrix: true, orgv1.KindTeam: true,
		orgv1.KindOrganization: false, orgv1.KindSteeringCommittee: false,
	}
	for kind, judged := range want {
		if got := JudgesKind(pol, kind); got != judged {
			t.Errorf("JudgesKind(%s) = %v, want %v", kind, got, judged)
		}
	}
	narrowed := policy("gov", rule("raci", orgv1.RuleResponsibilityAssignment, matchKinds(orgv1.KindPlatform),
		withParams(orgv1.RuleParams{RequireForTiers: []orgv1.PlatformTier{"Foundational"}})))
	if JudgesKind(narrowed, orgv1.KindResponsibilityMatrix) || !JudgesKind(narrowed, orgv1.KindPlatform) {
		t.Error("match.kinds does not narrow JudgesKind")
	}
	if JudgesKind(nil, orgv1.KindTeam) {
		t.Error("a nil policy judges something")
	}
}
