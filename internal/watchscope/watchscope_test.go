package watchscope

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/testing/builders"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
		err  bool
	}{
		{in: "", want: nil},
		{in: " , ", want: nil},
		{in: "team-b, team-a,team-b", want: []string{"team-a", "team-b"}},
		{in: "Team-A", err: true},
		{in: "a/b", err: true},
	} {
		got, err := Parse(tc.in)
		if (err != nil) != tc.err {
			t.Errorf("Parse(%q) error %v, want error %v", tc.in, err, tc.err)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("Parse(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}

func TestOptions(t *testing.T) {
	opts, newClient := Options(cache.Options{}, nil)
	if opts.DefaultNamespaces != nil || newClient != nil {
		t.Errorf("without namespaces, Options scoped something: %v", opts.DefaultNamespaces)
	}
	opts, newClient = Options(cache.Options{}, []string{"a", "b"})
	if got := slices.Sorted(func(yield func(string) bool) {
		for ns := range opts.DefaultNamespaces {
			if !yield(ns) {
				return
			}
		}
	}); !slices.Equal(got, []string{"a", "b"}) || newClient == nil {
		t.Errorf("the cache watches %v, want [a b], and a client", got)
	}
}

// TestClient: reads inside the namespaces reach the client; outside, a
// Get is not found and a List is empty, even where objects exist.
func TestClient(t *testing.T) {
	scheme := runtime.NewScheme()
	if err := orgv1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	c := Client(fake.NewClientBuilder().WithScheme(scheme).WithObjects(
		builders.MakeTeam("in", "watched").Obj(), builders.MakeTeam("out", "other").Obj(),
	).Build(), []string{"watched"})
	if err := c.Get(t.Context(), client.ObjectKey{Namespace: "watched", Name: "in"}, &orgv1.Team{}); err != nil {
		t.Errorf("get inside: %v", err)
	}
	if err := c.Get(t.Context(), client.ObjectKey{Namespace: "other", Name: "out"}, &orgv1.Team{}); !apierrors.IsNotFound(err) {
		t.Errorf("get outside: %v, want not found", err)
	}
	if r := Reader(c, nil); r != c {
		t.Errorf("Reader without namespaces wraps its reader")
	}
	if err := Reader(c, []string{"elsewhere"}).Get(t.Context(), client.ObjectKey{Namespace: "watched", Name: "in"}, &orgv1.Team{}); !apierrors.IsNotFound(err) {
		t.Errorf("Reader: get outside its namespaces: %v, want not found", err)
	}
	for ns, want := range map[string]int{"watched": 1, "other": 0} {
		var l orgv1.TeamList
		if err := c.List(t.Context(), &l, client.InNamespace(ns)); err != nil || len(l.Items) != want {
			t.Errorf("list in %s: %d items, %v; want %d", ns, len(l.Items), err, want)
		}
	}
}

// TestWatches: a Client or Reader of this package watches its namespaces
// and cluster-scoped reads; any other reader watches everything.
func TestWatches(t *testing.T) {
	plain := fake.NewClientBuilder().Build()
	for _, tc := range []struct {
		name string
		r    client.Reader
		ns   string
		want bool
	}{
		{"client inside", Client(plain, []string{"a", "b"}), "b", true},
		{"client outside", Client(plain, []string{"a", "b"}), "c", false},
		{"client cluster-scoped", Client(plain, []string{"a"}), "", true},
		{"reader inside", Reader(plain, []string{"a"}), "a", true},
		{"reader outside", Reader(plain, []string{"a"}), "c", false},
		{"reader without namespaces", Reader(plain, nil), "c", true},
		{"another reader", plain, "c", true},
	} {
		if got := Watches(tc.r, tc.ns); got != tc.want {
			t.Errorf("%s: Watches(%q) = %v, want %v", tc.name, tc.ns, got, tc.want)
		}
	}
}
