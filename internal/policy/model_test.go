package policy

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// inferred is what the inferences say of a namespace, as a test compares it.
type inferred struct {
	Model         orgv1.OrganizationModel
	Martech       orgv1.MartechModel
	MartechTeam   string
	Reason        string
	MartechReason string
}

func inferredOf(t *testing.T, objs []metav1.Object) (inferred, NamespaceResult) {
	t.Helper()
	ev := newEngine(t).EvaluateNamespace(graph(t, objs...), ns, now)
	n := ev.Namespaces[0]
	return inferred{n.Model.Model, n.Martech.Model, n.Martech.TeamName(ns), n.Model.Reason, n.Martech.Reason}, n
}

// The teams most shapes hang below: a corporate executive team, the CMO's
// marketing department and the CIO's IT department.
var (
	corp = team("corp", withFunction("Executive"))
	mkt  = team("marketing", withParent("corp"))
	it   = team("it", withFunction("IT"), withParent("corp"))
)

// mktPlatform is a marketing platform (a CDP unless category says otherwise).
func mktPlatform(name string, opts ...func(*orgv1.Platform)) *orgv1.Platform {
	return platform(name, append([]func(*orgv1.Platform){withCategory("CDP")}, opts...)...)
}

// TestSeedShapes is one organization per situation the seed documents
// describe, each with the model, martech model and reasons it must infer.
func TestSeedShapes(t *testing.T) {
	foundational := withTier(orgv1.TierFoundational)
	bu := func(name string, opts ...func(*orgv1.Team)) *orgv1.Team {
		return team(name, append([]func(*orgv1.Team){withType("BusinessUnit"), withParent("corp")}, opts...)...)
	}
	moc := team("moc", withType("CenterOfExcellence"), withParent("marketing"))
	cases := []struct {
		name string
		objs []metav1.Object
		want inferred
	}{{
		name: "a single marketing operations center serving regional BUs that only run campaigns",
		objs: objs(corp, mkt, moc, bu("emea"), bu("na"),
			mktPlatform("cdp", ownedBy("moc"), foundational), mktPlatform("dam", withCategory("DAM"), ownedBy("moc"), foundational),
			mktPlatform("automation", withCategory("MarketingAutomation"), ownedBy("moc"))),
		want: inferred{orgv1.ModelCentralized, orgv1.MartechEmbedded, "moc",
			`CenterOfExcellence "moc" owns all 3 platforms (2 Foundational); no BusinessUnit owns or operates one`,
			`team "moc" owns the most marketing platforms (3 of 3); it has function Marketing and is not on the IT side`},
	}, {
		name: "the same center with BUs operating its platforms",
		objs: objs(corp, mkt, moc, bu("emea"), bu("na"),
			mktPlatform("cdp", ownedBy("moc"), foundational, operatedBy("emea", "na")),
			mktPlatform("dam", withCategory("DAM"), ownedBy("moc"), foundational, operatedBy("emea")),
			mktPlatform("automation", withCategory("MarketingAutomation"), ownedBy("moc"), operatedBy("na"))),
		want: inferred{orgv1.ModelHybrid, orgv1.MartechEmbedded, "moc",
			`CenterOfExcellence "moc" owns all 3 platforms (2 Foundational); BusinessUnits "emea", "na" operate 3`,
			`team "moc" owns the most marketing platforms (3 of 3); it has function Marketing and is not on the IT side`},
	}, {
		name: "IT owns the foundational CDP and warehouse, two BUs own their campaign tools",
		objs: objs(corp, it, bu("emea"), bu("na"),
			mktPlatform("cdp", ownedBy("it"), foundational), platform("warehouse", withCategory("DataWarehouse"), ownedBy("it"), foundational),
			mktPlatform("emea-automation", withCategory("MarketingAutomation"), ownedBy("emea")),
			mktPlatform("na-automation", withCategory("MarketingAutomation"), ownedBy("na")), mktPlatform("na-social", withCategory("Social"), ownedBy("na"))),
		want: inferred{orgv1.ModelHybrid, orgv1.MartechEmbedded, "na",
			`central teams own 2 platforms (all Foundational); BusinessUnits "na", "emea" own 3`,
			`team "na" owns the most marketing platforms (2 of 4); it has function Marketing and is not on the IT side`},
	}, {
		name: "an M&A holding whose BUs each run their own stack, one with an internal CoE",
		objs: objs(corp, bu("retail"), bu("wholesale", withFunction("Commerce")),
			team("retail-coe", withType("CenterOfExcellence"), withParent("retail")),
			mktPlatform("retail-cdp", ownedBy("retail-coe"), foundational), mktPlatform("retail-dam", withCategory("DAM"), ownedBy("retail-coe")),
			platform("wholesale-commerce", withCategory("Commerce"), ownedBy("wholesale"), foundational),
			mktPlatform("wholesale-automation", withCategory("MarketingAutomation"), ownedBy("wholesale"))),
		want: inferred{orgv1.ModelIndependent, orgv1.MartechEmbedded, "retail-coe",
			`BusinessUnits "retail", "wholesale" own all 4 platforms`,
			`team "retail-coe" owns the most marketing platforms (2 of 3); it has function Marketing and is not on the IT side`},
	}, {
		name: "a CoE owning only a DAM beside BU-owned stacks",
		objs: objs(corp, mkt, bu("emea"), bu("na"), team("brand-coe", withType("CenterOfExcellence"), withParent("marketing")),
			mktPlatform("dam", withCategory("DAM"), ownedBy("brand-coe")),
			mktPlatform("emea-automation", withCategory("MarketingAutomation"), ownedBy("emea")), mktPlatform("emea-cms", withCategory("CMS"), ownedBy("emea")),
			mktPlatform("na-automation", withCategory("MarketingAutomation"), ownedBy("na"))),
		want: inferred{orgv1.ModelIndependent, orgv1.MartechEmbedded, "emea",
			`CenterOfExcellence "brand-coe" owns 1 platform (none Foundational); BusinessUnits "emea", "na" own 3`,
			`team "emea" owns the most marketing platforms (2 of 4); it has function Marketing and is not on the IT side`},
	}, {
		name: "IT reports to the CMO",
		objs: objs(corp, mkt, team("it", withFunction("IT"), withParent("marketing")),
			mktPlatform("cdp", ownedBy("it"), foundational), mktPlatform("automation", withCategory("MarketingAutomation"), ownedBy("it"))),
		want: inferred{orgv1.ModelCentralized, orgv1.MartechDirectReport, "it",
			`central teams own all 2 platforms (1 Foundational); no BusinessUnit owns or operates one`,
			`team "it" owns the most marketing platforms (2 of 2); it is on the IT side, and its IT team "it" reports up its solid line to Marketing team "marketing"`},
	}, {
		name: "an IT practice center",
		objs: objs(corp, it, team("martech-practice", withFunction("IT"), withType("PracticeCenter"), withParent("it"), withDottedLine("marketing")), mkt,
			mktPlatform("cdp", ownedBy("martech-practice")), mktPlatform("cms", withCategory("CMS"), ownedBy("martech-practice"))),
		want: inferred{orgv1.ModelCentralized, orgv1.MartechPracticeCenter, "martech-practice",
			`central teams own all 2 platforms (none Foundational); no BusinessUnit owns or operates one`,
			`team "martech-practice" owns the most marketing platforms (2 of 2); it is a PracticeCenter on the IT side (it has function IT)`},
	}, {
		name: "a marketing team with a dotted line to IT",
		objs: objs(corp, mkt, it, team("marketing-ops", withParent("marketing"), withDottedLine("it")),
			mktPlatform("cdp", ownedBy("marketing-ops")), mktPlatform("dam", withCategory("DAM"), ownedBy("marketing-ops"))),
		want: inferred{orgv1.ModelCentralized, orgv1.MartechEmbedded, "marketing-ops",
			`central teams own all 2 platforms (none Foundational); no BusinessUnit owns or operates one`,
			`team "marketing-ops" owns the most marketing platforms (2 of 2); it has function Marketing and is not on the IT side`},
	}, {
		name: "an agency under marketing",
		objs: objs(corp, mkt, it, team("northwind", withType("Agency"), withParent("marketing")), team("marketing-ops", withParent("marketing")),
			mktPlatform("ads", withCategory("Advertising"), ownedBy("northwind")), mktPlatform("social", withCategory("Social"), ownedBy("northwind")),
			mktPlatform("cdp", ownedBy("marketing-ops"), operatedBy("northwind"))),
		want: inferred{orgv1.ModelCentralized, orgv1.MartechOutsourcedMarketing, "northwind",
			`central teams own all 3 platforms (none Foundational); no BusinessUnit owns or operates one`,
			`team "northwind" owns the most marketing platforms (2 of 3); it is an Agency whose lines reach marketing ("marketing") but not IT`},
	}, {
		name: "a joint team with members from both departments",
		objs: objs(corp, mkt, it, team("martech-jv", withFunction("Other"), withParent("corp"), withMembers(person("Ana", "it"), person("Bo", "marketing"))),
			mktPlatform("cdp", ownedBy("martech-jv")), mktPlatform("personalization", withCategory("Personalization"), ownedBy("martech-jv"))),
		want: inferred{orgv1.ModelCentralized, orgv1.MartechJointVenture, "martech-jv",
			`central teams own all 2 platforms (none Foundational); no BusinessUnit owns or operates one`,
			`team "martech-jv" owns the most marketing platforms (2 of 2); its members include "Ana" from IT-side team "it" and "Bo" from marketing-side team "marketing"`},
	}, {
		name: "an organization with nothing owned",
		objs: objs(corp, mkt, team("tiger", withType("TigerTeam"), expiringAt(now.Add(-time.Hour))),
			mktPlatform("cdp"), mktPlatform("dam", ownedBy("gone")), mktPlatform("checkout", ownedBy("tiger"), operatedBy("marketing"))),
		want: inferred{orgv1.ModelUnknown, orgv1.MartechUnknown, "",
			`none of its 3 platforms has an owner team that exists and has not expired`,
			`no team that exists and has not expired owns a marketing platform (CDP, DAM, MarketingAutomation, CMS, Personalization, Social, Advertising, Analytics)`},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := inferredOf(t, tc.objs)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("inferred (-want +got):\n%s", diff)
			}
		})
	}
}

