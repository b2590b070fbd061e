package security

import (
	"slices"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/testing/builders"
	"github.com/orgplane/orgplane/internal/testing/testenv"
)

// watched are the namespaces that config/namespaced watches.
var watched = []string{"team-a", "team-b"}

// TestWatchNamespacesReadsNothingOutside installs the RBAC of
// config/namespaced, runs the manager as its ServiceAccount with the
// overlay's --watch-namespaces, and shows that it judges the watched
// namespaces (a reference outside them reported as such, naming the
// namespace, though the team exists there; a missing one inside them as not
// found), never judges or writes an object outside them, and is never
// refused a request.
func TestWatchNamespacesReadsNothingOutside(t *testing.T) {
	objs := rendered(t, "config/namespaced")
	for _, ns := range append(slices.Clone(watched), "orgplane-system") {
		env.Namespace(t, ns)
	}
	outside := env.Namespace(t, "outside-")
	for _, o := range objs {
		switch o.GetKind() {
		case "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding", "ServiceAccount":
			//nolint:staticcheck // client.Apply on unstructured is kubectl's server-side apply.
			if err := env.Client.Patch(t.Context(), o, client.Apply, client.FieldOwner("security-test"), client.ForceOwnership); err != nil {
				t.Fatalf("%s %s: %v", o.GetKind(), o.GetName(), err)
			}
		}
	}
	args := managerArgs(t, objs)
	if !slices.Contains(args, "--watch-namespaces="+strings.Join(watched, ",")) {
		t.Fatalf("the overlay's manager args %q do not watch %v", args, watched)
	}

	user, err := env.AddUser(envtest.User{
		Name:   "system:serviceaccount:orgplane-system:orgplane-controller-manager",
		Groups: []string{"system:serviceaccounts", "system:serviceaccounts:orgplane-system"},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	env.Create(t,
		builders.MakeTeam("spy", watched[0]).Parent(outside+"/secret-team").Obj(),
		builders.MakeTeam("plain", watched[1]).Obj(),
		builders.MakeTeam("orphan", watched[1]).Parent(watched[0]+"/gone").Obj(),
		builders.MakeTeam("secret-team", outside).Obj(),
		builders.MakePlatform("unowned", outside).Category("CDP").Owner("nobody").Obj(),
	)
	m := env.NewManager(t, testenv.WithConfig(user.Config()), testenv.WithWatchNamespaces(watched...))

	want := map[string]string{
		watched[0] + "/spy":    `team "spy": spec.parentRef: team "` + outside + `/secret-team" is in a namespace this controller does not watch (--watch-namespaces), so it cannot be resolved`,
		watched[1] + "/orphan": `team "orphan": spec.parentRef: team "` + watched[0] + `/gone" not found`,
		watched[1] + "/plain":  "",
	}
	deadline := time.Now().Add(60 * time.Second)
	for key, msg := range want {
		ns, name, _ := strings.Cut(key, "/")
		for {
			team := &orgv1.Team{}
			if err := env.Client.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: name}, team); err != nil {
				t.Fatal(err)
			}
			got := violations(team.Status.Violations)
			if team.Status.ObservedGeneration == team.Generation && got == msg {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("team %s: observedGeneration %d of %d, violations %q; want %q", key, team.Status.ObservedGeneration, team.Generation, got, msg)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}

	// Outside: nothing judged, nothing written.
	for _, kind := range []orgv1.Kind{orgv1.KindTeam, orgv1.KindPlatform} {
		u := &unstructured.UnstructuredList{}
		u.SetGroupVersionKind(orgv1.GroupVersion.WithKind(string(kind) + "List"))
		if err := env.Client.List(t.Context(), u, client.InNamespace(outside)); err != nil {
			t.Fatal(err)
		}
		for _, o := range u.Items {
			// The apiserver defaults status to {observedGeneration: 0}.
			if g, _, _ := unstructured.NestedInt64(o.Object, "status", "observedGeneration"); g != 0 || len(o.Object["status"].(map[string]any)) > 1 {
				t.Errorf("%s %s/%s outside the watched namespaces has a status: %v", kind, outside, o.GetName(), o.Object["status"])
			}
			for _, f := range o.GetManagedFields() {
				if f.Manager != "security-test" && !strings.HasPrefix(f.Manager, "security.test") {
					t.Errorf("%s %s/%s was written by %q", kind, outside, o.GetName(), f.Manager)
				}
			}
		}
	}
	for _, l := range m.Logs.Matching("forbidden") {
		t.Errorf("the manager was refused: %s", l)
	}
	// And the user could not have read outside had it tried: the RBAC is
	// what confines it, not only the flag.
	c, err := client.New(user.Config(), client.Options{Scheme: env.Scheme})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.List(t.Context(), &orgv1.TeamList{}, client.InNamespace(outside)); !apierrors.IsForbidden(err) {
		t.Errorf("the ServiceAccount listing teams in %s: %v, want Forbidden", outside, err)
	}
}

// managerArgs are the args of the rendered Deployment's manager container.
func managerArgs(t *testing.T, objs []*unstructured.Unstructured) []string {
	t.Helper()
	d := find(t, objs, "Deployment", "orgplane-controller-manager")
	containers, _, _ := unstructured.NestedSlice(d.Object, "spec", "template", "spec", "containers")
	args, _, _ := unstructured.NestedStringSlice(containers[0].(map[string]any), "args")
	return args
}

func violations(vs []orgv1.Violation) string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Message)
	}
	return strings.Join(out, "; ")
}
