package policy

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/testing/builders"
)

func TestCELRules(t *testing.T) {
	P, T := orgv1.KindPlatform, orgv1.KindTeam
	vendorRule := func(expr string) *orgv1.GovernancePolicy {
		return builders.MakeGovernancePolicy("gov", ns).Rules(builders.MakeCELRule("vendor", expr, "every platform names its vendor").MatchKinds(P).Obj()).Obj()
	}
	medium := func(msg string) orgv1.Violation { return v("vendor", orgv1.SeverityMedium, msg) }
	it := builders.MakeTeam("it", ns).Function("IT").DisplayName("Équipe Données").Obj()
	steer := builders.MakeSteeringCommittee("steer", ns).Cadence("monthly").Obj()
	withStatus := builders.MakePlatform("crm", ns).Obj()
	withStatus.Status.Violations = []orgv1.Violation{{Policy: "x"}}
	runRuleCases(t, []ruleCase{{
		name: "true",
		objs: objs(vendorRule(`has(object.spec.vendor) && object.spec.vendor != ""`), builders.MakePlatform("crm", ns).Vendor("Acme").Obj()),
		obj:  platformRef("crm"),
	}, {
		name: "false reports cel.message",
		objs: objs(vendorRule(`has(object.spec.vendor)`), builders.MakePlatform("crm", ns).Obj()),
		obj:  platformRef("crm"),
		want: []orgv1.Violation{medium(`platform "crm": every platform names its vendor`)},
	}, {
		name: "false reports the default message",
		objs: objs(builders.MakeGovernancePolicy("gov", ns).Rules(builders.MakeCELRule("vendor", `has(object.spec.vendor)`, "").MatchKinds(P).Obj()).Obj(), builders.MakePlatform("crm", ns).Obj()),
		obj:  platformRef("crm"),
		want: []orgv1.Violation{medium(`platform "crm": CEL rule "vendor" is not satisfied`)},
	}, {
		name: "only the kinds in match.kinds are judged",
		objs: objs(vendorRule(`false`), builders.MakeTeam("it", ns).Obj()),
		obj:  teamRef("it"),
	}, {
		name: "a missing field is a runtime error, reported on the object",
		objs: objs(vendorRule(`object.spec.vendor == "Acme"`), builders.MakePlatform("crm", ns).Obj()),
		obj:  platformRef("crm"),
		want: []orgv1.Violation{medium(`platform "crm": CEL rule "vendor" could not be evaluated: no such key: vendor`)},
	}, {
		name: "a dyn result that is not bool is a runtime error",
		objs: objs(vendorRule(`object.spec.category`), builders.MakePlatform("crm", ns).Obj()),
		obj:  platformRef("crm"),
		want: []orgv1.Violation{medium(`platform "crm": CEL rule "vendor" could not be evaluated: expression returned string, want bool`)},
	}, {
		name: "metadata, kind and apiVersion",
		objs: objs(vendorRule(`object.kind == "Platform" && object.apiVersion == "org.orgplane.io/v1alpha1" && object.metadata.name == "crm" && object.metadata.namespace == "acme" && object.metadata.labels["tier"] == "gold" && size(object.metadata.annotations) == 0`),
			builders.MakePlatform("crm", ns).Label("tier", "gold").Obj()),
		obj: platformRef("crm"),
	}, {
		name: "owner and committee are the platform's",
		objs: objs(vendorRule(`owner.spec.function == "IT" && owner.spec.displayName == "Équipe Données" && committee.spec.cadence == "monthly"`),
			it, steer, builders.MakePlatform("crm", ns).Owner("it").Committee("steer").Obj()),
		obj: platformRef("crm"),
	}, {
		name: "owner and committee are null when they do not resolve",
		objs: objs(vendorRule(`owner == null && committee == null`), builders.MakePlatform("crm", ns).Owner("gone").Committee("gone").Obj()),
		obj:  platformRef("crm"),
	}, {
		name: "a null owner fails a rule that needs one",
		objs: objs(vendorRule(`owner != null && owner.spec.function in ["IT", "Data"]`), builders.MakePlatform("crm", ns).Obj()),
		obj:  platformRef("crm"),
		want: []orgv1.Violation{medium(`platform "crm": every platform names its vendor`)},
	}, {
		name: "owner and committee are null for other kinds",
		objs: objs(builders.MakeGovernancePolicy("gov", ns).Rules(builders.MakeCELRule("vendor", `owner == null && committee == null && object.spec.function == "IT"`, "").MatchKinds(T).Obj()).Obj(), it),
		obj:  teamRef("it"),
	}, {
		name: "status is not visible",
		objs: objs(vendorRule(`!has(object.status)`), withStatus),
		obj:  platformRef("crm"),
	}})
}