// TestInferModel pins the decision's edges: the order of the rules, units,
// Foundational weighting, expiry, cycles and namespaces.
func TestInferModel(t *testing.T) {
	retail := team("retail", withType("BusinessUnit"), withParent("corp"))
	wholesale := team("wholesale", withType("BusinessUnit"), withParent("corp"))
	coe := team("coe", withType("CenterOfExcellence"), withParent("corp"))
	cases := []struct {
		name   string
		objs   []metav1.Object
		model  orgv1.OrganizationModel
		reason string
	}{{
		name:   "no platform at all",
		objs:   objs(corp),
		model:  orgv1.ModelUnknown,
		reason: "the namespace declares no platform",
	}, {
		name:   "one platform, its owner expires exactly now",
		objs:   objs(team("tiger", expiringAt(now)), platform("crm", ownedBy("tiger"))),
		model:  orgv1.ModelUnknown,
		reason: "its one platform has no owner team that exists and has not expired",
	}, {
		name:   "Centralized: one business unit owns everything and operates it",
		objs:   objs(corp, retail, team("retail-mkt", withParent("retail")), platform("cdp", ownedBy("retail")), platform("crm", ownedBy("retail-mkt"), operatedBy("retail-mkt"))),
		model:  orgv1.ModelCentralized,
		reason: `BusinessUnit "retail" owns all 2 platforms and operates 1; no other BusinessUnit operates one`,
	}, {
		name:   "Hybrid: one business unit owns everything, another operates",
		objs:   objs(corp, retail, wholesale, platform("cdp", ownedBy("retail"), operatedBy("wholesale"))),
		model:  orgv1.ModelHybrid,
		reason: `BusinessUnit "retail" owns the one platform; BusinessUnit "wholesale" operates 1`,
	}, {
		name:   "Hybrid: a business unit and a corporate department own",
		objs:   objs(corp, it, retail, platform("cdp", ownedBy("it")), platform("crm", ownedBy("retail"))),
		model:  orgv1.ModelHybrid,
		reason: `central teams own 1 platform (none Foundational); BusinessUnit "retail" owns 1`,
	}, {
		name:   "Independent: two business units, the center owns Engagement platforms only",
		objs:   objs(corp, coe, retail, wholesale, platform("crm", ownedBy("retail")), platform("dam", ownedBy("wholesale")), platform("cms", ownedBy("coe"))),
		model:  orgv1.ModelIndependent,
		reason: `CenterOfExcellence "coe" owns 1 platform (none Foundational); BusinessUnits "retail", "wholesale" own 2`,
	}, {
		name: "Hybrid: two business units, the center owns a Foundational platform",
		objs: objs(corp, coe, retail, wholesale, platform("crm", ownedBy("retail")), platform("dam", ownedBy("wholesale")),
			platform("cdp", ownedBy("coe"), withTier(orgv1.TierFoundational))),
		model:  orgv1.ModelHybrid,
		reason: `CenterOfExcellence "coe" owns 1 platform (Foundational); BusinessUnits "retail", "wholesale" own 2`,
	}, {
		name: "an expired owner's platform does not count",
		objs: objs(corp, coe, retail, team("tiger", withParent("retail"), expiringAt(now.Add(-time.Minute))),
			platform("cdp", ownedBy("coe")), platform("checkout", ownedBy("tiger"))),
		model:  orgv1.ModelCentralized,
		reason: `CenterOfExcellence "coe" owns the one platform (none Foundational); no BusinessUnit owns or operates one`,
	}, {
		name: "the nearest business unit wins over a nearer center of excellence",
		objs: objs(corp, retail, wholesale, team("retail-coe", withType("CenterOfExcellence"), withParent("retail")),
			team("coe-squad", withParent("retail-coe")), platform("cdp", ownedBy("coe-squad")), platform("crm", ownedBy("wholesale"))),
		model:  orgv1.ModelIndependent,
		reason: `BusinessUnits "retail", "wholesale" own all 2 platforms`,
	}, {
		name: "nested business units are distinct, the nearest one is the unit",
		objs: objs(corp, retail, team("retail-emea", withType("BusinessUnit"), withParent("retail")),
			platform("cdp", ownedBy("retail")), platform("crm", ownedBy("retail-emea"))),
		model:  orgv1.ModelIndependent,
		reason: `BusinessUnits "retail", "retail-emea" own all 2 platforms`,
	}, {
		name: "an owner on a cycle is placed without hanging",
		objs: objs(team("a", withParent("b")), team("b", withParent("a"), withType("BusinessUnit")), team("c", withType("BusinessUnit")),
			platform("cdp", ownedBy("a")), platform("crm", ownedBy("c"))),
		model:  orgv1.ModelIndependent,
		reason: `BusinessUnits "b", "c" own all 2 platforms`,
	}, {
		name: "units in another namespace are named with it",
		objs: objs(team("group-coe", inNS[*orgv1.Team]("corp"), withType("CenterOfExcellence")), retail,
			platform("cdp", ownedByRef(orgv1.TeamRef{Name: "group-coe", Namespace: "corp"})), platform("crm", ownedBy("retail"))),
		model:  orgv1.ModelHybrid,
		reason: `CenterOfExcellence "corp/group-coe" owns 1 platform (none Foundational); BusinessUnit "retail" owns 1`,
	}, {
		name:   "an unowned platform's operators do not count",
		objs:   objs(corp, coe, retail, platform("cdp", ownedBy("coe")), platform("crm", operatedBy("retail"))),
		model:  orgv1.ModelCentralized,
		reason: `CenterOfExcellence "coe" owns the one platform (none Foundational); no BusinessUnit owns or operates one`,
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := inferredOf(t, tc.objs)
			if diff := cmp.Diff([]string{string(tc.model), tc.reason}, []string{string(got.Model), got.Reason}); diff != "" {
				t.Errorf("model and reason (-want +got):\n%s", diff)
			}
		})
	}
}

