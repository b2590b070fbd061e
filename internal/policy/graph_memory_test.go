package policy

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

func TestNewMemoryGraphRejects(t *testing.T) {
	cases := []struct {
		name string
		objs []metav1.Object
		want string
	}{
		{"unsupported type", objs(&metav1.ObjectMeta{Name: "x"}), "object 0: unsupported type *v1.ObjectMeta"},
		{"nil interface", []metav1.Object{nil}, "object 0: unsupported type <nil>"},
		{"nil pointer", objs(team("a"), (*orgv1.Platform)(nil)), "object 1: nil Platform"},
		{"duplicate", objs(team("a"), platform("a"), team("a")), "object 2: duplicate Team/acme/a"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewMemoryGraph(tc.objs...)
			if err == nil || err.Error() != tc.want {
				t.Errorf("error = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestMemoryGraph(t *testing.T) {
	names := func(l []*orgv1.Platform) []string {
		var out []string
		for _, p := range l {
			out = append(out, p.Namespace+"/"+p.Name)
		}
		return out
	}
	elsewhere := inNS[*orgv1.Platform]("b-ns")
	a := team("a")
	g := graph(t,
		platform("z", governedBy("steer")), platform("y", governedBy("steer")), a,
		platform("x", elsewhere, func(p *orgv1.Platform) {
			p.Spec.SteeringCommitteeRef = &orgv1.SteeringCommitteeRef{Name: "steer", Namespace: ns}
		}),
		matrix("m2", "y"), matrix("m1", "y"), policy("gov"),
	)
	a.Spec.Function = "IT" // the graph holds a copy
	if diff := cmp.Diff([]string{"acme", "b-ns"}, g.Namespaces()); diff != "" {
		t.Errorf("Namespaces (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"acme/y", "acme/z"}, names(g.Platforms(ns))); diff != "" {
		t.Errorf("Platforms (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"acme/y", "acme/z", "b-ns/x"}, names(g.PlatformsGovernedBy(ns, "steer"))); diff != "" {
		t.Errorf("PlatformsGovernedBy (-want +got):\n%s", diff)
	}
	if got := g.MatricesFor(ns, "y"); len(got) != 2 || got[0].Name != "m1" || got[1].Name != "m2" {
		t.Errorf("MatricesFor = %v, want m1, m2", got)
	}
	if g.Team(ns, "a").Spec.Function != "Marketing" {
		t.Error("the graph shares the caller's object")
	}
	if g.Team("nowhere", "a") != nil || len(g.Teams("nowhere")) != 0 || g.MatricesFor(ns, "z") != nil {
		t.Error("lookups in an unknown namespace found something")
	}
}
