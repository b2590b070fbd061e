package policy

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/testing/builders"
)

func TestNewMemoryGraphRejects(t *testing.T) {
	cases := []struct {
		name string
		objs []metav1.Object
		want string
	}{
		{"unsupported type", objs(&metav1.ObjectMeta{Name: "x"}), "object 0: unsupported type *v1.ObjectMeta"},
		{"nil interface", []metav1.Object{nil}, "object 0: unsupported type <nil>"},
		{"nil pointer", objs(builders.MakeTeam("a", ns).Obj(), (*orgv1.Platform)(nil)), "object 1: nil Platform"},
		{"duplicate", objs(builders.MakeTeam("a", ns).Obj(), builders.MakePlatform("a", ns).Obj(), builders.MakeTeam("a", ns).Obj()), "object 2: duplicate Team/acme/a"},
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
	a := builders.MakeTeam("a", ns).Obj()
	g := graph(t,
		builders.MakePlatform("z", ns).Committee("steer").Obj(), builders.MakePlatform("y", ns).Committee("steer").Obj(), a,
		builders.MakePlatform("x", "b-ns").Committee(ns+"/steer").Obj(),
		builders.MakeResponsibilityMatrix("m2", ns).Platform("y").Obj(), builders.MakeResponsibilityMatrix("m1", ns).Platform("y").Obj(),
		builders.MakeGovernancePolicy("gov", ns).Obj(),
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