// TestModelEvidence: every unit that owns or operates, by owns then name,
// and a reason that names three units and counts the others.
func TestModelEvidence(t *testing.T) {
	o := objs(corp, team("coe", withType("CenterOfExcellence"), withParent("corp")), team("coe-ops", withParent("coe")))
	for i := range 5 {
		name := fmt.Sprintf("bu%d", i)
		o = append(o, team(name, withType("BusinessUnit"), withParent("corp")), platform(name+"-crm", ownedBy(name), operatedBy("coe-ops")))
	}
	o = append(o, platform("cdp", ownedBy("coe"), withTier(orgv1.TierFoundational), operatedBy("bu1", "bu3")), platform("bu4-cms", ownedBy("bu4")),
		team("agency", withType("Agency")))
	got, n := inferredOf(t, append(o, platform("ads", ownedBy("coe-ops"), operatedBy("agency"))))
	want := []orgv1.ModelEvidence{
		{Unit: "bu4", UnitType: orgv1.UnitBusinessUnit, Owns: 2},
		{Unit: "coe", UnitType: orgv1.UnitCenterOfExcellence, Owns: 2, OwnsFoundational: 1, Operates: 5},
		{Unit: "bu0", UnitType: orgv1.UnitBusinessUnit, Owns: 1},
		{Unit: "bu1", UnitType: orgv1.UnitBusinessUnit, Owns: 1, Operates: 1},
		{Unit: "bu2", UnitType: orgv1.UnitBusinessUnit, Owns: 1},
		{Unit: "bu3", UnitType: orgv1.UnitBusinessUnit, Owns: 1, Operates: 1},
		{Unit: "central", UnitType: orgv1.UnitCentral, Operates: 1},
	}
	if diff := cmp.Diff(want, n.Model.Evidence); diff != "" {
		t.Errorf("evidence (-want +got):\n%s", diff)
	}
	const reason = `CenterOfExcellence "coe" owns 2 platforms (1 Foundational); BusinessUnits "bu4", "bu0", "bu1" and 2 more own 6 and operate 1`
	if got.Model != orgv1.ModelHybrid || got.Reason != reason {
		t.Errorf("got %s: %s\nwant Hybrid: %s", got.Model, got.Reason, reason)
	}
}

