package policy

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

func TestInferModel(t *testing.T) {
	coe := team("coe", withType("CenterOfExcellence"), withParent("corp"))
	corp := team("corp", withFunction("Executive"))
	retail := team("retail", withType("BusinessUnit"), withParent("corp"))
	retailMkt := team("retail-mkt", withParent("retail"))
	wholesale := team("wholesale", withType("BusinessUnit"), withParent("corp"))
	it := team("it", withFunction("IT"), withParent("corp"))
	cases := []struct {
		name string
		objs []metav1.Object
		want orgv1.OrganizationModel
	}{{
		name: "no platform",
		objs: objs(corp),
		want: orgv1.ModelUnknown,
	}, {
		name: "no platform owned: unowned and dangling owners",
		objs: objs(retail, platform("a"), platform("b", ownedBy("gone"), operatedBy("retail"))),
		want: orgv1.ModelUnknown,
	}, {
		name: "Centralized: a CoE and teams below it own everything",
		objs: objs(corp, coe, team("coe-ops", withParent("coe")), platform("cdp", ownedBy("coe")), platform("crm", ownedBy("coe-ops"))),
		want: orgv1.ModelCentralized,
	}, {
		name: "Centralized: one team's subtree, no types",
		objs: objs(corp, it, team("mkt", withParent("corp")), platform("cdp", ownedBy("it")), platform("crm", ownedBy("mkt"))),
		want: orgv1.ModelCentralized,
	}, {
		name: "Centralized: one business unit owns everything",
		objs: objs(corp, retail, retailMkt, platform("cdp", ownedBy("retail")), platform("crm", ownedBy("retail-mkt"))),
		want: orgv1.ModelCentralized,
	}, {
		name: "Centralized: a corporate department owns, business units only operate",
		objs: objs(corp, it, retail, platform("cdp", ownedBy("it"), operatedBy("retail"))),
		want: orgv1.ModelCentralized,
	}, {
		name: "Independent: two business units own",
		objs: objs(corp, retail, retailMkt, wholesale, platform("cdp", ownedBy("retail-mkt")), platform("crm", ownedBy("wholesale"))),
		want: orgv1.ModelIndependent,
	}, {
		name: "Independent: two business units and a corporate department own",
		objs: objs(corp, it, retail, wholesale, platform("cdp", ownedBy("retail")), platform("crm", ownedBy("wholesale")), platform("dw", ownedBy("it"))),
		want: orgv1.ModelIndependent,
	}, {
		name: "Hybrid: a CoE owns some, a business unit owns others",
		objs: objs(corp, coe, retail, retailMkt, platform("cdp", ownedBy("coe")), platform("crm", ownedBy("retail-mkt"))),
		want: orgv1.ModelHybrid,
	}, {
		name: "Hybrid: a CoE owns everything, a business unit operates",
		objs: objs(corp, coe, retail, retailMkt, platform("cdp", ownedBy("coe"), operatedBy("retail-mkt"))),
		want: orgv1.ModelHybrid,
	}, {
		name: "Hybrid: a CoE and two business units own",
		objs: objs(corp, coe, retail, wholesale, platform("cdp", ownedBy("coe")), platform("crm", ownedBy("retail")), platform("dam", ownedBy("wholesale"))),
		want: orgv1.ModelHybrid,
	}, {
		name: "Hybrid: one business unit and a corporate department own",
		objs: objs(corp, it, retail, platform("cdp", ownedBy("it")), platform("crm", ownedBy("retail"))),
		want: orgv1.ModelHybrid,
	}, {
		name: "the nearest typed team wins: a CoE inside a business unit is a CoE",
		objs: objs(corp, retail, team("retail-coe", withType("CenterOfExcellence"), withParent("retail")), wholesale,
			platform("cdp", ownedBy("retail-coe")), platform("crm", ownedBy("wholesale"))),
		want: orgv1.ModelHybrid,
	}, {
		name: "nested business units are distinct",
		objs: objs(corp, retail, team("retail-emea", withType("BusinessUnit"), withParent("retail")),
			platform("cdp", ownedBy("retail")), platform("crm", ownedBy("retail-emea"))),
		want: orgv1.ModelIndependent,
	}, {
		name: "an owner on a cycle is classified without hanging",
		objs: objs(team("a", withParent("b")), team("b", withParent("a"), withType("BusinessUnit")), team("c", withType("BusinessUnit")),
			platform("cdp", ownedBy("a")), platform("crm", ownedBy("c"))),
		want: orgv1.ModelIndependent,
	}, {
		name: "owners in another namespace count",
		objs: objs(team("coe", inNS[*orgv1.Team]("corp"), withType("CenterOfExcellence")), retail,
			platform("cdp", ownedByRef(orgv1.TeamRef{Name: "coe", Namespace: "corp"})), platform("crm", ownedBy("retail"))),
		want: orgv1.ModelHybrid,
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := InferModel(graph(t, tc.objs...), ns); got != tc.want {
				t.Errorf("InferModel = %s, want %s", got, tc.want)
			}
		})
	}
}
