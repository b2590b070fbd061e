package policy

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
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
	pol := policy("gov", rule("owned", orgv1.RulePlatformOwnership, severity(orgv1.SeverityHigh)))
	restricted := policy("gov", rule("owned", orgv1.RulePlatformOwnership, severity(orgv1.SeverityHigh), withParams(orgv1.RuleParams{
		AllowedOwnerFunctions: []orgv1.TeamFunction{"IT", "Data"},
		AllowedOwnerTypes:     []orgv1.TeamType{"CenterOfExcellence"},
	})))
	high := func(msg string) orgv1.Violation { return v("owned", orgv1.SeverityHigh, msg) }
	runRuleCases(t, []ruleCase{{
		name: "owned by an existing team",
		objs: objs(pol, team("bi"), platform("crm", ownedBy("bi"))),
		obj:  platformRef("crm"),
	}, {
		name: "no ownerRef",
		objs: objs(pol, platform("crm")),
		obj:  platformRef("crm"),
		want: []orgv1.Violation{high(`platform "crm": spec.ownerRef: platform has no owner team`)},
	}, {
		name: "owner not found",
		objs: objs(pol, platform("crm", ownedBy("bi-team"))),
		obj:  platformRef("crm"),
		want: []orgv1.Violation{high(`platform "crm": spec.ownerRef: owner team "bi-team" not found`)},
	}, {
		name: "owner in another namespace, found",
		objs: objs(pol, team("bi", inNS[*orgv1.Team]("corp")), platform("crm", ownedByRef(orgv1.TeamRef{Name: "bi", Namespace: "corp"}))),
		obj:  platformRef("crm"),
	}, {
		name: "owner in another namespace, not found",
		objs: objs(pol, team("bi"), platform("crm", ownedByRef(orgv1.TeamRef{Name: "bi", Namespace: "corp"}))),
		obj:  platformRef("crm"),
		want: []orgv1.Violation{high(`platform "crm": spec.ownerRef: owner team "corp/bi" not found`)},
	}, {
		name: "owner expired",
		objs: objs(pol, team("bi", expiringAt(now.Add(-time.Hour))), platform("crm", ownedBy("bi"))),
		obj:  platformRef("crm"),
		want: []orgv1.Violation{high(`platform "crm": spec.ownerRef: owner team "bi" expired at 2026-03-01T11:00:00Z`)},
	}, {
		name: "owner expires exactly now",
		objs: objs(pol, team("bi", expiringAt(now)), platform("crm", ownedBy("bi"))),
		obj:  platformRef("crm"),
		want: []orgv1.Violation{high(`platform "crm": spec.ownerRef: owner team "bi" expired at 2026-03-01T12:00:00Z`)},
	}, {
		name: "owner expires later",
		objs: objs(pol, team("bi", expiringAt(now.Add(time.Hour))), platform("crm", ownedBy("bi"))),
		obj:  platformRef("crm"),
	}, {
		name: "without params any function and type may own",
		objs: objs(pol, team("bi", withFunction("HR"), withType("Agency")), platform("crm", ownedBy("bi"))),
		obj:  platformRef("crm"),
	}, {
		name: "allowed function and type",
		objs: objs(restricted, team("coe", withFunction("Data"), withType("CenterOfExcellence")), platform("crm", ownedBy("coe"))),
		obj:  platformRef("crm"),
	}, {
		name: "function and type not allowed, owner expired",
		objs: objs(restricted, team("bi", expiringAt(now.Add(-time.Hour))), platform("crm", ownedBy("bi"))),
		obj:  platformRef("crm"),
		want: []orgv1.Violation{
			high(`platform "crm": spec.ownerRef: owner team "bi" expired at 2026-03-01T11:00:00Z`),
			high(`platform "crm": spec.ownerRef: owner team "bi" has function Marketing, not one of IT, Data`),
			high(`platform "crm": spec.ownerRef: owner team "bi" has type Department, not one of CenterOfExcellence`),
		},
	}})
}

