package policy

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/testing/builders"
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
	corp = builders.MakeTeam("corp", ns).Function("Executive").Obj()
	mkt  = builders.MakeTeam("marketing", ns).Parent("corp").Obj()
	it   = builders.MakeTeam("it", ns).Function("IT").Parent("corp").Obj()
)

// mktPlatform is a marketing platform (a CDP unless category says otherwise).
func mktPlatform(name string) *builders.PlatformWrapper {
	return builders.MakePlatform(name, ns).Category("CDP")
}

// TestSeedShapes is one organization per situation the seed documents
// describe, each with the model, martech model and reasons it must infer.
func TestSeedShapes(t *testing.T) {
	bu := func(name string) *builders.TeamWrapper {
		return builders.MakeTeam(name, ns).Type("BusinessUnit").Parent("corp")
	}
	moc := builders.MakeTeam("moc", ns).Type("CenterOfExcellence").Parent("marketing").Obj()
	cases := []struct {
		name string
		objs []metav1.Object
		want inferred
	}{{
		name: "a single marketing operations center serving regional BUs that only run campaigns",
		objs: objs(corp, mkt, moc, bu("emea").Obj(), bu("na").Obj(),
			mktPlatform("cdp").Owner("moc").Tier(orgv1.TierFoundational).Obj(), mktPlatform("dam").Category("DAM").Owner("moc").Tier(orgv1.TierFoundational).Obj(),
			mktPlatform("automation").Category("MarketingAutomation").Owner("moc").Obj()),
		want: inferred{orgv1.ModelCentralized, orgv1.MartechEmbedded, "moc",
			`CenterOfExcellence "moc" owns all 3 platforms (2 Foundational); no BusinessUnit owns or operates one`,
			`team "moc" owns the most marketing platforms (3 of 3); it has function Marketing and is not on the IT side`},
	}, {
		name: "the same center with BUs operating its platforms",
		objs: objs(corp, mkt, moc, bu("emea").Obj(), bu("na").Obj(),
			mktPlatform("cdp").Owner("moc").Tier(orgv1.TierFoundational).Operators("emea", "na").Obj(),
			mktPlatform("dam").Category("DAM").Owner("moc").Tier(orgv1.TierFoundational).Operators("emea").Obj(),
			mktPlatform("automation").Category("MarketingAutomation").Owner("moc").Operators("na").Obj()),
		want: inferred{orgv1.ModelHybrid, orgv1.MartechEmbedded, "moc",
			`CenterOfExcellence "moc" owns all 3 platforms (2 Foundational); BusinessUnits "emea", "na" operate 3`,
			`team "moc" owns the most marketing platforms (3 of 3); it has function Marketing and is not on the IT side`},
	}, {
		name: "IT owns the foundational CDP and warehouse, two BUs own their campaign tools",
		objs: objs(corp, it, bu("emea").Obj(), bu("na").Obj(),
			mktPlatform("cdp").Owner("it").Tier(orgv1.TierFoundational).Obj(), builders.MakePlatform("warehouse", ns).Category("DataWarehouse").Owner("it").Tier(orgv1.TierFoundational).Obj(),
			mktPlatform("emea-automation").Category("MarketingAutomation").Owner("emea").Obj(),
			mktPlatform("na-automation").Category("MarketingAutomation").Owner("na").Obj(), mktPlatform("na-social").Category("Social").Owner("na").Obj()),
		want: inferred{orgv1.ModelHybrid, orgv1.MartechEmbedded, "na",
			`central teams own 2 platforms (all Foundational); BusinessUnits "na", "emea" own 3`,
			`team "na" owns the most marketing platforms (2 of 4); it has function Marketing and is not on the IT side`},
	}, {
		name: "an M&A holding whose BUs each run their own stack, one with an internal CoE",
		objs: objs(corp, bu("retail").Obj(), bu("wholesale").Function("Commerce").Obj(),
			builders.MakeTeam("retail-coe", ns).Type("CenterOfExcellence").Parent("retail").Obj(),
			mktPlatform("retail-cdp").Owner("retail-coe").Tier(orgv1.TierFoundational).Obj(), mktPlatform("retail-dam").Category("DAM").Owner("retail-coe").Obj(),
			builders.MakePlatform("wholesale-commerce", ns).Category("Commerce").Owner("wholesale").Tier(orgv1.TierFoundational).Obj(),
			mktPlatform("wholesale-automation").Category("MarketingAutomation").Owner("wholesale").Obj()),
		want: inferred{orgv1.ModelIndependent, orgv1.MartechEmbedded, "retail-coe",
			`BusinessUnits "retail", "wholesale" own all 4 platforms`,
			`team "retail-coe" owns the most marketing platforms (2 of 3); it has function Marketing and is not on the IT side`},
	}, {
		name: "a CoE owning only a DAM beside BU-owned stacks",
		objs: objs(corp, mkt, bu("emea").Obj(), bu("na").Obj(), builders.MakeTeam("brand-coe", ns).Type("CenterOfExcellence").Parent("marketing").Obj(),
			mktPlatform("dam").Category("DAM").Owner("brand-coe").Obj(),
			mktPlatform("emea-automation").Category("MarketingAutomation").Owner("emea").Obj(), mktPlatform("emea-cms").Category("CMS").Owner("emea").Obj(),
			mktPlatform("na-automation").Category("MarketingAutomation").Owner("na").Obj()),
		want: inferred{orgv1.ModelIndependent, orgv1.MartechEmbedded, "emea",
			`CenterOfExcellence "brand-coe" owns 1 platform (none Foundational); BusinessUnits "emea", "na" own 3`,
			`team "emea" owns the most marketing platforms (2 of 4); it has function Marketing and is not on the IT side`},
	}, {
		name: "IT reports to the CMO",
		objs: objs(corp, mkt, builders.MakeTeam("it", ns).Function("IT").Parent("marketing").Obj(),
			mktPlatform("cdp").Owner("it").Tier(orgv1.TierFoundational).Obj(), mktPlatform("automation").Category("MarketingAutomation").Owner("it").Obj()),
		want: inferred{orgv1.ModelCentralized, orgv1.MartechDirectReport, "it",
			`central teams own all 2 platforms (1 Foundational); no BusinessUnit owns or operates one`,
			`team "it" owns the most marketing platforms (2 of 2); it is on the IT side, and its IT team "it" reports up its solid line to Marketing team "marketing"`},
	}, {
		name: "an IT practice center",
		objs: objs(corp, it, builders.MakeTeam("martech-practice", ns).Function("IT").Type("PracticeCenter").Parent("it").DottedLines("marketing").Obj(), mkt,
			mktPlatform("cdp").Owner("martech-practice").Obj(), mktPlatform("cms").Category("CMS").Owner("martech-practice").Obj()),
		want: inferred{orgv1.ModelCentralized, orgv1.MartechPracticeCenter, "martech-practice",
			`central teams own all 2 platforms (none Foundational); no BusinessUnit owns or operates one`,
			`team "martech-practice" owns the most marketing platforms (2 of 2); it is a PracticeCenter on the IT side (it has function IT)`},
	}, {
		name: "a marketing team with a dotted line to IT",
		objs: objs(corp, mkt, it, builders.MakeTeam("marketing-ops", ns).Parent("marketing").DottedLines("it").Obj(),
			mktPlatform("cdp").Owner("marketing-ops").Obj(), mktPlatform("dam").Category("DAM").Owner("marketing-ops").Obj()),
		want: inferred{orgv1.ModelCentralized, orgv1.MartechEmbedded, "marketing-ops",
			`central teams own all 2 platforms (none Foundational); no BusinessUnit owns or operates one`,
			`team "marketing-ops" owns the most marketing platforms (2 of 2); it has function Marketing and is not on the IT side`},
	}, {
		name: "an agency under marketing",
		objs: objs(corp, mkt, it, builders.MakeTeam("northwind", ns).Type("Agency").Parent("marketing").Obj(), builders.MakeTeam("marketing-ops", ns).Parent("marketing").Obj(),
			mktPlatform("ads").Category("Advertising").Owner("northwind").Obj(), mktPlatform("social").Category("Social").Owner("northwind").Obj(),
			mktPlatform("cdp").Owner("marketing-ops").Operators("northwind").Obj()),
		want: inferred{orgv1.ModelCentralized, orgv1.MartechOutsourcedMarketing, "northwind",
			`central teams own all 3 platforms (none Foundational); no BusinessUnit owns or operates one`,
			`team "northwind" owns the most marketing platforms (2 of 3); it is an Agency whose lines reach marketing ("marketing") but not IT`},
	}, {
		name: "a joint team with members from both departments",
		objs: objs(corp, mkt, it, builders.MakeTeam("martech-jv", ns).Function("Other").Parent("corp").Members(builders.Person("Ana", "it"), builders.Person("Bo", "marketing")).Obj(),
			mktPlatform("cdp").Owner("martech-jv").Obj(), mktPlatform("personalization").Category("Personalization").Owner("martech-jv").Obj()),
		want: inferred{orgv1.ModelCentralized, orgv1.MartechJointVenture, "martech-jv",
			`central teams own all 2 platforms (none Foundational); no BusinessUnit owns or operates one`,
			`team "martech-jv" owns the most marketing platforms (2 of 2); its members include "Ana" from IT-side team "it" and "Bo" from marketing-side team "marketing"`},
	}, {
		name: "an organization with nothing owned",
		objs: objs(corp, mkt, builders.MakeTeam("tiger", ns).Type("TigerTeam").ExpiresAt(now.Add(-time.Hour)).Obj(),
			mktPlatform("cdp").Obj(), mktPlatform("dam").Owner("gone").Obj(), mktPlatform("checkout").Owner("tiger").Operators("marketing").Obj()),
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
	retail := builders.MakeTeam("retail", ns).Type("BusinessUnit").Parent("corp").Obj()
	wholesale := builders.MakeTeam("wholesale", ns).Type("BusinessUnit").Parent("corp").Obj()
	coe := builders.MakeTeam("coe", ns).Type("CenterOfExcellence").Parent("corp").Obj()
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
		objs:   objs(builders.MakeTeam("tiger", ns).ExpiresAt(now).Obj(), builders.MakePlatform("crm", ns).Owner("tiger").Obj()),
		model:  orgv1.ModelUnknown,
		reason: "its one platform has no owner team that exists and has not expired",
	}, {
		name:   "Centralized: one business unit owns everything and operates it",
		objs:   objs(corp, retail, builders.MakeTeam("retail-mkt", ns).Parent("retail").Obj(), builders.MakePlatform("cdp", ns).Owner("retail").Obj(), builders.MakePlatform("crm", ns).Owner("retail-mkt").Operators("retail-mkt").Obj()),
		model:  orgv1.ModelCentralized,
		reason: `BusinessUnit "retail" owns all 2 platforms and operates 1; no other BusinessUnit operates one`,
	}, {
		name:   "Hybrid: one business unit owns everything, another operates",
		objs:   objs(corp, retail, wholesale, builders.MakePlatform("cdp", ns).Owner("retail").Operators("wholesale").Obj()),
		model:  orgv1.ModelHybrid,
		reason: `BusinessUnit "retail" owns the one platform; BusinessUnit "wholesale" operates 1`,
	}, {
		name:   "Hybrid: a business unit and a corporate department own",
		objs:   objs(corp, it, retail, builders.MakePlatform("cdp", ns).Owner("it").Obj(), builders.MakePlatform("crm", ns).Owner("retail").Obj()),
		model:  orgv1.ModelHybrid,
		reason: `central teams own 1 platform (none Foundational); BusinessUnit "retail" owns 1`,
	}, {
		name:   "Independent: two business units, the center owns Engagement platforms only",
		objs:   objs(corp, coe, retail, wholesale, builders.MakePlatform("crm", ns).Owner("retail").Obj(), builders.MakePlatform("dam", ns).Owner("wholesale").Obj(), builders.MakePlatform("cms", ns).Owner("coe").Obj()),
		model:  orgv1.ModelIndependent,
		reason: `CenterOfExcellence "coe" owns 1 platform (none Foundational); BusinessUnits "retail", "wholesale" own 2`,
	}, {
		name: "Hybrid: two business units, the center owns a Foundational platform",
		objs: objs(corp, coe, retail, wholesale, builders.MakePlatform("crm", ns).Owner("retail").Obj(), builders.MakePlatform("dam", ns).Owner("wholesale").Obj(),
			builders.MakePlatform("cdp", ns).Owner("coe").Tier(orgv1.TierFoundational).Obj()),
		model:  orgv1.ModelHybrid,
		reason: `CenterOfExcellence "coe" owns 1 platform (Foundational); BusinessUnits "retail", "wholesale" own 2`,
	}, {
		name: "an expired owner's platform does not count",
		objs: objs(corp, coe, retail, builders.MakeTeam("tiger", ns).Parent("retail").ExpiresAt(now.Add(-time.Minute)).Obj(),
			builders.MakePlatform("cdp", ns).Owner("coe").Obj(), builders.MakePlatform("checkout", ns).Owner("tiger").Obj()),
		model:  orgv1.ModelCentralized,
		reason: `CenterOfExcellence "coe" owns the one platform (none Foundational); no BusinessUnit owns or operates one`,
	}, {
		name: "the nearest business unit wins over a nearer center of excellence",
		objs: objs(corp, retail, wholesale, builders.MakeTeam("retail-coe", ns).Type("CenterOfExcellence").Parent("retail").Obj(),
			builders.MakeTeam("coe-squad", ns).Parent("retail-coe").Obj(), builders.MakePlatform("cdp", ns).Owner("coe-squad").Obj(), builders.MakePlatform("crm", ns).Owner("wholesale").Obj()),
		model:  orgv1.ModelIndependent,
		reason: `BusinessUnits "retail", "wholesale" own all 2 platforms`,
	}, {
		name: "nested business units are distinct, the nearest one is the unit",
		objs: objs(corp, retail, builders.MakeTeam("retail-emea", ns).Type("BusinessUnit").Parent("retail").Obj(),
			builders.MakePlatform("cdp", ns).Owner("retail").Obj(), builders.MakePlatform("crm", ns).Owner("retail-emea").Obj()),
		model:  orgv1.ModelIndependent,
		reason: `BusinessUnits "retail", "retail-emea" own all 2 platforms`,
	}, {
		name: "an owner on a cycle is placed without hanging",
		objs: objs(builders.MakeTeam("a", ns).Parent("b").Obj(), builders.MakeTeam("b", ns).Parent("a").Type("BusinessUnit").Obj(), builders.MakeTeam("c", ns).Type("BusinessUnit").Obj(),
			builders.MakePlatform("cdp", ns).Owner("a").Obj(), builders.MakePlatform("crm", ns).Owner("c").Obj()),
		model:  orgv1.ModelIndependent,
		reason: `BusinessUnits "b", "c" own all 2 platforms`,
	}, {
		name: "units in another namespace are named with it",
		objs: objs(builders.MakeTeam("group-coe", "corp").Type("CenterOfExcellence").Obj(), retail,
			builders.MakePlatform("cdp", ns).Owner("corp/group-coe").Obj(), builders.MakePlatform("crm", ns).Owner("retail").Obj()),
		model:  orgv1.ModelHybrid,
		reason: `CenterOfExcellence "corp/group-coe" owns 1 platform (none Foundational); BusinessUnit "retail" owns 1`,
	}, {
		name:   "an unowned platform's operators do not count",
		objs:   objs(corp, coe, retail, builders.MakePlatform("cdp", ns).Owner("coe").Obj(), builders.MakePlatform("crm", ns).Operators("retail").Obj()),
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
	o := objs(corp, builders.MakeTeam("coe", ns).Type("CenterOfExcellence").Parent("corp").Obj(), builders.MakeTeam("coe-ops", ns).Parent("coe").Obj())
	for i := range 5 {
		name := fmt.Sprintf("bu%d", i)
		o = append(o, builders.MakeTeam(name, ns).Type("BusinessUnit").Parent("corp").Obj(), builders.MakePlatform(name+"-crm", ns).Owner(name).Operators("coe-ops").Obj())
	}
	o = append(o, builders.MakePlatform("cdp", ns).Owner("coe").Tier(orgv1.TierFoundational).Operators("bu1", "bu3").Obj(), builders.MakePlatform("bu4-cms", ns).Owner("bu4").Obj(),
		builders.MakeTeam("agency", ns).Type("Agency").Obj())
	got, n := inferredOf(t, append(o, builders.MakePlatform("ads", ns).Owner("coe-ops").Operators("agency").Obj()))
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
	martech := func(t *builders.TeamWrapper) []metav1.Object {
		return objs(t.Obj(), mktPlatform(t.Name+"-cdp").Owner(t.Name).Obj())
	}
	cases := []struct {
		name string
		objs []metav1.Object
		want orgv1.MartechModel
		why  string
	}{
		{"an agency whose lines reach both sides", append(objs(corp, mkt, it), martech(builders.MakeTeam("agency", ns).Type("Agency").DottedLines("marketing", "it"))...),
			orgv1.MartechOutsourcedTriangle, `it is an Agency whose lines reach both marketing ("marketing") and IT ("it")`},
		{"an agency under IT", append(objs(corp, it), martech(builders.MakeTeam("agency", ns).Type("Agency").Parent("it"))...),
			orgv1.MartechOutsourcedIT, `it is an Agency whose lines reach IT ("it") but not marketing`},
		{"an agency with no lines, although marketing staff work in it", append(objs(mkt), martech(builders.MakeTeam("agency", ns).Type("Agency").Members(builders.Person("Ana", "marketing")))...),
			orgv1.MartechUnknown, `it is an Agency whose lines reach neither marketing nor IT`},
		{"direct report wins over practice center", append(objs(corp, mkt, builders.MakeTeam("it", ns).Function("IT").Parent("marketing").Obj()), martech(builders.MakeTeam("practice", ns).Type("PracticeCenter").Parent("it"))...),
			orgv1.MartechDirectReport, `it is on the IT side, and its IT team "it" reports up its solid line to Marketing team "marketing"`},
		{"a marketing-function team inside IT is a practice center", append(objs(corp, it, mkt), martech(builders.MakeTeam("mktg-tech", ns).Parent("it"))...),
			orgv1.MartechPracticeCenter, `it has function Marketing but reports up its solid line to IT team "it"`},
		{"practice center wins over joint venture", append(objs(corp, it, mkt), martech(builders.MakeTeam("practice", ns).Function("IT").Type("PracticeCenter").Parent("it").Members(builders.Person("Ana", "it"), builders.Person("Bo", "marketing")))...),
			orgv1.MartechPracticeCenter, `it is a PracticeCenter on the IT side (it has function IT)`},
		{"joint venture wins over co-located", append(objs(corp, it, mkt), martech(builders.MakeTeam("jv", ns).Function("IT").Parent("it").DottedLines("marketing").Members(builders.Person("Ana", "it"), builders.Person("Bo", "marketing")))...),
			orgv1.MartechJointVenture, `its members include "Ana" from IT-side team "it" and "Bo" from marketing-side team "marketing"`},
		{"independent: on neither side, lines to both", append(objs(corp, it, mkt), martech(builders.MakeTeam("martech", ns).Function("Other").Parent("corp").DottedLines("marketing", "it"))...),
			orgv1.MartechIndependent, `it is on neither side, and its lines reach both marketing ("marketing") and IT ("it")`},
		{"co-located: an IT team with a dotted line to marketing", append(objs(corp, it, mkt), martech(builders.MakeTeam("it-marketing", ns).Function("Data").Parent("it").DottedLines("marketing"))...),
			orgv1.MartechCoLocated, `it reports up its solid line to IT team "it" and has a dotted line to marketing-side team "marketing"`},
		{"traditional: IT runs it", append(objs(corp, it), martech(builders.MakeTeam("it-apps", ns).Function("IT").Parent("it"))...),
			orgv1.MartechTraditional, `it has function IT and has no dotted line to marketing`},
		{"embedded, with a dotted line to IT", append(objs(corp, mkt, it), martech(builders.MakeTeam("mops", ns).Parent("marketing").DottedLines("it"))...),
			orgv1.MartechEmbedded, `it has function Marketing and is not on the IT side`},
		{"unknown: on neither side, a line to one", append(objs(corp, it), martech(builders.MakeTeam("digital", ns).Function("Digital").Parent("corp").DottedLines("it"))...),
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
	cases := []struct {
		name string
		objs []metav1.Object
		want string
	}{
		{"most marketing platforms; CRM, Commerce and AIML are not marketing", objs(builders.MakeTeam("x", ns).Obj(), builders.MakeTeam("y", ns).Obj(),
			mktPlatform("p1").Owner("x").Obj(), builders.MakePlatform("p2", ns).Owner("y").Obj(), builders.MakePlatform("p3", ns).Category("Commerce").Owner("y").Obj(), builders.MakePlatform("p4", ns).Category("AIML").Owner("y").Obj()), "x"},
		{"ties go to the name that sorts first", objs(builders.MakeTeam("b", ns).Obj(), builders.MakeTeam("a", ns).Obj(), mktPlatform("p1").Owner("b").Obj(), mktPlatform("p2").Owner("a").Obj()), "a"},
		{"ties go to the namespace that sorts first", objs(builders.MakeTeam("a", ns).Obj(), builders.MakeTeam("z", "a-first").Obj(), mktPlatform("p1").Owner("a").Obj(),
			mktPlatform("p2").Owner("a-first/z").Obj()), "a-first/z"},
		{"an expired owner's platforms do not count", objs(builders.MakeTeam("a", ns).ExpiresAt(now).Obj(), builders.MakeTeam("b", ns).Obj(),
			mktPlatform("p1").Owner("a").Obj(), mktPlatform("p2").Owner("a").Obj(), mktPlatform("p3").Owner("b").Obj()), "b"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got, _ := inferredOf(t, tc.objs); got.MartechTeam != tc.want {
				t.Errorf("martech team %q, want %q", got.MartechTeam, tc.want)
			}
		})
	}
}
