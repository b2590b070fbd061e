package policy

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/testing/builders"
)

func TestInferModel(t *testing.T) {
	coe := builders.MakeTeam("coe", ns).Type("CenterOfExcellence").Parent("corp").Obj()
	corp := builders.MakeTeam("corp", ns).Function("Executive").Obj()
	retail := builders.MakeTeam("retail", ns).Type("BusinessUnit").Parent("corp").Obj()
	retailMkt := builders.MakeTeam("retail-mkt", ns).Parent("retail").Obj()
	wholesale := builders.MakeTeam("wholesale", ns).Type("BusinessUnit").Parent("corp").Obj()
	it := builders.MakeTeam("it", ns).Function("IT").Parent("corp").Obj()
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
		objs: objs(retail, builders.MakePlatform("a", ns).Obj(), builders.MakePlatform("b", ns).Owner("gone").Operators("retail").Obj()),
		want: orgv1.ModelUnknown,
	}, {
		name: "Centralized: a CoE and teams below it own everything",
		objs: objs(corp, coe, builders.MakeTeam("coe-ops", ns).Parent("coe").Obj(), builders.MakePlatform("cdp", ns).Owner("coe").Obj(), builders.MakePlatform("crm", ns).Owner("coe-ops").Obj()),
		want: orgv1.ModelCentralized,
	}, {
		name: "Centralized: one team's subtree, no types",
		objs: objs(corp, it, builders.MakeTeam("mkt", ns).Parent("corp").Obj(), builders.MakePlatform("cdp", ns).Owner("it").Obj(), builders.MakePlatform("crm", ns).Owner("mkt").Obj()),
		want: orgv1.ModelCentralized,
	}, {
		name: "Centralized: one business unit owns everything",
		objs: objs(corp, retail, retailMkt, builders.MakePlatform("cdp", ns).Owner("retail").Obj(), builders.MakePlatform("crm", ns).Owner("retail-mkt").Obj()),
		want: orgv1.ModelCentralized,
	}, {
		name: "Centralized: a corporate department owns, business units only operate",
		objs: objs(corp, it, retail, builders.MakePlatform("cdp", ns).Owner("it").Operators("retail").Obj()),
		want: orgv1.ModelCentralized,
	}, {
		name: "Independent: two business units own",
		objs: objs(corp, retail, retailMkt, wholesale, builders.MakePlatform("cdp", ns).Owner("retail-mkt").Obj(), builders.MakePlatform("crm", ns).Owner("wholesale").Obj()),
		want: orgv1.ModelIndependent,
	}, {
		name: "Independent: two business units and a corporate department own",
		objs: objs(corp, it, retail, wholesale, builders.MakePlatform("cdp", ns).Owner("retail").Obj(), builders.MakePlatform("crm", ns).Owner("wholesale").Obj(), builders.MakePlatform("dw", ns).Owner("it").Obj()),
		want: orgv1.ModelIndependent,
	}, {
		name: "Hybrid: a CoE owns some, a business unit owns others",
		objs: objs(corp, coe, retail, retailMkt, builders.MakePlatform("cdp", ns).Owner("coe").Obj(), builders.MakePlatform("crm", ns).Owner("retail-mkt").Obj()),
		want: orgv1.ModelHybrid,
	}, {
		name: "Hybrid: a CoE owns everything, a business unit operates",
		objs: objs(corp, coe, retail, retailMkt, builders.MakePlatform("cdp", ns).Owner("coe").Operators("retail-mkt").Obj()),
		want: orgv1.ModelHybrid,
	}, {
		name: "Hybrid: a CoE and two business units own",
		objs: objs(corp, coe, retail, wholesale, builders.MakePlatform("cdp", ns).Owner("coe").Obj(), builders.MakePlatform("crm", ns).Owner("retail").Obj(), builders.MakePlatform("dam", ns).Owner("wholesale").Obj()),
		want: orgv1.ModelHybrid,
	}, {
		name: "Hybrid: one business unit and a corporate department own",
		objs: objs(corp, it, retail, builders.MakePlatform("cdp", ns).Owner("it").Obj(), builders.MakePlatform("crm", ns).Owner("retail").Obj()),
		want: orgv1.ModelHybrid,
	}, {
		name: "the nearest typed team wins: a CoE inside a business unit is a CoE",
		objs: objs(corp, retail, builders.MakeTeam("retail-coe", ns).Type("CenterOfExcellence").Parent("retail").Obj(), wholesale,
			builders.MakePlatform("cdp", ns).Owner("retail-coe").Obj(), builders.MakePlatform("crm", ns).Owner("wholesale").Obj()),
		want: orgv1.ModelHybrid,
	}, {
		name: "nested business units are distinct",
		objs: objs(corp, retail, builders.MakeTeam("retail-emea", ns).Type("BusinessUnit").Parent("retail").Obj(),
			builders.MakePlatform("cdp", ns).Owner("retail").Obj(), builders.MakePlatform("crm", ns).Owner("retail-emea").Obj()),
		want: orgv1.ModelIndependent,
	}, {
		name: "an owner on a cycle is classified without hanging",
		objs: objs(builders.MakeTeam("a", ns).Parent("b").Obj(), builders.MakeTeam("b", ns).Parent("a").Type("BusinessUnit").Obj(), builders.MakeTeam("c", ns).Type("BusinessUnit").Obj(),
			builders.MakePlatform("cdp", ns).Owner("a").Obj(), builders.MakePlatform("crm", ns).Owner("c").Obj()),
		want: orgv1.ModelIndependent,
	}, {
		name: "owners in another namespace count",
		objs: objs(builders.MakeTeam("coe", "corp").Type("CenterOfExcellence").Obj(), retail,
			builders.MakePlatform("cdp", ns).Owner("corp/coe").Obj(), builders.MakePlatform("crm", ns).Owner("retail").Obj()),
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