func TestCELCostLimit(t *testing.T) {
	digits := "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]"
	expr := "true"
	for range 6 { // a million iterations
		expr = digits + ".all(x, " + expr + ")"
	}
	g := graph(t, builders.MakeGovernancePolicy("gov", ns).Rules(builders.MakeCELRule("slow", expr, "").MatchKinds(orgv1.KindPlatform).Obj()).Obj(), builders.MakePlatform("crm", ns).Obj())
	start := time.Now()
	res := newEngine(t).EvaluateObject(g, platformRef("crm"), now).Object(platformRef("crm"))
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("evaluation took %v, want it stopped by the cost limit", elapsed)
	}
	want := []orgv1.Violation{v("slow", orgv1.SeverityMedium, `platform "crm": CEL rule "slow" could not be evaluated: operation cancelled: actual cost limit exceeded`)}
	if diff := cmp.Diff(want, res.Violations()); diff != "" {
		t.Errorf("violations (-want +got):\n%s", diff)
	}

	// A lower limit stops cheaper expressions too.
	e, err := NewEngine(Options{CELCostLimit: 10})
	if err != nil {
		t.Fatal(err)
	}
	g = graph(t, builders.MakeGovernancePolicy("gov", ns).Rules(builders.MakeCELRule("cheap", digits+".all(x, x < 10)", "").MatchKinds(orgv1.KindPlatform).Obj()).Obj(), builders.MakePlatform("crm", ns).Obj())
	if got := e.EvaluateObject(g, platformRef("crm"), now).Object(platformRef("crm")).Violations(); len(got) != 1 || !strings.Contains(got[0].Message, "cost limit exceeded") {
		t.Errorf("with CELCostLimit 10: got %v, want a cost limit error", got)
	}
}

