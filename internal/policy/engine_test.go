package policy

import (
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/testing/builders"
)

func TestEvaluateNamespace(t *testing.T) {
	expiry := now.Add(2 * time.Hour)
	g := graph(t,
		builders.MakeOrganization("acme", ns).Model("Hybrid").Obj(),
		builders.MakeGovernancePolicy("audit", ns).Rules(builders.MakeRule("coverage", orgv1.RuleSteeringCommitteeCoverage).Obj()).Obj(),
		builders.MakeGovernancePolicy("gov", ns).Rules(
			builders.MakeRule("owned", orgv1.RulePlatformOwnership).Severity(orgv1.SeverityHigh).Obj(),
			builders.MakeRule("structure", orgv1.RuleTeamStructure).Severity(orgv1.SeverityLow).Obj()).Enforcement(orgv1.EnforcementEnforce).Obj(),
		builders.MakeTeam("retail", ns).Type("BusinessUnit").Function("Sales").Parent("corp-gone").Obj(),
		builders.MakeTeam("coe", ns).Type("CenterOfExcellence").Function("Data").ExpiresAt(expiry).Lead(builders.Person("Ana", "")).Obj(),
		builders.MakePlatform("crm", ns).Operators("retail").Obj(),
		builders.MakePlatform("cdp", ns).Owner("coe").Obj(), // a CRM: no marketing platform
		builders.MakeSteeringCommittee("steer", ns).Members("coe", "retail").Obj(),
		builders.MakeTeam("elsewhere", "other").Obj(),
	)
	enforce := func(rule string, sev orgv1.Severity, msg string) orgv1.Violation {
		return orgv1.Violation{Policy: "gov", Rule: rule, Severity: sev, Enforcement: orgv1.EnforcementEnforce, Message: msg}
	}
	want := evaluationView{
		Findings: []Finding{
			{teamRef("coe"), "spec.lead", enforce("structure", orgv1.SeverityLow, `team "coe": spec.lead: lead "Ana" is not among spec.members`)},
			{teamRef("retail"), "spec.parentRef", builtin(`team "retail": spec.parentRef: team "corp-gone" not found`)},
			{teamRef("retail"), "spec.parentRef", enforce("structure", orgv1.SeverityLow, `team "retail": spec.parentRef: parent team "corp-gone" not found`)},
			{platformRef("crm"), "spec.ownerRef", enforce("owned", orgv1.SeverityHigh, `platform "crm": spec.ownerRef: platform has no owner team`)},
			{steerRef, "spec.members", orgv1.Violation{Policy: "audit", Rule: "coverage", Severity: orgv1.SeverityMedium, Enforcement: orgv1.EnforcementAudit,
				Message: `steering committee "steer": spec.members: no member team covers IT`}},
		},
		Namespaces: []NamespaceResult{{
			Namespace: ns,
			// crm has no owner, so it does not count, nor does retail's
			// operating it: the CoE's one platform is all there is.
			Model: ModelInference{
				Model:    orgv1.ModelCentralized,
				Reason:   `CenterOfExcellence "coe" owns the one platform (none Foundational); no BusinessUnit owns or operates one`,
				Evidence: []orgv1.ModelEvidence{{Unit: "coe", UnitType: orgv1.UnitCenterOfExcellence, Owns: 1}},
				Owners:   map[ObjectRef]Unit{platformRef("cdp"): {Head: teamRef("coe"), Type: orgv1.UnitCenterOfExcellence}},
			},
			Martech: MartechInference{
				Model:  orgv1.MartechUnknown,
				Reason: "no team that exists and has not expired owns a marketing platform (CDP, DAM, MarketingAutomation, CMS, Personalization, Social, Advertising, Analytics)",
			},
			Summary: orgv1.OrganizationSummary{
				Teams: 2, Platforms: 2, SteeringCommittees: 1, GovernancePolicies: 2, Violations: 5,
				ViolationsBySeverity: map[string]int32{"High": 2, "Medium": 1, "Low": 2},
			},
		}},
		Rules: map[string][]orgv1.RuleStatus{
			"acme/audit": {{Name: "coverage", Evaluated: 1, Violations: 1}},
			"acme/gov":   {{Name: "owned", Evaluated: 2, Violations: 1}, {Name: "structure", Evaluated: 2, Violations: 2}},
		},
		RequeueAt: &expiry,
	}
	e := newEngine(t)
	if diff := cmp.Diff(want, viewOf(e.EvaluateNamespace(g, ns, now))); diff != "" {
		t.Errorf("EvaluateNamespace (-want +got):\n%s", diff)
	}

	all := e.Evaluate(g, now)
	if len(all.Namespaces) != 2 || all.Namespaces[0].Namespace != ns || all.Namespaces[1].Namespace != "other" {
		t.Fatalf("Evaluate returned namespaces %v, want acme, other", all.Namespaces)
	}
	assertConsistent(t, e, g, all)

	if got := e.EvaluateObject(g, teamRef("nobody"), now); got.Objects != nil || got.RequeueAt != nil {
		t.Errorf("EvaluateObject of a missing object = %+v, want no objects", got)
	}
}

