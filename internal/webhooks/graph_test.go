package webhooks

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"sigs.k8s.io/controller-runtime/pkg/client"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/policy"
	"github.com/orgplane/orgplane/internal/testing/builders"
	"github.com/orgplane/orgplane/internal/testing/repo"
)

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// fixture is the samples in namespace "acme", plus objects of namespace
// "other" that reference them across namespaces (so that MatricesFor and
// PlatformsGovernedBy span namespaces).
func fixture(t testing.TB) []client.Object {
	t.Helper()
	scheme := runtime.NewScheme()
	if err := orgv1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	decode := serializer.NewCodecFactory(scheme).UniversalDeserializer().Decode
	files, err := filepath.Glob(repo.Path("config", "samples", "org_*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no samples: %v", err)
	}
	var objs []client.Object
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, doc := range bytes.Split(data, []byte("\n---\n")) {
			obj, _, err := decode(doc, nil, nil)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			o := obj.(client.Object)
			o.SetNamespace("acme")
			objs = append(objs, o)
		}
	}
	objs = append(objs,
		builders.MakeTeam("subsidiary", "other").Type("BusinessUnit").Obj(),
		builders.MakePlatform("local-cms", "other").Category("CMS").Owner("subsidiary").
			Committee("acme/digital-experience-steering").Obj(),
		builders.MakeResponsibilityMatrix("cdp-local-raci", "other").Platform("acme/customer-data-platform").Obj(),
	)
	return objs
}