func TestPlatformGoverned(t *testing.T) {
	pol := policy("gov", rule("governed", orgv1.RulePlatformGoverned))
	foundational := policy("gov", rule("governed", orgv1.RulePlatformGoverned, withParams(orgv1.RuleParams{Tiers: []orgv1.PlatformTier{"Foundational"}})))
	engagement := policy("gov", rule("governed", orgv1.RulePlatformGoverned, withParams(orgv1.RuleParams{Tiers: []orgv1.PlatformTier{"Engagement"}})))
	medium := func(msg string) orgv1.Violation { return v("governed", orgv1.SeverityMedium, msg) }
	runRuleCases(t, []ruleCase{{
		name: "governed",
		objs: objs(pol, committee("steer"), platform("crm", governedBy("steer"))),
		obj:  platformRef("crm"),
	}, {
		name: "no steeringCommitteeRef",
		objs: objs(pol, platform("crm")),
		obj:  platformRef("crm"),
		want: []orgv1.Violation{medium(`platform "crm": spec.steeringCommitteeRef: platform has no steering committee`)},
	}, {
		name: "committee not found",
		objs: objs(pol, platform("crm", governedBy("steer"))),
		obj:  platformRef("crm"),
		want: []orgv1.Violation{medium(`platform "crm": spec.steeringCommitteeRef: steering committee "steer" not found`)},
	}, {
		name: "tier outside params.tiers need not be governed",
		objs: objs(foundational, platform("crm", withTier("Engagement"))),
		obj:  platformRef("crm"),
	}, {
		name: "tier in params.tiers",
		objs: objs(foundational, platform("cdp", withTier("Foundational"))),
		obj:  platformRef("cdp"),
		want: []orgv1.Violation{medium(`platform "cdp": spec.steeringCommitteeRef: platform has no steering committee`)},
	}, {
		name: "an empty tier is Engagement",
		objs: objs(engagement, platform("crm")),
		obj:  platformRef("crm"),
		want: []orgv1.Violation{medium(`platform "crm": spec.steeringCommitteeRef: platform has no steering committee`)},
	}})
}

func TestSteeringCommitteeCoverage(t *testing.T) {
	pol := policy("gov", rule("coverage", orgv1.RuleSteeringCommitteeCoverage))
	custom := policy("gov", rule("coverage", orgv1.RuleSteeringCommitteeCoverage, withParams(orgv1.RuleParams{
		RequiredFunctions: []orgv1.FunctionGroup{{AnyOf: []orgv1.TeamFunction{"Legal", "Privacy"}}, {AnyOf: []orgv1.TeamFunction{"Marketing"}}},
	})))
	it, data, sales, support, legal := team("it", withFunction("IT")), team("data", withFunction("Data")),
		team("sales", withFunction("Sales")), team("support", withFunction("Support")), team("legal", withFunction("Legal"))
	medium := func(msg string) orgv1.Violation { return v("coverage", orgv1.SeverityMedium, msg) }
	runRuleCases(t, []ruleCase{{
		name: "default groups covered",
		objs: objs(pol, it, data, sales, committee("steer", "it", "data", "sales")),
		obj:  committeeRef("steer"),
	}, {
		name: "Support covers Sales|Support",
		objs: objs(pol, it, data, support, committee("steer", "it", "data", "support")),
		obj:  committeeRef("steer"),
	}, {
		name: "no members: every default group missing",
		objs: objs(pol, committee("steer")),
		obj:  committeeRef("steer"),
		want: []orgv1.Violation{
			medium(`steering committee "steer": spec.members: no member team covers Data`),
			medium(`steering committee "steer": spec.members: no member team covers IT`),
			medium(`steering committee "steer": spec.members: no member team covers Sales|Support`),
		},
	}, {
		name: "a member that does not resolve covers nothing",
		objs: objs(pol, it, sales, committee("steer", "it", "data", "sales")),
		obj:  committeeRef("steer"),
		want: []orgv1.Violation{medium(`steering committee "steer": spec.members: no member team covers Data`)},
	}, {
		name: "custom groups covered",
		objs: objs(custom, legal, team("mkt"), committee("steer", "legal", "mkt")),
		obj:  committeeRef("steer"),
	}, {
		name: "custom group missing",
		objs: objs(custom, it, team("mkt"), committee("steer", "it", "mkt")),
		obj:  committeeRef("steer"),
		want: []orgv1.Violation{medium(`steering committee "steer": spec.members: no member team covers Legal|Privacy`)},
	}})
}