// evaluationView is what TestEvaluateNamespace reads off an Evaluation.
type evaluationView struct {
	Findings   []Finding
	Namespaces []NamespaceResult
	Rules      map[string][]orgv1.RuleStatus // by namespace/policy
	RequeueAt  *time.Time
}

func viewOf(ev *Evaluation) evaluationView {
	v := evaluationView{Findings: ev.Findings(), Namespaces: ev.Namespaces, Rules: map[string][]orgv1.RuleStatus{}, RequeueAt: ev.RequeueAt}
	for _, p := range ev.Policies {
		v.Rules[p.Namespace+"/"+p.Name] = p.RuleStatuses()
	}
	return v
}

// assertConsistent checks that EvaluateObject judges each object exactly as
// Evaluate judged it: the same verdicts, pass and fail, and roll-ups.
// Every object's first verdict is the integrity check's, and every rule
// judged as many objects, with as many findings, as its counts say.
func assertConsistent(t *testing.T, e *Engine, g Graph, all *Evaluation) {
	t.Helper()
	counted := map[[3]string]orgv1.RuleStatus{}
	for _, o := range all.Objects {
		got := e.EvaluateObject(g, o.Ref, now)
		if diff := cmp.Diff([]ObjectResult{o}, got.Objects); diff != "" {
			t.Errorf("EvaluateObject(%s) differs from Evaluate (-all +object):\n%s", o.Ref, diff)
		}
		if o.Verdicts[0].Rule != Integrity {
			t.Errorf("first verdict on %s is %s, not the integrity check", o.Ref, o.Verdicts[0].Rule.ID())
		}
		for _, v := range o.Verdicts[1:] {
			k := [3]string{o.Ref.Namespace, v.Rule.Policy, v.Rule.Rule}
			c := counted[k]
			c.Name, c.Evaluated, c.Violations = v.Rule.Rule, c.Evaluated+1, c.Violations+int32(len(v.Findings))
			counted[k] = c
		}
	}
	for _, p := range all.Policies {
		for _, r := range p.Rules {
			want := counted[[3]string{p.Namespace, p.Name, r.Rule}]
			want.Name = r.Rule
			if got := (orgv1.RuleStatus{Name: r.Rule, Evaluated: r.Evaluated, Violations: r.Violations}); got != want {
				t.Errorf("rule %s/%s counts %+v, its verdicts %+v", p.Namespace, r.ID(), got, want)
			}
		}
	}
}

func TestVerdicts(t *testing.T) {
	g := graph(t,
		builders.MakeTeam("it", ns).Function("IT").UID("uid-it").Obj(),
		builders.MakePlatform("crm", ns).Owner("it").Obj(),
		builders.MakePlatform("cdp", ns).Obj(),
		builders.MakeGovernancePolicy("gov", ns).Rules(
			builders.MakeRule("owned", orgv1.RulePlatformOwnership).Severity(orgv1.SeverityHigh).Obj(),
			builders.MakeCELRule("broken", "1 +", "").MatchKinds(orgv1.KindTeam).Obj()).Obj(),
	)
	ev := newEngine(t).EvaluateNamespace(g, ns, now)
	type verdict struct {
		Obj, Rule string
		Findings  int
	}
	var got []verdict
	for _, o := range ev.Objects {
		for _, v := range o.Verdicts {
			got = append(got, verdict{o.Ref.Name, v.Rule.ID(), len(v.Findings)})
		}
	}
	want := []verdict{
		{"it", "builtin/integrity", 0},
		{"cdp", "builtin/integrity", 0},
		{"cdp", "gov/owned", 1},
		{"crm", "builtin/integrity", 0},
		{"crm", "gov/owned", 0},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("verdicts (-want +got):\n%s", diff)
	}
	if uid := ev.Objects[0].UID; uid != "uid-it" {
		t.Errorf("UID of team it = %q", uid)
	}
	broken := ev.Policy(ns, "gov").Rules[1]
	wantRef := RuleRef{Policy: "gov", Rule: "broken", Type: orgv1.RuleCEL, Severity: orgv1.SeverityMedium, Enforcement: orgv1.EnforcementAudit}
	if broken.RuleRef != wantRef || broken.Error == nil || broken.Error.Field != "cel.expression" {
		t.Errorf("broken rule = %+v, want %+v with a cel.expression error", broken, wantRef)
	}
}

