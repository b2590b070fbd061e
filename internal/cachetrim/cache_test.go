package cachetrim_test

// An external test: package testenv's manager uses cachetrim.

import (
	"context"
	"os"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/cachetrim"
	"github.com/orgplane/orgplane/internal/testing/repo"
	"github.com/orgplane/orgplane/internal/testing/testenv"
)

// TestCacheHoldsNoManagedFields applies a Team with kubectl's annotation
// through a real apiserver, which records managedFields, and reads it back
// from a cache with Options: neither is left, and the rest is.
func TestCacheHoldsNoManagedFields(t *testing.T) {
	if _, err := os.Stat(repo.Path("bin", "k8s", "kube-apiserver")); err != nil && os.Getenv("KUBEBUILDER_ASSETS") == "" {
		repo.NeedTool(t, "no kube-apiserver", "envtest")
	}
	env, err := testenv.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = env.Stop() }()
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	if err := orgv1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := client.New(env.Config, client.Options{Scheme: scheme})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "trim"}}); err != nil {
		t.Fatal(err)
	}
	team := &orgv1.Team{
		ObjectMeta: metav1.ObjectMeta{Name: "data", Namespace: "trim", Labels: map[string]string{"tier": "gold"},
			Annotations: map[string]string{cachetrim.LastApplied: `{"kind":"Team"}`, "owner": "ana"}},
		Spec: orgv1.TeamSpec{Function: "Data", Type: "Department"},
	}
	if err := c.Create(ctx, team); err != nil {
		t.Fatal(err)
	}
	if len(team.ManagedFields) == 0 {
		t.Fatal("the apiserver recorded no managedFields: the test proves nothing")
	}
	opts := cachetrim.Options()
	opts.Scheme = scheme
	informers, err := cache.New(env.Config, opts)
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = informers.Start(ctx) }()
	if !informers.WaitForCacheSync(ctx) {
		t.Fatal("cache did not sync")
	}
	var cached orgv1.Team
	for {
		err := informers.Get(ctx, client.ObjectKeyFromObject(team), &cached)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if cached.ManagedFields != nil {
		t.Errorf("cached Team holds managedFields: %v", cached.ManagedFields)
	}
	if _, found := cached.Annotations[cachetrim.LastApplied]; found || cached.Annotations["owner"] != "ana" {
		t.Errorf("cached annotations: %v", cached.Annotations)
	}
	if cached.Labels["tier"] != "gold" || cached.Spec.Function != "Data" || cached.ResourceVersion == "" {
		t.Errorf("cached Team lost what the rules read: %+v", cached)
	}
}
