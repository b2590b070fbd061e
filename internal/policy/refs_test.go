package policy

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/testing/builders"
)

func TestReferences(t *testing.T) {
	other := func(kind orgv1.Kind, name string) ObjectRef {
		return ObjectRef{Kind: kind, Namespace: "corp", Name: name}
	}
	sc := builders.MakeSteeringCommittee("steer", ns).Representative("it", builders.Person("r", "corp/data")).Members("it").
		Chair(builders.Person("c", "exec")).Obj()
	cases := []struct {
		name string
		obj  metav1.Object
		want []ObjectRef
	}{{
		name: "organization",
		obj:  builders.MakeOrganization("acme", ns).Model("Hybrid").Executive("CMO", builders.Person("Ana", "mkt")).Executive("CIO", orgv1.Person{Name: "Bo"}).Obj(),
		want: []ObjectRef{teamRef("mkt")},
	}, {
		name: "team, de-duplicated in field order",
		obj: builders.MakeTeam("a", ns).Parent("corp/root").DottedLines("x", "y").
			Lead(builders.Person("l", "a")).Members(builders.Person("m", "x"), orgv1.Person{Name: "n"}).Obj(),
		want: []ObjectRef{other(orgv1.KindTeam, "root"), teamRef("x"), teamRef("y"), teamRef("a")},
	}, {
		name: "platform",
		obj: builders.MakePlatform("crm", ns).Owner("own").Operators("op1", "op2").RoadmapOwner(builders.Person("r", "road")).Committee("steer").
			PrivacyOwner(builders.Person("p", "legal")).Obj(),
		want: []ObjectRef{teamRef("own"), teamRef("op1"), teamRef("op2"), teamRef("road"), steerRef, teamRef("legal")},
	}, {
		name: "steering committee",
		obj:  sc,
		want: []ObjectRef{teamRef("exec"), teamRef("it"), other(orgv1.KindTeam, "data")},
	}, {
		name: "responsibility matrix",
		obj: builders.MakeResponsibilityMatrix("m", ns).Platform("crm").Activities(
			builders.MakeActivity("Run").Responsible("r").Accountable("a").Consulted("c").Informed("i", "r").Obj()).Obj(),
		want: []ObjectRef{platformRef("crm"), teamRef("r"), teamRef("a"), teamRef("c"), teamRef("i")},
	}, {
		name: "no references",
		obj:  builders.MakeTeam("a", ns).Obj(),
	}, {
		name: "a policy holds none",
		obj:  builders.MakeGovernancePolicy("gov", ns).Obj(),
	}, {
		name: "a nil pointer holds none",
		obj:  (*orgv1.Team)(nil),
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, References(tc.obj)); diff != "" {
				t.Errorf("References (-want +got):\n%s", diff)
			}
		})
	}
}

func TestIndexKey(t *testing.T) {
	r := ObjectRef{Kind: orgv1.KindTeam, Namespace: "acme", Name: "bi-team"}
	if got, want := r.String(), "Team/acme/bi-team"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got := IndexKey(orgv1.KindTeam, "acme", "bi-team"); got != r.String() {
		t.Errorf("IndexKey = %q, want %q", got, r.String())
	}
}