func memory(t *testing.T, objs []client.Object) *policy.MemoryGraph {
	t.Helper()
	mo := make([]metav1.Object, len(objs))
	for i, o := range objs {
		mo[i] = o
	}
	g, err := policy.NewMemoryGraph(mo...)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// without returns objs without the one object of obj's type, namespace and name.
func without(objs []client.Object, obj client.Object) []client.Object {
	return slices.DeleteFunc(slices.Clone(objs), func(o client.Object) bool {
		return reflect.TypeOf(o) == reflect.TypeOf(obj) && o.GetNamespace() == obj.GetNamespace() && o.GetName() == obj.GetName()
	})
}

func kindOf(o client.Object) orgv1.Kind {
	return orgv1.Kind(reflect.TypeOf(o).Elem().Name())
}

// view is everything a Graph answers about the given objects and a few that
// do not exist, and everything the engine finds; lists of length 0 read nil.
func view(g policy.Graph, e *policy.Engine, objs []client.Object) map[string]any {
	out := map[string]any{}
	put := func(k string, v any) {
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice && rv.Len() == 0 {
			v = nil
		}
		out[k] = v
	}
	put("Namespaces", g.Namespaces())
	for _, ns := range []string{"acme", "other", "nowhere"} {
		put("Organizations/"+ns, g.Organizations(ns))
		put("Teams/"+ns, g.Teams(ns))
		put("Platforms/"+ns, g.Platforms(ns))
		put("SteeringCommittees/"+ns, g.SteeringCommittees(ns))
		put("ResponsibilityMatrices/"+ns, g.ResponsibilityMatrices(ns))
		put("GovernancePolicies/"+ns, g.GovernancePolicies(ns))
		put("EvaluateNamespace/"+ns, e.EvaluateNamespace(g, ns, now))
		for _, o := range append(slices.Clone(objs), builders.MakeTeam("ghost", "").Obj()) {
			n := o.GetName()
			put("Organization/"+ns+"/"+n, g.Organization(ns, n))
			put("Team/"+ns+"/"+n, g.Team(ns, n))
			put("Platform/"+ns+"/"+n, g.Platform(ns, n))
			put("SteeringCommittee/"+ns+"/"+n, g.SteeringCommittee(ns, n))
			put("ResponsibilityMatrix/"+ns+"/"+n, g.ResponsibilityMatrix(ns, n))
			put("MatricesFor/"+ns+"/"+n, g.MatricesFor(ns, n))
			put("PlatformsGovernedBy/"+ns+"/"+n, g.PlatformsGovernedBy(ns, n))
			put("PlatformsReferencing/"+ns+"/"+n, g.PlatformsReferencing(ns, n))
		}
	}
	for _, o := range objs {
		ref := policy.ObjectRef{Kind: kindOf(o), Namespace: o.GetNamespace(), Name: o.GetName()}
		put("EvaluateObject/"+ref.String(), e.EvaluateObject(g, ref, now))
	}
	return out
}

func diff(t *testing.T, what string, got, want map[string]any) {
	t.Helper()
	for k, w := range want {
		if !reflect.DeepEqual(got[k], w) {
			t.Errorf("%s: %s differs:\n got %+v\nwant %+v", what, k, got[k], w)
		}
	}
}

func newEngine(t testing.TB) *policy.Engine {
	t.Helper()
	e, err := policy.NewEngine(policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestOverlayCreate: a graph without an object, overlaid with it, answers
// everything as the graph with it does.
func TestOverlayCreate(t *testing.T) {
	objs := fixture(t)
	e := newEngine(t)
	want := view(memory(t, objs), e, objs)
	for _, o := range objs {
		got := view(withObject(memory(t, without(objs, o)), o), e, objs)
		diff(t, fmt.Sprintf("creating %s %s/%s", kindOf(o), o.GetNamespace(), o.GetName()), got, want)
	}
}

// changed returns a copy of o whose labels and references differ: new
// labels, and what each kind references moved or dropped.
func changed(o client.Object) client.Object {
	c := o.DeepCopyObject().(client.Object)
	c.SetLabels(map[string]string{"changed": "true"})
	switch c := c.(type) {
	case *orgv1.Team:
		c.Spec.ParentRef = &orgv1.TeamRef{Name: "subsidiary", Namespace: "other"}
		c.Spec.Function = orgv1.TeamFunction("Legal")
	case *orgv1.Platform:
		c.Spec.OwnerRef = nil
		if c.Spec.SteeringCommitteeRef == nil {
			c.Spec.SteeringCommitteeRef = &orgv1.SteeringCommitteeRef{Name: "digital-experience-steering", Namespace: "acme"}
		} else {
			c.Spec.SteeringCommitteeRef = nil
		}
	case *orgv1.ResponsibilityMatrix:
		if c.Spec.PlatformRef == nil {
			c.Spec.PlatformRef = &orgv1.PlatformRef{Name: "customer-data-platform", Namespace: "acme"}
		} else {
			c.Spec.PlatformRef = &orgv1.PlatformRef{Name: "local-cms", Namespace: "other"}
		}
	case *orgv1.SteeringCommittee:
		c.Spec.Members = c.Spec.Members[:len(c.Spec.Members)/2]
	case *orgv1.GovernancePolicy:
		c.Spec.Enforcement = orgv1.EnforcementEnforce
		c.Spec.Rules = c.Spec.Rules[1:]
	case *orgv1.Organization:
		c.Spec.Model = orgv1.OrganizationModel("Independent")
	}
	return c
}

// TestOverlayUpdate: a graph overlaid with a changed object answers
// everything as the graph holding the changed object instead does.
func TestOverlayUpdate(t *testing.T) {
	objs := fixture(t)
	e := newEngine(t)
	for _, o := range objs {
		c := changed(o)
		updated := append(without(objs, o), c)
		want := view(memory(t, updated), e, updated)
		got := view(withObject(memory(t, objs), c), e, updated)
		diff(t, fmt.Sprintf("updating %s %s/%s", kindOf(o), o.GetNamespace(), o.GetName()), got, want)
	}
}

// TestOverlayNewNamespace: the overlay adds the object's namespace.
func TestOverlayNewNamespace(t *testing.T) {
	objs := fixture(t)
	team := builders.MakeTeam("x", "b-new").Obj()
	got := withObject(memory(t, objs), team).Namespaces()
	if want := []string{"acme", "b-new", "other"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Namespaces() = %v, want %v", got, want)
	}
}