// TestMartechSignatures covers every signature and the order in which
// they are tried, with the team a structure is about.
func TestMartechSignatures(t *testing.T) {
	martech := func(name string, opts ...func(*orgv1.Team)) []metav1.Object {
		return objs(team(name, opts...), mktPlatform(name+"-cdp", ownedBy(name)))
	}
	cases := []struct {
		name string
		objs []metav1.Object
		want orgv1.MartechModel
		why  string
	}{
		{"an agency whose lines reach both sides", append(objs(corp, mkt, it), martech("agency", withType("Agency"), withDottedLine("marketing", "it"))...),
			orgv1.MartechOutsourcedTriangle, `it is an Agency whose lines reach both marketing ("marketing") and IT ("it")`},
		{"an agency under IT", append(objs(corp, it), martech("agency", withType("Agency"), withParent("it"))...),
			orgv1.MartechOutsourcedIT, `it is an Agency whose lines reach IT ("it") but not marketing`},
		{"an agency with no lines, although marketing staff work in it", append(objs(mkt), martech("agency", withType("Agency"), withMembers(person("Ana", "marketing")))...),
			orgv1.MartechUnknown, `it is an Agency whose lines reach neither marketing nor IT`},
		{"direct report wins over practice center", append(objs(corp, mkt, team("it", withFunction("IT"), withParent("marketing"))), martech("practice", withType("PracticeCenter"), withParent("it"))...),
			orgv1.MartechDirectReport, `it is on the IT side, and its IT team "it" reports up its solid line to Marketing team "marketing"`},
		{"a marketing-function team inside IT is a practice center", append(objs(corp, it, mkt), martech("mktg-tech", withParent("it"))...),
			orgv1.MartechPracticeCenter, `it has function Marketing but reports up its solid line to IT team "it"`},
		{"practice center wins over joint venture", append(objs(corp, it, mkt), martech("practice", withFunction("IT"), withType("PracticeCenter"), withParent("it"), withMembers(person("Ana", "it"), person("Bo", "marketing")))...),
			orgv1.MartechPracticeCenter, `it is a PracticeCenter on the IT side (it has function IT)`},
		{"joint venture wins over co-located", append(objs(corp, it, mkt), martech("jv", withFunction("IT"), withParent("it"), withDottedLine("marketing"), withMembers(person("Ana", "it"), person("Bo", "marketing")))...),
			orgv1.MartechJointVenture, `its members include "Ana" from IT-side team "it" and "Bo" from marketing-side team "marketing"`},
		{"independent: on neither side, lines to both", append(objs(corp, it, mkt), martech("martech", withFunction("Other"), withParent("corp"), withDottedLine("marketing", "it"))...),
			orgv1.MartechIndependent, `it is on neither side, and its lines reach both marketing ("marketing") and IT ("it")`},
		{"co-located: an IT team with a dotted line to marketing", append(objs(corp, it, mkt), martech("it-marketing", withFunction("Data"), withParent("it"), withDottedLine("marketing"))...),
			orgv1.MartechCoLocated, `it reports up its solid line to IT team "it" and has a dotted line to marketing-side team "marketing"`},
		{"traditional: IT runs it", append(objs(corp, it), martech("it-apps", withFunction("IT"), withParent("it"))...),
			orgv1.MartechTraditional, `it has function IT and has no dotted line to marketing`},
		{"embedded, with a dotted line to IT", append(objs(corp, mkt, it), martech("mops", withParent("marketing"), withDottedLine("it"))...),
			orgv1.MartechEmbedded, `it has function Marketing and is not on the IT side`},
		{"unknown: on neither side, a line to one", append(objs(corp, it), martech("digital", withFunction("Digital"), withParent("corp"), withDottedLine("it"))...),
			orgv1.MartechUnknown, `it is on neither the marketing nor the IT side, and its lines do not reach both`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, n := inferredOf(t, tc.objs)
			if n.Martech.Team == nil {
				t.Fatalf("no martech team")
			}
			wantReason := fmt.Sprintf("team %q owns the most marketing platforms (1 of 1); %s", n.Martech.Team.Name, tc.why)
			if diff := cmp.Diff([]string{string(tc.want), wantReason}, []string{string(got.Martech), got.MartechReason}); diff != "" {
				t.Errorf("martech model and reason (-want +got):\n%s", diff)
			}
		})
	}
}