func TestRuleErrors(t *testing.T) {
	pol := builders.MakeGovernancePolicy("gov", ns).Rules(
		builders.MakeRule("owned", orgv1.RulePlatformOwnership).Obj(),
		builders.MakeCELRule("must-have-vendor", `object.spec.vendor == vendor`, "").MatchKinds(orgv1.KindPlatform).Obj(),
		builders.MakeCELRule("not-bool", `1 + 1`, "").MatchKinds(orgv1.KindPlatform).Obj(),
		builders.MakeCELRule("syntax", `object.spec.(`, "").MatchKinds(orgv1.KindPlatform).Obj(),
		builders.MakeCELRule("no-kinds", `true`, "").MatchKinds().Obj(),
		builders.MakeRule("no-cel", orgv1.RuleCEL).MatchKinds(orgv1.KindPlatform).Obj(),
		builders.MakeRule("unknown", "Bogus").Obj(),
		builders.MakeRule("wrong-kinds", orgv1.RuleTeamStructure).MatchKinds(orgv1.KindPlatform).Obj(),
		builders.MakeRule("bad-selector", orgv1.RulePlatformGoverned).
			MatchLabels(&metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "tier", Operator: "Bogus"}}}).Obj(),
		builders.MakeCELRule("too-long", strings.Repeat("true && ", 600)+"true", "").MatchKinds(orgv1.KindPlatform).Obj(),
	).Obj()
	g := graph(t, pol, builders.MakePlatform("crm", ns).Obj())
	res := newEngine(t).EvaluateNamespace(g, ns, now)
	got := res.Policy(ns, "gov")
	wantRules := []orgv1.RuleStatus{
		{Name: "owned", Evaluated: 1, Violations: 1},
		{Name: "must-have-vendor"}, {Name: "not-bool"}, {Name: "syntax"}, {Name: "no-kinds"}, {Name: "no-cel"},
		{Name: "unknown"}, {Name: "wrong-kinds"}, {Name: "bad-selector"}, {Name: "too-long"},
	}
	wantErrors := []RuleError{
		{Rule: "must-have-vendor", Field: "cel.expression", Message: `rule "must-have-vendor": cel.expression: ERROR: <input>:1:23: undeclared reference to 'vendor' (in container '')`},
		{Rule: "not-bool", Field: "cel.expression", Message: `rule "not-bool": cel.expression: expression has type int, want bool`},
		{Rule: "syntax", Field: "cel.expression", Message: `rule "syntax": cel.expression: ERROR: <input>:1:13: Syntax error: no viable alternative at input '.('`},
		{Rule: "no-kinds", Field: "match.kinds", Message: `rule "no-kinds": match.kinds: required for a rule of type CEL`},
		{Rule: "no-cel", Field: "cel.expression", Message: `rule "no-cel": cel.expression: required for a rule of type CEL`},
		{Rule: "unknown", Field: "type", Message: `rule "unknown": type: unknown rule type "Bogus"`},
		{Rule: "wrong-kinds", Field: "match.kinds", Message: `rule "wrong-kinds": match.kinds: TeamStructure judges none of Platform`},
		{Rule: "bad-selector", Field: "match.labelSelector", Message: `rule "bad-selector": match.labelSelector: "Bogus" is not a valid label selector operator`},
		{Rule: "too-long", Field: "cel.expression", Message: `rule "too-long": cel.expression: ERROR: <input>:-1:0: expression code point size exceeds limit: size: 4804, limit 4096`},
	}
	if diff := cmp.Diff(wantRules, got.RuleStatuses()); diff != "" {
		t.Errorf("rule counts (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantErrors, got.Errors()); diff != "" {
		t.Errorf("rule errors (-want +got):\n%s", diff)
	}
	if err := got.Errors()[0]; err.Error() != err.Message {
		t.Errorf("Error() = %q, want the message", err.Error())
	}
}