func TestViolationOrder(t *testing.T) {
	g := graph(t,
		builders.MakeGovernancePolicy("b", ns).Rules(builders.MakeRule("z", orgv1.RulePlatformOwnership).Severity(orgv1.SeverityLow).Obj(), builders.MakeRule("a", orgv1.RulePlatformGoverned).Severity(orgv1.SeverityCritical).Obj()).Obj(),
		builders.MakeGovernancePolicy("a", ns).Rules(builders.MakeRule("y", orgv1.RulePlatformOwnership).Severity(orgv1.SeverityLow).Obj(), builders.MakeRule("x", orgv1.RulePlatformGoverned).Severity("Unheard-of").Obj()).Obj(),
		builders.MakePlatform("crm", ns).Committee("gone").Obj(),
	)
	var got []string
	for _, v := range newEngine(t).EvaluateObject(g, platformRef("crm"), now).Object(platformRef("crm")).Violations() {
		got = append(got, string(v.Severity)+" "+v.Policy+"/"+v.Rule)
	}
	want := []string{"Critical b/a", "High builtin/integrity", "Low a/y", "Low b/z", "Unheard-of a/x"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}

func TestRequeueAt(t *testing.T) {
	later, soon := now.Add(48*time.Hour), now.Add(time.Hour)
	structure := builders.MakeGovernancePolicy("gov", ns).Rules(builders.MakeRule("structure", orgv1.RuleTeamStructure).Obj()).Obj()
	owned := builders.MakeGovernancePolicy("gov", ns).Rules(builders.MakeRule("owned", orgv1.RulePlatformOwnership).Obj()).Obj()
	cases := []struct {
		name string
		objs []metav1.Object
		obj  ObjectRef
		want *time.Time
	}{
		{"team expiring later", objs(structure, builders.MakeTeam("tiger", ns).ExpiresAt(later).Obj()), teamRef("tiger"), &later},
		{"team already expired", objs(structure, builders.MakeTeam("tiger", ns).ExpiresAt(now.Add(-time.Hour)).Obj()), teamRef("tiger"), nil},
		{"team without expiry", objs(structure, builders.MakeTeam("tiger", ns).Obj()), teamRef("tiger"), nil},
		{"no rule consults the expiry", objs(owned, builders.MakeTeam("tiger", ns).ExpiresAt(later).Obj()), teamRef("tiger"), nil},
		{"platform whose owner expires later", objs(owned, builders.MakeTeam("tiger", ns).ExpiresAt(soon).Obj(), builders.MakePlatform("crm", ns).Owner("tiger").Obj()), platformRef("crm"), &soon},
		{"platform not judged on its owner", objs(structure, builders.MakeTeam("tiger", ns).ExpiresAt(soon).Obj(), builders.MakePlatform("crm", ns).Owner("tiger").Obj()), platformRef("crm"), nil},
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
	teams := objs(builders.MakeTeam("it", ns).Function("IT").Obj(), builders.MakeTeam("it2", ns).Function("IT").Obj(),
		builders.MakeTeam("support", ns).Function("Support").Obj(), builders.MakeTeam("legal", ns).Function("Legal").Obj())
	steer := builders.MakeSteeringCommittee("steer", ns).Members("support", "it", "it2", "gone").Obj()
	governed := objs(builders.MakePlatform("a", ns).Committee("steer").Obj(), builders.MakePlatform("b", ns).Committee("other").Obj(),
		builders.MakePlatform("c", "emea").Committee(ns+"/steer").Obj())
	// privacy asks for Legal|Privacy and Data, of the committees sel selects.
	privacy := func(name string, sel *metav1.LabelSelector) *orgv1.GovernancePolicy {
		r := builders.MakeRule("coverage", orgv1.RuleSteeringCommitteeCoverage).Params(orgv1.RuleParams{
			RequiredFunctions: []orgv1.FunctionGroup{{AnyOf: []orgv1.TeamFunction{"Legal", "Privacy"}}, {AnyOf: []orgv1.TeamFunction{"Data"}}},
		})
		if sel != nil {
			r.MatchLabels(sel)
		}
		return builders.MakeGovernancePolicy(name, ns).Rules(r.Obj()).Obj()
	}
	cases := []struct {
		name string
		objs []metav1.Object
		want *Coverage
	}{{
		name: "no rule: the default groups",
		objs: objs(steer),
		want: &Coverage{Covered: []string{"IT", "Support"}, Missing: []string{"Data"}},
	}, {
		name: "groups of every policy, each once, in policy and rule order",
		objs: append(objs(steer, builders.MakeGovernancePolicy("a-default", ns).Rules(builders.MakeRule("coverage", orgv1.RuleSteeringCommitteeCoverage).Obj()).Obj(), privacy("b-privacy", nil)), governed...),
		want: &Coverage{Covered: []string{"IT", "Support"}, Missing: []string{"Data", "Legal|Privacy"}, Governed: 2},
	}, {
		name: "a rule that does not select the committee does not count",
		objs: objs(steer, privacy("p", &metav1.LabelSelector{MatchLabels: map[string]string{"x": "y"}})),
		want: &Coverage{Covered: []string{"IT", "Support"}, Missing: []string{"Data"}},
	}, {
		name: "missing committee",
		objs: objs(builders.MakeSteeringCommittee("other", ns).Obj()),
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := graph(t, append(append([]metav1.Object{}, teams...), tc.objs...)...)
			got := newEngine(t).EvaluateObject(g, steerRef, now).Object(steerRef).Coverage
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("coverage (-want +got):\n%s", diff)
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