func TestPrivacyOwner(t *testing.T) {
	pol := policy("gov", rule("privacy", orgv1.RulePrivacyOwner, severity(orgv1.SeverityCritical)))
	dpo := policy("gov", rule("privacy", orgv1.RulePrivacyOwner, severity(orgv1.SeverityCritical), withParams(orgv1.RuleParams{OwnerFunctions: []orgv1.TeamFunction{"Data"}})))
	legal := team("legal", withFunction("Legal"), withLead(person("Ana", "")), withMembers(person("Ana", ""), person("Élodie Martin", "")))
	crit := func(msg string) orgv1.Violation { return v("privacy", orgv1.SeverityCritical, msg) }
	runRuleCases(t, []ruleCase{{
		name: "no personal data",
		objs: objs(pol, platform("cms")),
		obj:  platformRef("cms"),
	}, {
		name: "personal data, no privacy owner",
		objs: objs(pol, platform("crm", withPersonalData())),
		obj:  platformRef("crm"),
		want: []orgv1.Violation{crit(`platform "crm": spec.privacyOwner: platform holds personal data but has no privacy owner`)},
	}, {
		name: "a jurisdiction implies personal data",
		objs: objs(pol, platform("crm", withPersonalData("GDPR", "CCPA"))),
		obj:  platformRef("crm"),
		want: []orgv1.Violation{crit(`platform "crm": spec.privacyOwner: platform holds personal data under GDPR, CCPA but has no privacy owner`)},
	}, {
		name: "privacy owner names no team",
		objs: objs(pol, platform("crm", withPersonalData(), withPrivacyOwner(person("Ana", "")))),
		obj:  platformRef("crm"),
		want: []orgv1.Violation{crit(`platform "crm": spec.privacyOwner.teamRef: privacy owner "Ana" names no team`)},
	}, {
		name: "privacy owner's team not found",
		objs: objs(pol, platform("crm", withPersonalData(), withPrivacyOwner(person("Ana", "legal")))),
		obj:  platformRef("crm"),
		want: []orgv1.Violation{crit(`platform "crm": spec.privacyOwner.teamRef: team "legal" not found`)},
	}, {
		name: "lead of a Legal team",
		objs: objs(pol, legal, platform("crm", withPersonalData("GDPR"), withPrivacyOwner(person("Ana", "legal")))),
		obj:  platformRef("crm"),
	}, {
		name: "member of a Legal team, Unicode name",
		objs: objs(pol, legal, platform("crm", withPersonalData(), withPrivacyOwner(person("Élodie Martin", "legal")))),
		obj:  platformRef("crm"),
	}, {
		name: "lead but not a member still counts",
		objs: objs(pol, team("privacy", withFunction("Privacy"), withLead(person("Bo", ""))), platform("crm", withPersonalData(), withPrivacyOwner(person("Bo", "privacy")))),
		obj:  platformRef("crm"),
	}, {
		name: "neither lead nor member",
		objs: objs(pol, legal, platform("crm", withPersonalData(), withPrivacyOwner(person("Zoe", "legal")))),
		obj:  platformRef("crm"),
		want: []orgv1.Violation{crit(`platform "crm": spec.privacyOwner: "Zoe" is neither the lead nor a member of team "legal"`)},
	}, {
		name: "team of a function outside the default Legal, Privacy",
		objs: objs(pol, team("mkt", withMembers(person("Ana", ""))), platform("crm", withPersonalData(), withPrivacyOwner(person("Ana", "mkt")))),
		obj:  platformRef("crm"),
		want: []orgv1.Violation{crit(`platform "crm": spec.privacyOwner.teamRef: team "mkt" has function Marketing, not one of Legal, Privacy`)},
	}, {
		name: "params.ownerFunctions replaces the default",
		objs: objs(dpo, legal, platform("crm", withPersonalData(), withPrivacyOwner(person("Zoe", "legal")))),
		obj:  platformRef("crm"),
		want: []orgv1.Violation{
			crit(`platform "crm": spec.privacyOwner.teamRef: team "legal" has function Legal, not one of Data`),
			crit(`platform "crm": spec.privacyOwner: "Zoe" is neither the lead nor a member of team "legal"`),
		},
	}})
}

