package controllers_test

import (
	"testing"

	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/testing/builders"
)

// reconciled waits until obj's status has observed its current generation
// and returns the Ready condition.
func reconciled(t *testing.T, obj orgv1.Object) *metav1.Condition {
	t.Helper()
	g := NewWithT(t)
	var ready *metav1.Condition
	g.Eventually(func(g Gomega) {
		g.Expect(env.Client.Get(ctx, client.ObjectKeyFromObject(obj), obj)).To(Succeed())
		g.Expect(obj.CommonStatus().ObservedGeneration).To(Equal(obj.GetGeneration()))
		ready = meta.FindStatusCondition(obj.CommonStatus().Conditions, orgv1.ConditionReady)
		g.Expect(ready).NotTo(BeNil())
	}, eventually).Should(Succeed())
	return ready
}

func TestEveryKindIsReconciledToObservedGenerationAndReady(t *testing.T) {
	ns := env.Namespace(t, "test-")
	objects := builders.EveryKind(ns)
	for _, obj := range objects {
		env.Create(t, obj)
	}
	for _, obj := range objects {
		ready := reconciled(t, obj)
		if ready.Status != metav1.ConditionTrue {
			t.Errorf("%T %s: Ready is %s (%s), want True", obj, obj.GetName(), ready.Status, ready.Message)
		}
		if ready.ObservedGeneration != obj.GetGeneration() {
			t.Errorf("%T %s: Ready observed generation %d, want %d", obj, obj.GetName(), ready.ObservedGeneration, obj.GetGeneration())
		}
	}
}

func TestSpecChangeIsObservedWithoutMovingReadyTransition(t *testing.T) {
	ns := env.Namespace(t, "test-")
	team := builders.MakeTeam("data", ns).Function("Data").Obj()
	env.Create(t, team)
	first := reconciled(t, team)

	team.Spec.DisplayName = "Équipe Données"
	if err := env.Client.Update(ctx, team); err != nil {
		t.Fatal(err)
	}
	if team.Generation != 2 {
		t.Fatalf("generation %d after a spec change, want 2", team.Generation)
	}
	second := reconciled(t, team)
	if !second.LastTransitionTime.Equal(&first.LastTransitionTime) {
		t.Errorf("Ready's lastTransitionTime moved from %v to %v although its status stayed %s",
			first.LastTransitionTime, second.LastTransitionTime, second.Status)
	}
	if second.ObservedGeneration != 2 {
		t.Errorf("Ready observed generation %d, want 2", second.ObservedGeneration)
	}
}

// The echo of the controller's own status write reaches no reconciler
// (echoes); another writer's status update does, and the controller puts
// its own verdict back.
func TestAnotherWritersStatusIsMended(t *testing.T) {
	g := NewWithT(t)
	ns := env.Namespace(t, "test-")
	platform := builders.MakePlatform("crm", ns).Owner("ghost").Obj() // a dangling owner: a violation
	env.Create(t, platform)
	reconciled(t, platform)
	g.Expect(env.Client.Get(ctx, client.ObjectKeyFromObject(platform), platform)).To(Succeed())
	want := platform.Status.DeepCopy()
	g.Expect(want.ViolationCount).To(BeNumerically(">", 0))

	platform.Status.Violations, platform.Status.ViolationCount = nil, 0
	meta.SetStatusCondition(&platform.Status.Conditions, metav1.Condition{Type: orgv1.ConditionCompliant,
		Status: metav1.ConditionTrue, Reason: orgv1.ReasonNoViolations, Message: "someone else says so"})
	g.Expect(env.Client.Status().Update(ctx, platform)).To(Succeed())

	g.Eventually(func(g Gomega) {
		got := &orgv1.Platform{}
		g.Expect(env.Client.Get(ctx, client.ObjectKeyFromObject(platform), got)).To(Succeed())
		g.Expect(got.Status.Violations).To(Equal(want.Violations))
		g.Expect(condition(got, orgv1.ConditionCompliant)).To(Equal(metav1.ConditionFalse))
	}, eventually).Should(Succeed())
}