// TestMartechTeam: the most marketing platforms win, counted platforms only,
// ties to the team whose namespace/name sorts first.
func TestMartechTeam(t *testing.T) {
	other := inNS[*orgv1.Team]("a-first")
	cases := []struct {
		name string
		objs []metav1.Object
		want string
	}{
		{"most marketing platforms; CRM, Commerce and AIML are not marketing", objs(team("x"), team("y"),
			mktPlatform("p1", ownedBy("x")), platform("p2", ownedBy("y")), platform("p3", withCategory("Commerce"), ownedBy("y")), platform("p4", withCategory("AIML"), ownedBy("y"))), "x"},
		{"ties go to the name that sorts first", objs(team("b"), team("a"), mktPlatform("p1", ownedBy("b")), mktPlatform("p2", ownedBy("a"))), "a"},
		{"ties go to the namespace that sorts first", objs(team("a"), team("z", other), mktPlatform("p1", ownedBy("a")),
			mktPlatform("p2", ownedByRef(orgv1.TeamRef{Name: "z", Namespace: "a-first"}))), "a-first/z"},
		{"an expired owner's platforms do not count", objs(team("a", expiringAt(now)), team("b"),
			mktPlatform("p1", ownedBy("a")), mktPlatform("p2", ownedBy("a")), mktPlatform("p3", ownedBy("b"))), "b"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got, _ := inferredOf(t, tc.objs); got.MartechTeam != tc.want {
				t.Errorf("martech team %q, want %q", got.MartechTeam, tc.want)
			}
		})
	}
}