func TestResponsibilityAssignment(t *testing.T) {
	pol := policy("gov", rule("raci", orgv1.RuleResponsibilityAssignment))
	tiers := policy("gov", rule("raci", orgv1.RuleResponsibilityAssignment, withParams(orgv1.RuleParams{RequireForTiers: []orgv1.PlatformTier{"Foundational"}})))
	teams := objs(team("ops"), team("mkt"), team("it"))
	with := func(o ...metav1.Object) []metav1.Object { return append(append([]metav1.Object{}, teams...), o...) }
	medium := func(msg string) orgv1.Violation { return v("raci", orgv1.SeverityMedium, msg) }
	crossNS := matrix("m", "", orgv1.Activity{
		Name:        "Launch",
		Responsible: []orgv1.TeamRef{ref("ops")},
		Accountable: &orgv1.TeamRef{Name: "mkt", Namespace: ns},
		Informed:    []orgv1.TeamRef{ref("it"), ref("mkt")},
	})
	dangling := matrix("m", "", orgv1.Activity{
		Name:        "Launch",
		Responsible: []orgv1.TeamRef{ref("ops"), ref("gone-r")},
		Accountable: &orgv1.TeamRef{Name: "gone-a"},
		Consulted:   []orgv1.TeamRef{ref("gone-c")},
		Informed:    []orgv1.TeamRef{ref("gone-i")},
	})
	runRuleCases(t, []ruleCase{{
		name: "well assigned",
		objs: with(pol, matrix("m", "", activity("Launch", "mkt", "it"), activity("Run", "it"))),
		obj:  matrixRef("m"),
	}, {
		name: "team refs of every role not found",
		objs: with(pol, dangling),
		obj:  matrixRef("m"),
		want: []orgv1.Violation{
			medium(`responsibility matrix "m": spec.activities[0].accountable: team "gone-a" not found`),
			medium(`responsibility matrix "m": spec.activities[0].consulted[0]: team "gone-c" not found`),
			medium(`responsibility matrix "m": spec.activities[0].informed[0]: team "gone-i" not found`),
			medium(`responsibility matrix "m": spec.activities[0].responsible[1]: team "gone-r" not found`),
		},
	}, {
		name: "no accountable team",
		objs: with(pol, matrix("m", "", activity("Launch", "mkt"), activity("Run", ""))),
		obj:  matrixRef("m"),
		want: []orgv1.Violation{medium(`responsibility matrix "m": spec.activities[1].accountable: activity "Run" has no accountable team`)},
	}, {
		name: "accountable also informed, namespace defaulted when comparing",
		objs: with(pol, crossNS),
		obj:  matrixRef("m"),
		want: []orgv1.Violation{medium(`responsibility matrix "m": spec.activities[0].informed[1]: activity "Launch" informs its accountable team "mkt"`)},
	}, {
		name: "platform of a required tier without a matrix",
		objs: with(tiers, platform("cdp", withTier("Foundational"))),
		obj:  platformRef("cdp"),
		want: []orgv1.Violation{medium(`platform "cdp": spec.tier: Foundational platform has no responsibility matrix`)},
	}, {
		name: "platform of a required tier with a matrix in another namespace",
		objs: with(tiers, platform("cdp", withTier("Foundational")),
			&orgv1.ResponsibilityMatrix{ObjectMeta: metav1.ObjectMeta{Name: "m", Namespace: "other"}, Spec: orgv1.ResponsibilityMatrixSpec{PlatformRef: &orgv1.PlatformRef{Name: "cdp", Namespace: ns}}}),
		obj: platformRef("cdp"),
	}, {
		name: "platform of a tier not required",
		objs: with(tiers, platform("crm")),
		obj:  platformRef("crm"),
	}, {
		name: "without requireForTiers platforms are not judged",
		objs: with(pol, platform("cdp", withTier("Foundational"))),
		obj:  platformRef("cdp"),
	}})
}