func TestMatch(t *testing.T) {
	objsWith := func(p *orgv1.GovernancePolicy) []metav1.Object {
		return objs(p, builders.MakeTeam("a", ns).Obj(), builders.MakeTeam("ops", ns).Obj(),
			builders.MakePlatform("crm", ns).Label("tier", "gold").Obj(), builders.MakePlatform("cms", ns).Obj(),
			builders.MakeResponsibilityMatrix("m", ns).Platform("crm").Activities(builders.MakeActivity("Run").Responsible("ops").Obj()).Obj())
	}
	cases := []struct {
		name  string
		rule  orgv1.Rule
		want  orgv1.RuleStatus
		found []ObjectRef
	}{{
		name:  "labelSelector matchLabels",
		rule:  builders.MakeRule("r", orgv1.RulePlatformGoverned).MatchLabels(&metav1.LabelSelector{MatchLabels: map[string]string{"tier": "gold"}}).Obj(),
		want:  orgv1.RuleStatus{Name: "r", Evaluated: 1, Violations: 1},
		found: []ObjectRef{platformRef("crm")},
	}, {
		name:  "labelSelector matchExpressions",
		rule:  builders.MakeRule("r", orgv1.RulePlatformGoverned).MatchLabels(&metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "tier", Operator: metav1.LabelSelectorOpDoesNotExist}}}).Obj(),
		want:  orgv1.RuleStatus{Name: "r", Evaluated: 1, Violations: 1},
		found: []ObjectRef{platformRef("cms")},
	}, {
		name:  "an empty selector matches everything",
		rule:  builders.MakeRule("r", orgv1.RulePlatformGoverned).MatchLabels(&metav1.LabelSelector{}).Obj(),
		want:  orgv1.RuleStatus{Name: "r", Evaluated: 2, Violations: 2},
		found: []ObjectRef{platformRef("cms"), platformRef("crm")},
	}, {
		name:  "match.kinds narrows a rule of two kinds",
		rule:  builders.MakeRule("r", orgv1.RuleResponsibilityAssignment).MatchKinds(orgv1.KindPlatform).Params(orgv1.RuleParams{RequireForTiers: []orgv1.PlatformTier{"Engagement"}}).Obj(),
		want:  orgv1.RuleStatus{Name: "r", Evaluated: 2, Violations: 1},
		found: []ObjectRef{platformRef("cms")},
	}, {
		name:  "both kinds without match.kinds",
		rule:  builders.MakeRule("r", orgv1.RuleResponsibilityAssignment).Params(orgv1.RuleParams{RequireForTiers: []orgv1.PlatformTier{"Engagement"}}).Obj(),
		want:  orgv1.RuleStatus{Name: "r", Evaluated: 3, Violations: 2},
		found: []ObjectRef{platformRef("cms"), mRef},
	}, {
		name:  "CEL on several kinds",
		rule:  builders.MakeCELRule("r", `object.kind == "Team"`, "").MatchKinds(orgv1.KindTeam, orgv1.KindPlatform).Obj(),
		want:  orgv1.RuleStatus{Name: "r", Evaluated: 4, Violations: 2},
		found: []ObjectRef{platformRef("cms"), platformRef("crm")},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := newEngine(t).EvaluateNamespace(graph(t, objsWith(builders.MakeGovernancePolicy("gov", ns).Rules(tc.rule).Obj())...), ns, now)
			if diff := cmp.Diff([]orgv1.RuleStatus{tc.want}, res.Policy(ns, "gov").RuleStatuses()); diff != "" {
				t.Errorf("rule counts (-want +got):\n%s", diff)
			}
			var found []ObjectRef
			for _, f := range res.Findings() {
				if f.Violation.Policy == "gov" {
					found = append(found, f.Object)
				}
			}
			if diff := cmp.Diff(tc.found, found, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("objects with findings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestProgramCache(t *testing.T) {
	e, err := NewEngine(Options{MaxCachedPrograms: 2})
	if err != nil {
		t.Fatal(err)
	}
	pol := builders.MakeGovernancePolicy("gov", ns).Rules(builders.MakeCELRule("a", "true", "").MatchKinds(orgv1.KindPlatform).Obj()).Obj()
	pol.UID, pol.Generation = "uid-1", 1
	evaluate := func(p *orgv1.GovernancePolicy) []orgv1.Violation {
		return e.EvaluateObject(graph(t, p, builders.MakePlatform("crm", ns).Obj()), platformRef("crm"), now).Object(platformRef("crm")).Violations()
	}
	entry := func() *programEntry { return e.programs[programKey{namespace: ns, policy: "gov", rule: "a"}] }

	evaluate(pol)
	first := entry()
	evaluate(pol)
	if entry() != first {
		t.Error("the program was compiled again for the same generation")
	}

	// A new generation replaces the stale entry.
	pol = pol.DeepCopy()
	pol.Generation = 2
	pol.Spec.Rules[0].CEL.Expression = "false"
	if got := evaluate(pol); len(got) != 1 {
		t.Errorf("after the expression changed: got %v, want one violation", got)
	}
	if entry() == first || len(e.programs) != 1 {
		t.Errorf("stale entry kept: %d entries", len(e.programs))
	}

	// Objects that never went through an API server all have generation 0:
	// the expression itself is compared too.
	pol = pol.DeepCopy()
	pol.Spec.Rules[0].CEL.Expression = "true"
	if got := evaluate(pol); len(got) != 0 {
		t.Errorf("same generation, new expression: got %v, want none", got)
	}

	// The cache is bounded.
	many := builders.MakeGovernancePolicy("gov", ns).Rules(builders.MakeCELRule("a", "true", "").MatchKinds(orgv1.KindPlatform).Obj(), builders.MakeCELRule("b", "true", "").MatchKinds(orgv1.KindPlatform).Obj(), builders.MakeCELRule("c", "false", "").MatchKinds(orgv1.KindPlatform).Obj()).Obj()
	if got := evaluate(many); len(got) != 1 {
		t.Errorf("with more rules than the cache holds: got %v, want one violation", got)
	}
	if len(e.programs) > 2 {
		t.Errorf("cache holds %d programs, want at most 2", len(e.programs))
	}
}
