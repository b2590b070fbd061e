package policy

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

func TestReferences(t *testing.T) {
	other := func(kind orgv1.Kind, name string) ObjectRef {
		return ObjectRef{Kind: kind, Namespace: "corp", Name: name}
	}
	sc := committee("steer", "it", "it")
	sc.Spec.Chair = &orgv1.Person{Name: "c", TeamRef: &orgv1.TeamRef{Name: "exec"}}
	sc.Spec.Members[0].Representative = &orgv1.Person{Name: "r", TeamRef: &orgv1.TeamRef{Name: "data", Namespace: "corp"}}
	cases := []struct {
		name string
		obj  metav1.Object
		want []ObjectRef
	}{{
		name: "organization",
		obj:  org("acme", "Hybrid", withExecutive("CMO", person("Ana", "mkt")), withExecutive("CIO", orgv1.Person{Name: "Bo"})),
		want: []ObjectRef{teamRef("mkt")},
	}, {
		name: "team, de-duplicated in field order",
		obj: team("a", withParentRef(orgv1.TeamRef{Name: "root", Namespace: "corp"}), withDottedLine("x", "y"),
			withLead(person("l", "a")), withMembers(person("m", "x"), orgv1.Person{Name: "n"})),
		want: []ObjectRef{other(orgv1.KindTeam, "root"), teamRef("x"), teamRef("y"), teamRef("a")},
	}, {
		name: "platform",
		obj: platform("crm", ownedBy("own"), operatedBy("op1", "op2"), withRoadmapOwner(person("r", "road")), governedBy("steer"),
			withPrivacyOwner(person("p", "legal"))),
		want: []ObjectRef{teamRef("own"), teamRef("op1"), teamRef("op2"), teamRef("road"), committeeRef("steer"), teamRef("legal")},
	}, {
		name: "steering committee",
		obj:  sc,
		want: []ObjectRef{teamRef("exec"), teamRef("it"), other(orgv1.KindTeam, "data")},
	}, {
		name: "responsibility matrix",
		obj: matrix("m", "crm", orgv1.Activity{Name: "Run", Responsible: []orgv1.TeamRef{ref("r")}, Accountable: &orgv1.TeamRef{Name: "a"},
			Consulted: []orgv1.TeamRef{ref("c")}, Informed: []orgv1.TeamRef{ref("i"), ref("r")}}),
		want: []ObjectRef{platformRef("crm"), teamRef("r"), teamRef("a"), teamRef("c"), teamRef("i")},
	}, {
		name: "no references",
		obj:  team("a"),
	}, {
		name: "a policy holds none",
		obj:  policy("gov"),
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
