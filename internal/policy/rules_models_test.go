package policy

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/testing/builders"
)

// centralizedEmbedded is an organization whose structure shows Centralized
// and Embedded: a marketing CoE owns the CDP.
func centralizedEmbedded() []metav1.Object {
	return objs(builders.MakeTeam("coe", ns).Type("CenterOfExcellence").Obj(), builders.MakePlatform("cdp", ns).Category("CDP").Owner("coe").Obj())
}

// hybridEmbedded adds a business unit that owns a CRM: Hybrid, still
// Embedded.
func hybridEmbedded() []metav1.Object {
	return append(centralizedEmbedded(), builders.MakeTeam("retail", ns).Type("BusinessUnit").Obj(), builders.MakePlatform("crm", ns).Owner("retail").Obj())
}

const (
	centralizedReason = `CenterOfExcellence "coe" owns the one platform (none Foundational); no BusinessUnit owns or operates one`
	hybridReason      = `CenterOfExcellence "coe" owns 1 platform (none Foundational); BusinessUnit "retail" owns 1`
	embeddedReason    = `team "coe" owns the most marketing platforms (1 of 1); it has function Marketing and is not on the IT side`
)

// TestTransitionPhases walks a transition from Centralized to Hybrid
// through every phase on a fake clock: planned while the deadline lies
// ahead (one requeue, at the deadline), overdue once it passes, completed
// as soon as the structure shows the target, before or after the deadline.
func TestTransitionPhases(t *testing.T) {
	by := now.Add(72 * time.Hour)
	rules := builders.MakeGovernancePolicy("gov", ns).Rules(builders.MakeRule("model", orgv1.RuleOrganizationModel).Obj(), builders.MakeRule("martech", orgv1.RuleMartechModel).Obj()).Obj()
	acme := builders.MakeOrganization("acme", ns).Model("Centralized").Martech("Embedded").Transition("Hybrid", "", by, "consolidation").Obj()
	medium := func(r, msg string) orgv1.Violation { return v(r, orgv1.SeverityMedium, msg) }
	overdue := `organization "acme": spec.transition: the move to "Hybrid" was due by 2026-03-04T12:00:00Z, but the structure shows "Centralized": ` + centralizedReason
	cases := []struct {
		name      string
		objs      []metav1.Object
		at        time.Time
		phase     orgv1.TransitionPhase
		requeueAt *time.Time
		want      []orgv1.Violation
	}{
		{"planned: the structure still shows the declared model", centralizedEmbedded(), now, orgv1.TransitionPlanned, &by, nil},
		{"planned, a second before the deadline", centralizedEmbedded(), by.Add(-time.Second), orgv1.TransitionPlanned, &by, nil},
		{"overdue at the deadline", centralizedEmbedded(), by, orgv1.TransitionOverdue, nil, []orgv1.Violation{medium("model", overdue)}},
		{"overdue after it", centralizedEmbedded(), by.Add(time.Hour), orgv1.TransitionOverdue, nil, []orgv1.Violation{medium("model", overdue)}},
		{"completed before the deadline", hybridEmbedded(), now, orgv1.TransitionCompleted, nil, nil},
		{"completed after it", hybridEmbedded(), by.Add(time.Hour), orgv1.TransitionCompleted, nil, nil},
		{"planned, but the structure shows neither model", objs(builders.MakeTeam("a", ns).Type("BusinessUnit").Obj(), builders.MakeTeam("b", ns).Type("BusinessUnit").Obj(),
			builders.MakePlatform("crm", ns).Owner("a").Obj(), builders.MakePlatform("cms", ns).Owner("b").Obj()), now, orgv1.TransitionPlanned, &by,
			[]orgv1.Violation{medium("model", `organization "acme": spec.model: declared "Centralized", moving to "Hybrid" by 2026-03-04T12:00:00Z, `+
				`but platform ownership shows "Independent": BusinessUnits "a", "b" own all 2 platforms`)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ev := newEngine(t).EvaluateNamespace(graph(t, append(tc.objs, rules, acme)...), ns, tc.at)
			res := ev.Object(acmeRef)
			if res.Transition == nil || res.Transition.Phase != tc.phase || !res.Transition.By.Time.Equal(by) {
				t.Errorf("transition %+v, want phase %s by %s", res.Transition, tc.phase, by)
			}
			if diff := cmp.Diff(tc.requeueAt, ev.RequeueAt); diff != "" {
				t.Errorf("RequeueAt (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.want, res.Violations()); diff != "" {
				t.Errorf("violations (-want +got):\n%s", diff)
			}
		})
	}
	if res := newEngine(t).EvaluateNamespace(graph(t, append(centralizedEmbedded(), builders.MakeOrganization("acme", ns).Model("Centralized").Obj())...), ns, now).Object(acmeRef); res.Transition != nil {
		t.Errorf("an organization without spec.transition has status.transition %+v", res.Transition)
	}
}

// TestMartechModel: the declared martech model against the inferred one,
// and what a transition's martechModel changes.
func TestMartechModel(t *testing.T) {
	pol := builders.MakeGovernancePolicy("gov", ns).Rules(builders.MakeRule("martech", orgv1.RuleMartechModel).Obj(), builders.MakeRule("model", orgv1.RuleOrganizationModel).Obj()).Obj()
	soon, past := now.Add(time.Hour), now.Add(-time.Hour)
	with := func(o ...metav1.Object) []metav1.Object { return append(append(centralizedEmbedded(), pol), o...) }
	medium := func(r, msg string) orgv1.Violation { return v(r, orgv1.SeverityMedium, msg) }
	runRuleCases(t, []ruleCase{{
		name: "declared as inferred",
		objs: with(builders.MakeOrganization("acme", ns).Model("Centralized").Martech("Embedded").Obj()),
		obj:  acmeRef,
	}, {
		name: "declared differs from inferred",
		objs: with(builders.MakeOrganization("acme", ns).Model("Centralized").Martech("PracticeCenter").Obj()),
		obj:  acmeRef,
		want: []orgv1.Violation{medium("martech", `organization "acme": spec.martechModel: declared "PracticeCenter" but the structure shows "Embedded": `+embeddedReason)},
	}, {
		name: "declared-only models are never flagged",
		objs: with(builders.MakeOrganization("acme", ns).Model("Centralized").Martech("Liaison").Obj()),
		obj:  acmeRef,
	}, {
		name: "no declaration, nothing to compare",
		objs: with(builders.MakeOrganization("acme", ns).Model("Centralized").Obj()),
		obj:  acmeRef,
	}, {
		name: "an inferred Unknown contradicts nothing",
		objs: objs(pol, builders.MakeOrganization("acme", ns).Model("Centralized").Martech("Traditional").Obj(), builders.MakeTeam("crm-team", ns).Obj(), builders.MakePlatform("crm", ns).Owner("crm-team").Obj()),
		obj:  acmeRef,
	}, {
		name: "a planned martech target is accepted",
		objs: with(builders.MakeOrganization("acme", ns).Model("Centralized").Martech("Traditional").Transition("Hybrid", "Embedded", soon, "consolidation").Obj()),
		obj:  acmeRef,
	}, {
		name: "a planned transition to another martech model does not excuse a mismatch",
		objs: with(builders.MakeOrganization("acme", ns).Model("Centralized").Martech("Traditional").Transition("Centralized", "JointVenture", soon, "consolidation").Obj()),
		obj:  acmeRef,
		want: []orgv1.Violation{medium("martech", `organization "acme": spec.martechModel: declared "Traditional", moving to "JointVenture" by 2026-03-01T13:00:00Z, but the structure shows "Embedded": `+embeddedReason)},
	}, {
		name: "overdue: both rules report it, the martech rule against the declared model only",
		objs: with(builders.MakeOrganization("acme", ns).Model("Hybrid").Martech("Traditional").Transition("Hybrid", "JointVenture", past, "consolidation").Obj()),
		obj:  acmeRef,
		want: []orgv1.Violation{
			medium("martech", `organization "acme": spec.martechModel: declared "Traditional" but the structure shows "Embedded": `+embeddedReason),
			medium("model", `organization "acme": spec.transition: the move to "Hybrid" with martech model "JointVenture" was due by 2026-03-01T11:00:00Z, `+
				`but the structure shows "Centralized" with martech model "Embedded": `+centralizedReason),
		},
	}, {
		name: "completed: the target martech model is shown, the model too",
		objs: with(builders.MakeOrganization("acme", ns).Model("Hybrid").Martech("Traditional").Transition("Centralized", "Embedded", past, "consolidation").Obj()),
		obj:  acmeRef,
	}, {
		name: "not completed while the martech target is not shown, though the model is",
		objs: with(builders.MakeOrganization("acme", ns).Model("Hybrid").Martech("Embedded").Transition("Centralized", "JointVenture", soon, "consolidation").Obj()),
		obj:  acmeRef,
	}})
}

// TestTemporaryTeam: temporary teams need an end date, and a successor for
// the platforms they own once their notice begins.
func TestTemporaryTeam(t *testing.T) {
	pol := builders.MakeGovernancePolicy("gov", ns).Rules(builders.MakeRule("temporary", orgv1.RuleTemporaryTeam).Obj()).Obj()
	agencies := builders.MakeGovernancePolicy("gov", ns).Rules(builders.MakeRule("temporary", orgv1.RuleTemporaryTeam).Params(orgv1.RuleParams{Types: []orgv1.TeamType{"Agency"}, NoticeDays: ptr.To(int32(90))}).Obj()).Obj()
	medium := func(msg string) orgv1.Violation { return v("temporary", orgv1.SeverityMedium, msg) }
	tiger := func() *builders.TeamWrapper { return builders.MakeTeam("tiger", ns).Type("TigerTeam") }
	in10, in40 := now.Add(10*24*time.Hour), now.Add(40*24*time.Hour)
	owned := builders.MakePlatform("checkout", ns).Owner("tiger").Obj()
	runRuleCases(t, []ruleCase{{
		name: "a tiger team with no end date",
		objs: objs(pol, tiger().Obj()),
		obj:  teamRef("tiger"),
		want: []orgv1.Violation{medium(`team "tiger": spec.expiresAt: TigerTeam team has no end date`)},
	}, {
		name: "a digital unit with no end date",
		objs: objs(pol, builders.MakeTeam("digital", ns).Type("DigitalUnit").Obj()),
		obj:  teamRef("digital"),
		want: []orgv1.Violation{medium(`team "digital": spec.expiresAt: DigitalUnit team has no end date`)},
	}, {
		name: "a department is not temporary",
		objs: objs(pol, builders.MakeTeam("ops", ns).Obj()),
		obj:  teamRef("ops"),
	}, {
		name: "ends within the notice, owns platforms, no successor",
		objs: objs(pol, tiger().ExpiresAt(in10).Obj(), owned, builders.MakePlatform("app", ns).Owner("tiger").Obj(), builders.MakePlatform("crm", ns).Operators("tiger").Obj()),
		obj:  teamRef("tiger"),
		want: []orgv1.Violation{medium(`team "tiger": spec.successorRef: team ends at 2026-03-11T12:00:00Z, within the 30-day notice, and owns platforms "app", "checkout" but names no successor`)},
	}, {
		name: "ends within the notice with a successor",
		objs: objs(pol, tiger().ExpiresAt(in10).Successor("ops").Obj(), builders.MakeTeam("ops", ns).Obj(), owned),
		obj:  teamRef("tiger"),
	}, {
		name: "ends beyond the notice",
		objs: objs(pol, tiger().ExpiresAt(in40).Obj(), owned),
		obj:  teamRef("tiger"),
	}, {
		name: "ends within the notice, owns nothing",
		objs: objs(pol, tiger().ExpiresAt(in10).Obj()),
		obj:  teamRef("tiger"),
	}, {
		name: "expired, still owns a platform in another namespace",
		objs: objs(pol, tiger().ExpiresAt(now.Add(-time.Hour)).Obj(), builders.MakePlatform("checkout", "shop").Owner(ns+"/tiger").Obj()),
		obj:  teamRef("tiger"),
		want: []orgv1.Violation{medium(`team "tiger": spec.successorRef: team expired at 2026-03-01T11:00:00Z but still owns platform "shop/checkout" and names no successor`)},
	}, {
		name: "params: the types and the notice",
		objs: objs(agencies, builders.MakeTeam("agency", ns).Type("Agency").ExpiresAt(in40).Obj(), builders.MakePlatform("ads", ns).Owner("agency").Obj(), tiger().Obj()),
		obj:  teamRef("agency"),
		want: []orgv1.Violation{medium(`team "agency": spec.successorRef: team ends at 2026-04-10T12:00:00Z, within the 90-day notice, and owns platform "ads" but names no successor`)},
	}, {
		name: "params: a type left out",
		objs: objs(agencies, tiger().Obj()),
		obj:  teamRef("tiger"),
	}})
}

// TestTemporaryTeamRequeues: the notice's start, then the end, are the
// instants at which the findings change with no change to any object.
func TestTemporaryTeamRequeues(t *testing.T) {
	end := now.Add(40 * 24 * time.Hour)
	g := graph(t, builders.MakeGovernancePolicy("gov", ns).Rules(builders.MakeRule("temporary", orgv1.RuleTemporaryTeam).Obj()).Obj(), builders.MakeTeam("tiger", ns).Type("TigerTeam").ExpiresAt(end).Obj(),
		builders.MakePlatform("checkout", ns).Owner("tiger").Obj())
	e := newEngine(t)
	for _, tc := range []struct {
		at, want time.Time
	}{{now, end.Add(-30 * 24 * time.Hour)}, {end.Add(-24 * time.Hour), end}} {
		if got := e.EvaluateObject(g, teamRef("tiger"), tc.at).RequeueAt; got == nil || !got.Equal(tc.want) {
			t.Errorf("at %s: RequeueAt %v, want %s", tc.at, got, tc.want)
		}
	}
}

// TestResponsibilityAssignmentCauses: an activity with no responsible team,
// and the activities params.requiredActivities names.
func TestResponsibilityAssignmentCauses(t *testing.T) {
	required := builders.MakeGovernancePolicy("gov", ns).Rules(builders.MakeRule("raci", orgv1.RuleResponsibilityAssignment).Params(orgv1.RuleParams{RequiredActivities: []string{"Consent management", "Campaign activation"}}).Obj()).Obj()
	medium := func(msg string) orgv1.Violation { return v("raci", orgv1.SeverityMedium, msg) }
	nobody := orgv1.Activity{Name: "Campaign activation", Accountable: &orgv1.TeamRef{Name: "ops"}}
	runRuleCases(t, []ruleCase{{
		name: "an activity with no responsible team, a required activity missing",
		objs: objs(required, builders.MakeTeam("ops", ns).Obj(), builders.MakeResponsibilityMatrix("m", ns).Activities(nobody).Obj()),
		obj:  matrixRef("m"),
		want: []orgv1.Violation{
			medium(`responsibility matrix "m": spec.activities: required activity "Consent management" is missing`),
			medium(`responsibility matrix "m": spec.activities[0].responsible: activity "Campaign activation" has no responsible team`),
		},
	}, {
		name: "every required activity, each with a responsible team",
		objs: objs(required, builders.MakeTeam("ops", ns).Obj(), builders.MakeResponsibilityMatrix("m", ns).Activities(builders.MakeActivity("Consent management").Responsible("ops").Accountable("ops").Obj(), builders.MakeActivity("Campaign activation").Responsible("ops").Accountable("ops").Obj()).Obj()),
		obj:  matrixRef("m"),
	}})
}

func TestSuccessorIntegrity(t *testing.T) {
	runRuleCases(t, []ruleCase{{
		name:    "a successor that does not exist",
		objs:    objs(builders.MakeTeam("tiger", ns).Type("TigerTeam").Successor("gone").Obj()),
		obj:     teamRef("tiger"),
		builtin: true,
		want:    []orgv1.Violation{builtin(`team "tiger": spec.successorRef: team "gone" not found`)},
	}})
}