func TestTeamStructure(t *testing.T) {
	pol := policy("gov", rule("structure", orgv1.RuleTeamStructure, severity(orgv1.SeverityLow)))
	low := func(msg string) orgv1.Violation { return v("structure", orgv1.SeverityLow, msg) }
	runRuleCases(t, []ruleCase{{
		name: "sound team",
		objs: objs(pol, team("root"), team("a", withParent("root"), withLead(person("Ana", "")), withMembers(person("Ana", "")), expiringAt(now.Add(time.Hour)))),
		obj:  teamRef("a"),
	}, {
		name: "parent not found",
		objs: objs(pol, team("a", withParent("gone"))),
		obj:  teamRef("a"),
		want: []orgv1.Violation{low(`team "a": spec.parentRef: parent team "gone" not found`)},
	}, {
		name: "own parent",
		objs: objs(pol, team("a", withParent("a"))),
		obj:  teamRef("a"),
		want: []orgv1.Violation{low(`team "a": spec.parentRef: team is on a cycle of parentRefs: "a" -> "a"`)},
	}, {
		name: "two-cycle",
		objs: objs(pol, team("a", withParent("b")), team("b", withParent("a"))),
		obj:  teamRef("b"),
		want: []orgv1.Violation{low(`team "b": spec.parentRef: team is on a cycle of parentRefs: "b" -> "a" -> "b"`)},
	}, {
		name: "cycle across namespaces",
		objs: objs(pol, team("a", withParentRef(orgv1.TeamRef{Name: "b", Namespace: "emea"})), team("b", inNS[*orgv1.Team]("emea"), withParentRef(orgv1.TeamRef{Name: "a", Namespace: ns}))),
		obj:  teamRef("a"),
		want: []orgv1.Violation{low(`team "a": spec.parentRef: team is on a cycle of parentRefs: "a" -> "emea/b" -> "a"`)},
	}, {
		name: "below a cycle is not flagged",
		objs: objs(pol, team("a", withParent("b")), team("b", withParent("a")), team("c", withParent("a"))),
		obj:  teamRef("c"),
	}, {
		name: "lead not a member",
		objs: objs(pol, team("a", withLead(person("Ana", "")), withMembers(person("Bo", "")))),
		obj:  teamRef("a"),
		want: []orgv1.Violation{low(`team "a": spec.lead: lead "Ana" is not among spec.members`)},
	}, {
		// The same name typed on two keyboards: composed and decomposed é.
		name: "lead a member under another Unicode normalization",
		objs: objs(pol, team("a", withLead(person("\u00c9lodie Martin", "")), withMembers(person("E\u0301lodie Martin", "")))),
		obj:  teamRef("a"),
	}, {
		name: "expired",
		objs: objs(pol, team("tiger", withType("TigerTeam"), expiringAt(time.Date(2026, 1, 31, 0, 0, 0, 0, time.FixedZone("CET", 3600))))),
		obj:  teamRef("tiger"),
		want: []orgv1.Violation{low(`team "tiger": spec.expiresAt: team expired at 2026-01-30T23:00:00Z`)},
	}})
}

func TestOrganizationModel(t *testing.T) {
	pol := policy("gov", rule("model", orgv1.RuleOrganizationModel))
	centralized := objs(team("coe", withType("CenterOfExcellence")), platform("cdp", ownedBy("coe")))
	with := func(o ...metav1.Object) []metav1.Object {
		return append(append([]metav1.Object{}, centralized...), o...)
	}
	medium := func(msg string) orgv1.Violation { return v("model", orgv1.SeverityMedium, msg) }
	runRuleCases(t, []ruleCase{{
		name: "declared as inferred",
		objs: with(pol, org("acme", "Centralized", withMartech("Committee"))),
		obj:  orgRef("acme"),
	}, {
		name: "declared differs from inferred",
		objs: with(pol, org("acme", "Hybrid")),
		obj:  orgRef("acme"),
		want: []orgv1.Violation{medium(`organization "acme": spec.model: declared "Hybrid" but platform ownership shows "Centralized": ` +
			`CenterOfExcellence "coe" owns the one platform (none Foundational); no BusinessUnit owns or operates one`)},
	}, {
		name: "inferred Unknown contradicts nothing",
		objs: objs(pol, org("acme", "Independent"), platform("cdp")),
		obj:  orgRef("acme"),
	}, {
		name: "Hostile martech model",
		objs: objs(pol, org("acme", "Hybrid", withMartech("Hostile"))),
		obj:  orgRef("acme"),
		want: []orgv1.Violation{medium(`organization "acme": spec.martechModel: marketing and IT relate as Hostile`)},
	}})
}

