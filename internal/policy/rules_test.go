package policy

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/testing/builders"
)

// ruleCase evaluates obj among objs and compares the violations of the
// policy "gov" (or of "builtin" when builtin is set).
type ruleCase struct {
	name    string
	objs    []metav1.Object
	obj     ObjectRef
	builtin bool
	want    []orgv1.Violation
}

func runRuleCases(t *testing.T, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := "gov"
			if tc.builtin {
				p = "builtin"
			}
			got := violationsOf(t, tc.objs, tc.obj, p)
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("violations (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPlatformOwnership(t *testing.T) {
	pol := builders.MakeGovernancePolicy("gov", ns).Rules(builders.MakeRule("owned", orgv1.RulePlatformOwnership).Severity(orgv1.SeverityHigh).Obj()).Obj()
	restricted := builders.MakeGovernancePolicy("gov", ns).Rules(builders.MakeRule("owned", orgv1.RulePlatformOwnership).Severity(orgv1.SeverityHigh).Params(orgv1.RuleParams{
		AllowedOwnerFunctions: []orgv1.TeamFunction{"IT", "Data"},
		AllowedOwnerTypes:     []orgv1.TeamType{"CenterOfExcellence"},
	}).Obj()).Obj()
	high := func(msg string) orgv1.Violation { return v("owned", orgv1.SeverityHigh, msg) }
	runRuleCases(t, []ruleCase{{
		name: "owned by an existing team",
		objs: objs(pol, builders.MakeTeam("bi", ns).Obj(), builders.MakePlatform("crm", ns).Owner("bi").Obj()),
		obj:  platformRef("crm"),
	}, {
		name: "no ownerRef",
		objs: objs(pol, builders.MakePlatform("crm", ns).Obj()),
		obj:  platformRef("crm"),
		want: []orgv1.Violation{high(`platform "crm": spec.ownerRef: platform has no owner team`)},
	}, {
		name: "owner not found",
		objs: objs(pol, builders.MakePlatform("crm", ns).Owner("bi-team").Obj()),
		obj:  platformRef("crm"),
		want: []orgv1.Violation{high(`platform "crm": spec.ownerRef: owner team "bi-team" not found`)},
	}, {
		name: "owner in another namespace, found",
		objs: objs(pol, builders.MakeTeam("bi", "corp").Obj(), builders.MakePlatform("crm", ns).Owner("corp/bi").Obj()),
		obj:  platformRef("crm"),
	}, {
		name: "owner in another namespace, not found",
		objs: objs(pol, builders.MakeTeam("bi", ns).Obj(), builders.MakePlatform("crm", ns).Owner("corp/bi").Obj()),
		obj:  platformRef("crm"),
		want: []orgv1.Violation{high(`platform "crm": spec.ownerRef: owner team "corp/bi" not found`)},
	}, {
		name: "owner expired",
		objs: objs(pol, builders.MakeTeam("bi", ns).ExpiresAt(now.Add(-time.Hour)).Obj(), builders.MakePlatform("crm", ns).Owner("bi").Obj()),
		obj:  platformRef("crm"),
		want: []orgv1.Violation{high(`platform "crm": spec.ownerRef: owner team "bi" expired at 2026-03-01T11:00:00Z`)},
	}, {
		name: "owner expires exactly now",
		objs: objs(pol, builders.MakeTeam("bi", ns).ExpiresAt(now).Obj(), builders.MakePlatform("crm", ns).Owner("bi").Obj()),
		obj:  platformRef("crm"),
		want: []orgv1.Violation{high(`platform "crm": spec.ownerRef: owner team "bi" expired at 2026-03-01T12:00:00Z`)},
	}, {
		name: "owner expires later",
		objs: objs(pol, builders.MakeTeam("bi", ns).ExpiresAt(now.Add(time.Hour)).Obj(), builders.MakePlatform("crm", ns).Owner("bi").Obj()),
		obj:  platformRef("crm"),
	}, {
		name: "without params any function and type may own",
		objs: objs(pol, builders.MakeTeam("bi", ns).Function("HR").Type("Agency").Obj(), builders.MakePlatform("crm", ns).Owner("bi").Obj()),
		obj:  platformRef("crm"),
	}, {
		name: "allowed function and type",
		objs: objs(restricted, builders.MakeTeam("coe", ns).Function("Data").Type("CenterOfExcellence").Obj(), builders.MakePlatform("crm", ns).Owner("coe").Obj()),
		obj:  platformRef("crm"),
	}, {
		name: "function and type not allowed, owner expired",
		objs: objs(restricted, builders.MakeTeam("bi", ns).ExpiresAt(now.Add(-time.Hour)).Obj(), builders.MakePlatform("crm", ns).Owner("bi").Obj()),
		obj:  platformRef("crm"),
		want: []orgv1.Violation{
			high(`platform "crm": spec.ownerRef: owner team "bi" expired at 2026-03-01T11:00:00Z`),
			high(`platform "crm": spec.ownerRef: owner team "bi" has function Marketing, not one of IT, Data`),
			high(`platform "crm": spec.ownerRef: owner team "bi" has type Department, not one of CenterOfExcellence`),
		},
	}})
}

func TestPlatformGoverned(t *testing.T) {
	pol := builders.MakeGovernancePolicy("gov", ns).Rules(builders.MakeRule("governed", orgv1.RulePlatformGoverned).Obj()).Obj()
	foundational := builders.MakeGovernancePolicy("gov", ns).Rules(builders.MakeRule("governed", orgv1.RulePlatformGoverned).Params(orgv1.RuleParams{Tiers: []orgv1.PlatformTier{"Foundational"}}).Obj()).Obj()
	engagement := builders.MakeGovernancePolicy("gov", ns).Rules(builders.MakeRule("governed", orgv1.RulePlatformGoverned).Params(orgv1.RuleParams{Tiers: []orgv1.PlatformTier{"Engagement"}}).Obj()).Obj()
	medium := func(msg string) orgv1.Violation { return v("governed", orgv1.SeverityMedium, msg) }
	runRuleCases(t, []ruleCase{{
		name: "governed",
		objs: objs(pol, builders.MakeSteeringCommittee("steer", ns).Obj(), builders.MakePlatform("crm", ns).Committee("steer").Obj()),
		obj:  platformRef("crm"),
	}, {
		name: "no steeringCommitteeRef",
		objs: objs(pol, builders.MakePlatform("crm", ns).Obj()),
		obj:  platformRef("crm"),
		want: []orgv1.Violation{medium(`platform "crm": spec.steeringCommitteeRef: platform has no steering committee`)},
	}, {
		name: "committee not found",
		objs: objs(pol, builders.MakePlatform("crm", ns).Committee("steer").Obj()),
		obj:  platformRef("crm"),
		want: []orgv1.Violation{medium(`platform "crm": spec.steeringCommitteeRef: steering committee "steer" not found`)},
	}, {
		name: "tier outside params.tiers need not be governed",
		objs: objs(foundational, builders.MakePlatform("crm", ns).Tier("Engagement").Obj()),
		obj:  platformRef("crm"),
	}, {
		name: "tier in params.tiers",
		objs: objs(foundational, builders.MakePlatform("cdp", ns).Tier("Foundational").Obj()),
		obj:  platformRef("cdp"),
		want: []orgv1.Violation{medium(`platform "cdp": spec.steeringCommitteeRef: platform has no steering committee`)},
	}, {
		name: "an empty tier is Engagement",
		objs: objs(engagement, builders.MakePlatform("crm", ns).Obj()),
		obj:  platformRef("crm"),
		want: []orgv1.Violation{medium(`platform "crm": spec.steeringCommitteeRef: platform has no steering committee`)},
	}})
}

func TestSteeringCommitteeCoverage(t *testing.T) {
	pol := builders.MakeGovernancePolicy("gov", ns).Rules(builders.MakeRule("coverage", orgv1.RuleSteeringCommitteeCoverage).Obj()).Obj()
	custom := builders.MakeGovernancePolicy("gov", ns).Rules(builders.MakeRule("coverage", orgv1.RuleSteeringCommitteeCoverage).Params(orgv1.RuleParams{
		RequiredFunctions: []orgv1.FunctionGroup{{AnyOf: []orgv1.TeamFunction{"Legal", "Privacy"}}, {AnyOf: []orgv1.TeamFunction{"Marketing"}}},
	}).Obj()).Obj()
	it, data, sales, support, legal := builders.MakeTeam("it", ns).Function("IT").Obj(), builders.MakeTeam("data", ns).Function("Data").Obj(),
		builders.MakeTeam("sales", ns).Function("Sales").Obj(), builders.MakeTeam("support", ns).Function("Support").Obj(), builders.MakeTeam("legal", ns).Function("Legal").Obj()
	medium := func(msg string) orgv1.Violation { return v("coverage", orgv1.SeverityMedium, msg) }
	runRuleCases(t, []ruleCase{{
		name: "default groups covered",
		objs: objs(pol, it, data, sales, builders.MakeSteeringCommittee("steer", ns).Members("it", "data", "sales").Obj()),
		obj:  steerRef,
	}, {
		name: "Support covers Sales|Support",
		objs: objs(pol, it, data, support, builders.MakeSteeringCommittee("steer", ns).Members("it", "data", "support").Obj()),
		obj:  steerRef,
	}, {
		name: "no members: every default group missing",
		objs: objs(pol, builders.MakeSteeringCommittee("steer", ns).Obj()),
		obj:  steerRef,
		want: []orgv1.Violation{
			medium(`steering committee "steer": spec.members: no member team covers Data`),
			medium(`steering committee "steer": spec.members: no member team covers IT`),
			medium(`steering committee "steer": spec.members: no member team covers Sales|Support`),
		},
	}, {
		name: "a member that does not resolve covers nothing",
		objs: objs(pol, it, sales, builders.MakeSteeringCommittee("steer", ns).Members("it", "data", "sales").Obj()),
		obj:  steerRef,
		want: []orgv1.Violation{medium(`steering committee "steer": spec.members: no member team covers Data`)},
	}, {
		name: "custom groups covered",
		objs: objs(custom, legal, builders.MakeTeam("mkt", ns).Obj(), builders.MakeSteeringCommittee("steer", ns).Members("legal", "mkt").Obj()),
		obj:  steerRef,
	}, {
		name: "custom group missing",
		objs: objs(custom, it, builders.MakeTeam("mkt", ns).Obj(), builders.MakeSteeringCommittee("steer", ns).Members("it", "mkt").Obj()),
		obj:  steerRef,
		want: []orgv1.Violation{medium(`steering committee "steer": spec.members: no member team covers Legal|Privacy`)},
	}})
}

func TestPrivacyOwner(t *testing.T) {
	pol := builders.MakeGovernancePolicy("gov", ns).Rules(builders.MakeRule("privacy", orgv1.RulePrivacyOwner).Severity(orgv1.SeverityCritical).Obj()).Obj()
	dpo := builders.MakeGovernancePolicy("gov", ns).Rules(builders.MakeRule("privacy", orgv1.RulePrivacyOwner).Severity(orgv1.SeverityCritical).Params(orgv1.RuleParams{OwnerFunctions: []orgv1.TeamFunction{"Data"}}).Obj()).Obj()
	legal := builders.MakeTeam("legal", ns).Function("Legal").Lead(builders.Person("Ana", "")).Members(builders.Person("Ana", ""), builders.Person("Élodie Martin", "")).Obj()
	crit := func(msg string) orgv1.Violation { return v("privacy", orgv1.SeverityCritical, msg) }
	runRuleCases(t, []ruleCase{{
		name: "no personal data",
		objs: objs(pol, builders.MakePlatform("cms", ns).Obj()),
		obj:  platformRef("cms"),
	}, {
		name: "personal data, no privacy owner",
		objs: objs(pol, builders.MakePlatform("crm", ns).PersonalData().Obj()),
		obj:  platformRef("crm"),
		want: []orgv1.Violation{crit(`platform "crm": spec.privacyOwner: platform holds personal data but has no privacy owner`)},
	}, {
		name: "a jurisdiction implies personal data",
		objs: objs(pol, builders.MakePlatform("crm", ns).PersonalData("GDPR", "CCPA").Obj()),
		obj:  platformRef("crm"),
		want: []orgv1.Violation{crit(`platform "crm": spec.privacyOwner: platform holds personal data under GDPR, CCPA but has no privacy owner`)},
	}, {
		name: "privacy owner names no team",
		objs: objs(pol, builders.MakePlatform("crm", ns).PersonalData().PrivacyOwner(builders.Person("Ana", "")).Obj()),
		obj:  platformRef("crm"),
		want: []orgv1.Violation{crit(`platform "crm": spec.privacyOwner.teamRef: privacy owner "Ana" names no team`)},
	}, {
		name: "privacy owner's team not found",
		objs: objs(pol, builders.MakePlatform("crm", ns).PersonalData().PrivacyOwner(builders.Person("Ana", "legal")).Obj()),
		obj:  platformRef("crm"),
		want: []orgv1.Violation{crit(`platform "crm": spec.privacyOwner.teamRef: team "legal" not found`)},
	}, {
		name: "lead of a Legal team",
		objs: objs(pol, legal, builders.MakePlatform("crm", ns).PersonalData("GDPR").PrivacyOwner(builders.Person("Ana", "legal")).Obj()),
		obj:  platformRef("crm"),
	}, {
		name: "member of a Legal team, Unicode name",
		objs: objs(pol, legal, builders.MakePlatform("crm", ns).PersonalData().PrivacyOwner(builders.Person("Élodie Martin", "legal")).Obj()),
		obj:  platformRef("crm"),
	}, {
		name: "lead but not a member still counts",
		objs: objs(pol, builders.MakeTeam("privacy", ns).Function("Privacy").Lead(builders.Person("Bo", "")).Obj(), builders.MakePlatform("crm", ns).PersonalData().PrivacyOwner(builders.Person("Bo", "privacy")).Obj()),
		obj:  platformRef("crm"),
	}, {
		name: "neither lead nor member",
		objs: objs(pol, legal, builders.MakePlatform("crm", ns).PersonalData().PrivacyOwner(builders.Person("Zoe", "legal")).Obj()),
		obj:  platformRef("crm"),
		want: []orgv1.Violation{crit(`platform "crm": spec.privacyOwner: "Zoe" is neither the lead nor a member of team "legal"`)},
	}, {
		name: "team of a function outside the default Legal, Privacy",
		objs: objs(pol, builders.MakeTeam("mkt", ns).Members(builders.Person("Ana", "")).Obj(), builders.MakePlatform("crm", ns).PersonalData().PrivacyOwner(builders.Person("Ana", "mkt")).Obj()),
		obj:  platformRef("crm"),
		want: []orgv1.Violation{crit(`platform "crm": spec.privacyOwner.teamRef: team "mkt" has function Marketing, not one of Legal, Privacy`)},
	}, {
		name: "params.ownerFunctions replaces the default",
		objs: objs(dpo, legal, builders.MakePlatform("crm", ns).PersonalData().PrivacyOwner(builders.Person("Zoe", "legal")).Obj()),
		obj:  platformRef("crm"),
		want: []orgv1.Violation{
			crit(`platform "crm": spec.privacyOwner.teamRef: team "legal" has function Legal, not one of Data`),
			crit(`platform "crm": spec.privacyOwner: "Zoe" is neither the lead nor a member of team "legal"`),
		},
	}})
}

func TestResponsibilityAssignment(t *testing.T) {
	pol := builders.MakeGovernancePolicy("gov", ns).Rules(builders.MakeRule("raci", orgv1.RuleResponsibilityAssignment).Obj()).Obj()
	tiers := builders.MakeGovernancePolicy("gov", ns).Rules(builders.MakeRule("raci", orgv1.RuleResponsibilityAssignment).Params(orgv1.RuleParams{RequireForTiers: []orgv1.PlatformTier{"Foundational"}}).Obj()).Obj()
	teams := objs(builders.MakeTeam("ops", ns).Obj(), builders.MakeTeam("mkt", ns).Obj(), builders.MakeTeam("it", ns).Obj())
	with := func(o ...metav1.Object) []metav1.Object { return append(append([]metav1.Object{}, teams...), o...) }
	medium := func(msg string) orgv1.Violation { return v("raci", orgv1.SeverityMedium, msg) }
	crossNS := builders.MakeResponsibilityMatrix("m", ns).Activities(
		builders.MakeActivity("Launch").Responsible("ops").Accountable(ns+"/mkt").Informed("it", "mkt").Obj()).Obj()
	dangling := builders.MakeResponsibilityMatrix("m", ns).Activities(
		builders.MakeActivity("Launch").Responsible("ops", "gone-r").Accountable("gone-a").Consulted("gone-c").Informed("gone-i").Obj()).Obj()
	runRuleCases(t, []ruleCase{{
		name: "well assigned",
		objs: with(pol, builders.MakeResponsibilityMatrix("m", ns).Activities(builders.MakeActivity("Launch").Responsible("ops").Accountable("mkt").Informed("it").Obj(), builders.MakeActivity("Run").Responsible("ops").Accountable("it").Obj()).Obj()),
		obj:  mRef,
	}, {
		name: "team refs of every role not found",
		objs: with(pol, dangling),
		obj:  mRef,
		want: []orgv1.Violation{
			medium(`responsibility matrix "m": spec.activities[0].accountable: team "gone-a" not found`),
			medium(`responsibility matrix "m": spec.activities[0].consulted[0]: team "gone-c" not found`),
			medium(`responsibility matrix "m": spec.activities[0].informed[0]: team "gone-i" not found`),
			medium(`responsibility matrix "m": spec.activities[0].responsible[1]: team "gone-r" not found`),
		},
	}, {
		name: "no accountable team",
		objs: with(pol, builders.MakeResponsibilityMatrix("m", ns).Activities(builders.MakeActivity("Launch").Responsible("ops").Accountable("mkt").Obj(), builders.MakeActivity("Run").Responsible("ops").Obj()).Obj()),
		obj:  mRef,
		want: []orgv1.Violation{medium(`responsibility matrix "m": spec.activities[1].accountable: activity "Run" has no accountable team`)},
	}, {
		name: "accountable also informed, namespace defaulted when comparing",
		objs: with(pol, crossNS),
		obj:  mRef,
		want: []orgv1.Violation{medium(`responsibility matrix "m": spec.activities[0].informed[1]: activity "Launch" informs its accountable team "mkt"`)},
	}, {
		name: "platform of a required tier without a matrix",
		objs: with(tiers, builders.MakePlatform("cdp", ns).Tier("Foundational").Obj()),
		obj:  platformRef("cdp"),
		want: []orgv1.Violation{medium(`platform "cdp": spec.tier: Foundational platform has no responsibility matrix`)},
	}, {
		name: "platform of a required tier with a matrix in another namespace",
		objs: with(tiers, builders.MakePlatform("cdp", ns).Tier("Foundational").Obj(),
			builders.MakeResponsibilityMatrix("m", "other").Platform(ns+"/cdp").Obj()),
		obj: platformRef("cdp"),
	}, {
		name: "platform of a tier not required",
		objs: with(tiers, builders.MakePlatform("crm", ns).Obj()),
		obj:  platformRef("crm"),
	}, {
		name: "without requireForTiers platforms are not judged",
		objs: with(pol, builders.MakePlatform("cdp", ns).Tier("Foundational").Obj()),
		obj:  platformRef("cdp"),
	}})
}

func TestTeamStructure(t *testing.T) {
	pol := builders.MakeGovernancePolicy("gov", ns).Rules(builders.MakeRule("structure", orgv1.RuleTeamStructure).Severity(orgv1.SeverityLow).Obj()).Obj()
	low := func(msg string) orgv1.Violation { return v("structure", orgv1.SeverityLow, msg) }
	runRuleCases(t, []ruleCase{{
		name: "sound team",
		objs: objs(pol, builders.MakeTeam("root", ns).Obj(), builders.MakeTeam("a", ns).Parent("root").Lead(builders.Person("Ana", "")).Members(builders.Person("Ana", "")).ExpiresAt(now.Add(time.Hour)).Obj()),
		obj:  teamRef("a"),
	}, {
		name: "parent not found",
		objs: objs(pol, builders.MakeTeam("a", ns).Parent("gone").Obj()),
		obj:  teamRef("a"),
		want: []orgv1.Violation{low(`team "a": spec.parentRef: parent team "gone" not found`)},
	}, {
		name: "own parent",
		objs: objs(pol, builders.MakeTeam("a", ns).Parent("a").Obj()),
		obj:  teamRef("a"),
		want: []orgv1.Violation{low(`team "a": spec.parentRef: team is on a cycle of parentRefs: "a" -> "a"`)},
	}, {
		name: "two-cycle",
		objs: objs(pol, builders.MakeTeam("a", ns).Parent("b").Obj(), builders.MakeTeam("b", ns).Parent("a").Obj()),
		obj:  teamRef("b"),
		want: []orgv1.Violation{low(`team "b": spec.parentRef: team is on a cycle of parentRefs: "b" -> "a" -> "b"`)},
	}, {
		name: "cycle across namespaces",
		objs: objs(pol, builders.MakeTeam("a", ns).Parent("emea/b").Obj(), builders.MakeTeam("b", "emea").Parent(ns+"/"+"a").Obj()),
		obj:  teamRef("a"),
		want: []orgv1.Violation{low(`team "a": spec.parentRef: team is on a cycle of parentRefs: "a" -> "emea/b" -> "a"`)},
	}, {
		name: "below a cycle is not flagged",
		objs: objs(pol, builders.MakeTeam("a", ns).Parent("b").Obj(), builders.MakeTeam("b", ns).Parent("a").Obj(), builders.MakeTeam("c", ns).Parent("a").Obj()),
		obj:  teamRef("c"),
	}, {
		name: "lead not a member",
		objs: objs(pol, builders.MakeTeam("a", ns).Lead(builders.Person("Ana", "")).Members(builders.Person("Bo", "")).Obj()),
		obj:  teamRef("a"),
		want: []orgv1.Violation{low(`team "a": spec.lead: lead "Ana" is not among spec.members`)},
	}, {
		// The same name typed on two keyboards: composed and decomposed é.
		name: "lead a member under another Unicode normalization",
		objs: objs(pol, builders.MakeTeam("a", ns).Lead(builders.Person("\u00c9lodie Martin", "")).Members(builders.Person("E\u0301lodie Martin", "")).Obj()),
		obj:  teamRef("a"),
	}, {
		name: "expired",
		objs: objs(pol, builders.MakeTeam("tiger", ns).Type("TigerTeam").ExpiresAt(time.Date(2026, 1, 31, 0, 0, 0, 0, time.FixedZone("CET", 3600))).Obj()),
		obj:  teamRef("tiger"),
		want: []orgv1.Violation{low(`team "tiger": spec.expiresAt: team expired at 2026-01-30T23:00:00Z`)},
	}})
}

func TestOrganizationModel(t *testing.T) {
	pol := builders.MakeGovernancePolicy("gov", ns).Rules(builders.MakeRule("model", orgv1.RuleOrganizationModel).Obj()).Obj()
	centralized := objs(builders.MakeTeam("coe", ns).Type("CenterOfExcellence").Obj(), builders.MakePlatform("cdp", ns).Owner("coe").Obj())
	with := func(o ...metav1.Object) []metav1.Object {
		return append(append([]metav1.Object{}, centralized...), o...)
	}
	medium := func(msg string) orgv1.Violation { return v("model", orgv1.SeverityMedium, msg) }
	runRuleCases(t, []ruleCase{{
		name: "declared as inferred",
		objs: with(pol, builders.MakeOrganization("acme", ns).Model("Centralized").Martech("Committee").Obj()),
		obj:  acmeRef,
	}, {
		name: "declared differs from inferred",
		objs: with(pol, builders.MakeOrganization("acme", ns).Model("Hybrid").Obj()),
		obj:  acmeRef,
		want: []orgv1.Violation{medium(`organization "acme": spec.model: declared "Hybrid" but platform ownership shows "Centralized": ` +
			`CenterOfExcellence "coe" owns the one platform (none Foundational); no BusinessUnit owns or operates one`)},
	}, {
		name: "inferred Unknown contradicts nothing",
		objs: objs(pol, builders.MakeOrganization("acme", ns).Model("Independent").Obj(), builders.MakePlatform("cdp", ns).Obj()),
		obj:  acmeRef,
	}, {
		name: "Hostile martech model",
		objs: objs(pol, builders.MakeOrganization("acme", ns).Model("Hybrid").Martech("Hostile").Obj()),
		obj:  acmeRef,
		want: []orgv1.Violation{medium(`organization "acme": spec.martechModel: marketing and IT relate as Hostile`)},
	}})
}

func TestEnterpriseAI(t *testing.T) {
	pol := builders.MakeGovernancePolicy("gov", ns).Rules(builders.MakeRule("ai", orgv1.RuleEnterpriseAI).Severity(orgv1.SeverityHigh).Obj()).Obj()
	analytics := builders.MakeGovernancePolicy("gov", ns).Rules(builders.MakeRule("ai", orgv1.RuleEnterpriseAI).Severity(orgv1.SeverityHigh).Params(orgv1.RuleParams{AllowedOwnerFunctions: []orgv1.TeamFunction{"Analytics"}}).Obj()).Obj()
	high := func(msg string) orgv1.Violation { return v("ai", orgv1.SeverityHigh, msg) }
	runRuleCases(t, []ruleCase{{
		name: "AIML owned by Data",
		objs: objs(pol, builders.MakeTeam("data", ns).Function("Data").Obj(), builders.MakePlatform("ml", ns).Category("AIML").Owner("data").Obj()),
		obj:  platformRef("ml"),
	}, {
		name: "AIML owned by Marketing",
		objs: objs(pol, builders.MakeTeam("mkt", ns).Obj(), builders.MakePlatform("ml", ns).Category("AIML").Owner("mkt").Obj()),
		obj:  platformRef("ml"),
		want: []orgv1.Violation{high(`platform "ml": spec.ownerRef: AIML platform owned by team "mkt" of function Marketing, not one of IT, Data`)},
	}, {
		name: "params.allowedOwnerFunctions replaces the default",
		objs: objs(analytics, builders.MakeTeam("it", ns).Function("IT").Obj(), builders.MakePlatform("ml", ns).Category("AIML").Owner("it").Obj()),
		obj:  platformRef("ml"),
		want: []orgv1.Violation{high(`platform "ml": spec.ownerRef: AIML platform owned by team "it" of function IT, not one of Analytics`)},
	}, {
		name: "other categories are not judged",
		objs: objs(pol, builders.MakeTeam("mkt", ns).Obj(), builders.MakePlatform("crm", ns).Owner("mkt").Obj()),
		obj:  platformRef("crm"),
	}, {
		name: "an unowned AIML platform is PlatformOwnership's to report",
		objs: objs(pol, builders.MakePlatform("ml", ns).Category("AIML").Owner("gone").Obj()),
		obj:  platformRef("ml"),
	}})
}

func TestIntegrity(t *testing.T) {
	full := func(name string) orgv1.Person { return builders.Person(name, "gone-"+name) }
	p := builders.MakePlatform("crm", ns).Owner("gone-owner").Operators("ok", "gone-op").RoadmapOwner(full("road")).Committee("gone-steer").PrivacyOwner(full("dpo")).Obj()
	sc := builders.MakeSteeringCommittee("steer", ns).Representative("ok", builders.Person("rep", "gone-rep")).Members("gone-member").
		Chair(builders.Person("chair", "gone-chair")).Obj()
	m := builders.MakeResponsibilityMatrix("m", ns).Platform("gone-platform").
		Activities(builders.MakeActivity("Launch").Accountable("gone-acc").Responsible("ok").Obj()).Obj()
	runRuleCases(t, []ruleCase{{
		name:    "organization executives",
		objs:    objs(builders.MakeTeam("ok", ns).Obj(), builders.MakeOrganization("acme", ns).Model("Hybrid").Executive("CMO", builders.Person("Ana", "ok")).Executive("CIO", builders.Person("Bo", "gone")).Obj()),
		obj:     acmeRef,
		builtin: true,
		want:    []orgv1.Violation{builtin(`organization "acme": spec.executives[1].person.teamRef: team "gone" not found`)},
	}, {
		name: "team refs",
		objs: objs(builders.MakeTeam("ok", ns).Obj(), builders.MakeTeam("a", ns).Parent("gone-parent").DottedLines("ok", "gone-dotted").
			Lead(full("lead")).Members(builders.Person("ok", "ok"), full("member")).Obj()),
		obj:     teamRef("a"),
		builtin: true,
		want: []orgv1.Violation{
			builtin(`team "a": spec.dottedLineRefs[1]: team "gone-dotted" not found`),
			builtin(`team "a": spec.lead.teamRef: team "gone-lead" not found`),
			builtin(`team "a": spec.members[1].teamRef: team "gone-member" not found`),
			builtin(`team "a": spec.parentRef: team "gone-parent" not found`),
		},
	}, {
		name:    "team on a cycle, without any policy",
		objs:    objs(builders.MakeTeam("a", ns).Parent("b").Obj(), builders.MakeTeam("b", ns).Parent("a").Obj(), builders.MakeTeam("c", ns).Parent("b").Obj()),
		obj:     teamRef("a"),
		builtin: true,
		want:    []orgv1.Violation{builtin(`team "a": spec.parentRef: team is on a cycle of parentRefs: "a" -> "b" -> "a"`)},
	}, {
		name:    "team below a cycle",
		objs:    objs(builders.MakeTeam("a", ns).Parent("b").Obj(), builders.MakeTeam("b", ns).Parent("a").Obj(), builders.MakeTeam("c", ns).Parent("b").Obj()),
		obj:     teamRef("c"),
		builtin: true,
	}, {
		name:    "platform refs",
		objs:    objs(builders.MakeTeam("ok", ns).Obj(), p),
		obj:     platformRef("crm"),
		builtin: true,
		want: []orgv1.Violation{
			builtin(`platform "crm": spec.operatorRefs[1]: team "gone-op" not found`),
			builtin(`platform "crm": spec.ownerRef: team "gone-owner" not found`),
			builtin(`platform "crm": spec.privacyOwner.teamRef: team "gone-dpo" not found`),
			builtin(`platform "crm": spec.roadmapOwner.teamRef: team "gone-road" not found`),
			builtin(`platform "crm": spec.steeringCommitteeRef: steering committee "gone-steer" not found`),
		},
	}, {
		name:    "committee refs",
		objs:    objs(builders.MakeTeam("ok", ns).Obj(), sc),
		obj:     steerRef,
		builtin: true,
		want: []orgv1.Violation{
			builtin(`steering committee "steer": spec.chair.teamRef: team "gone-chair" not found`),
			builtin(`steering committee "steer": spec.members[0].representative.teamRef: team "gone-rep" not found`),
			builtin(`steering committee "steer": spec.members[1].teamRef: team "gone-member" not found`),
		},
	}, {
		name:    "matrix refs",
		objs:    objs(builders.MakeTeam("ok", ns).Obj(), m),
		obj:     mRef,
		builtin: true,
		want: []orgv1.Violation{
			builtin(`responsibility matrix "m": spec.activities[0].accountable: team "gone-acc" not found`),
			builtin(`responsibility matrix "m": spec.platformRef: platform "gone-platform" not found`),
		},
	}, {
		name: "everything resolves",
		objs: objs(builders.MakeTeam("ok", ns).Obj(), builders.MakeTeam("a", ns).Parent("ok").Lead(builders.Person("l", "ok")).Obj(),
			builders.MakePlatform("crm", ns).Owner("ok").Committee("steer").Obj(), builders.MakeSteeringCommittee("steer", ns).Members("ok").Obj(), builders.MakeResponsibilityMatrix("m", ns).Platform("crm").Activities(builders.MakeActivity("Run").Responsible("ops").Accountable("ok").Obj()).Obj()),
		obj:     platformRef("crm"),
		builtin: true,
	}})
}