func TestEnterpriseAI(t *testing.T) {
	pol := policy("gov", rule("ai", orgv1.RuleEnterpriseAI, severity(orgv1.SeverityHigh)))
	analytics := policy("gov", rule("ai", orgv1.RuleEnterpriseAI, severity(orgv1.SeverityHigh), withParams(orgv1.RuleParams{AllowedOwnerFunctions: []orgv1.TeamFunction{"Analytics"}})))
	high := func(msg string) orgv1.Violation { return v("ai", orgv1.SeverityHigh, msg) }
	runRuleCases(t, []ruleCase{{
		name: "AIML owned by Data",
		objs: objs(pol, team("data", withFunction("Data")), platform("ml", withCategory("AIML"), ownedBy("data"))),
		obj:  platformRef("ml"),
	}, {
		name: "AIML owned by Marketing",
		objs: objs(pol, team("mkt"), platform("ml", withCategory("AIML"), ownedBy("mkt"))),
		obj:  platformRef("ml"),
		want: []orgv1.Violation{high(`platform "ml": spec.ownerRef: AIML platform owned by team "mkt" of function Marketing, not one of IT, Data`)},
	}, {
		name: "params.allowedOwnerFunctions replaces the default",
		objs: objs(analytics, team("it", withFunction("IT")), platform("ml", withCategory("AIML"), ownedBy("it"))),
		obj:  platformRef("ml"),
		want: []orgv1.Violation{high(`platform "ml": spec.ownerRef: AIML platform owned by team "it" of function IT, not one of Analytics`)},
	}, {
		name: "other categories are not judged",
		objs: objs(pol, team("mkt"), platform("crm", ownedBy("mkt"))),
		obj:  platformRef("crm"),
	}, {
		name: "an unowned AIML platform is PlatformOwnership's to report",
		objs: objs(pol, platform("ml", withCategory("AIML"), ownedBy("gone"))),
		obj:  platformRef("ml"),
	}})
}

func TestIntegrity(t *testing.T) {
	full := func(name string) orgv1.Person { return person(name, "gone-"+name) }
	p := platform("crm", ownedBy("gone-owner"), operatedBy("ok", "gone-op"), withRoadmapOwner(full("road")), governedBy("gone-steer"), withPrivacyOwner(full("dpo")))
	sc := committee("steer", "ok", "gone-member")
	sc.Spec.Chair = &orgv1.Person{Name: "chair", TeamRef: &orgv1.TeamRef{Name: "gone-chair"}}
	sc.Spec.Members[0].Representative = &orgv1.Person{Name: "rep", TeamRef: &orgv1.TeamRef{Name: "gone-rep"}}
	m := matrix("m", "gone-platform", orgv1.Activity{Name: "Launch", Accountable: &orgv1.TeamRef{Name: "gone-acc"}, Responsible: []orgv1.TeamRef{ref("ok")}})
	runRuleCases(t, []ruleCase{{
		name:    "organization executives",
		objs:    objs(team("ok"), org("acme", "Hybrid", withExecutive("CMO", person("Ana", "ok")), withExecutive("CIO", person("Bo", "gone")))),
		obj:     orgRef("acme"),
		builtin: true,
		want:    []orgv1.Violation{builtin(`organization "acme": spec.executives[1].person.teamRef: team "gone" not found`)},
	}, {
		name: "team refs",
		objs: objs(team("ok"), team("a", withParent("gone-parent"), withDottedLine("ok", "gone-dotted"),
			withLead(full("lead")), withMembers(person("ok", "ok"), full("member")))),
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
		objs:    objs(team("a", withParent("b")), team("b", withParent("a")), team("c", withParent("b"))),
		obj:     teamRef("a"),
		builtin: true,
		want:    []orgv1.Violation{builtin(`team "a": spec.parentRef: team is on a cycle of parentRefs: "a" -> "b" -> "a"`)},
	}, {
		name:    "team below a cycle",
		objs:    objs(team("a", withParent("b")), team("b", withParent("a")), team("c", withParent("b"))),
		obj:     teamRef("c"),
		builtin: true,
	}, {
		name:    "platform refs",
		objs:    objs(team("ok"), p),
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
		objs:    objs(team("ok"), sc),
		obj:     committeeRef("steer"),
		builtin: true,
		want: []orgv1.Violation{
			builtin(`steering committee "steer": spec.chair.teamRef: team "gone-chair" not found`),
			builtin(`steering committee "steer": spec.members[0].representative.teamRef: team "gone-rep" not found`),
			builtin(`steering committee "steer": spec.members[1].teamRef: team "gone-member" not found`),
		},
	}, {
		name:    "matrix refs",
		objs:    objs(team("ok"), m),
		obj:     matrixRef("m"),
		builtin: true,
		want: []orgv1.Violation{
			builtin(`responsibility matrix "m": spec.activities[0].accountable: team "gone-acc" not found`),
			builtin(`responsibility matrix "m": spec.platformRef: platform "gone-platform" not found`),
		},
	}, {
		name: "everything resolves",
		objs: objs(team("ok"), team("a", withParent("ok"), withLead(person("l", "ok"))),
			platform("crm", ownedBy("ok"), governedBy("steer")), committee("steer", "ok"), matrix("m", "crm", activity("Run", "ok"))),
		obj:     platformRef("crm"),
		builtin: true,
	}})
}
