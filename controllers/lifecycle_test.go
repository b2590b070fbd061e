package controllers

import (
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

func newNamespace(t *testing.T) string {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "test-"}}
	if err := k8s.Create(ctx, ns); err != nil {
		t.Fatal(err)
	}
	return ns.Name
}

// reconciled waits until obj's status has observed its current generation
// and returns the Ready condition.
func reconciled(t *testing.T, obj orgv1.Object) *metav1.Condition {
	t.Helper()
	g := NewWithT(t)
	var ready *metav1.Condition
	g.Eventually(func(g Gomega) {
		g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(obj), obj)).To(Succeed())
		g.Expect(obj.CommonStatus().ObservedGeneration).To(Equal(obj.GetGeneration()))
		ready = meta.FindStatusCondition(obj.CommonStatus().Conditions, orgv1.ConditionReady)
		g.Expect(ready).NotTo(BeNil())
	}, eventually).Should(Succeed())
	return ready
}

func TestEveryKindIsReconciledToObservedGenerationAndReady(t *testing.T) {
	ns := newNamespace(t)
	meta := func(name string) metav1.ObjectMeta { return metav1.ObjectMeta{Name: name, Namespace: ns} }
	objects := []orgv1.Object{
		&orgv1.Organization{ObjectMeta: meta("acme"), Spec: orgv1.OrganizationSpec{Model: orgv1.ModelHybrid}},
		&orgv1.Team{ObjectMeta: meta("it"), Spec: orgv1.TeamSpec{Function: "IT", Type: "Department"}},
		&orgv1.Platform{ObjectMeta: meta("cdp"), Spec: orgv1.PlatformSpec{Category: "CDP", OwnerRef: &orgv1.TeamRef{Name: "it"}}},
		&orgv1.SteeringCommittee{ObjectMeta: meta("steering"), Spec: orgv1.SteeringCommitteeSpec{
			Members: []orgv1.CommitteeMember{{TeamRef: orgv1.TeamRef{Name: "it"}}}}},
		&orgv1.ResponsibilityMatrix{ObjectMeta: meta("cdp-raci"), Spec: orgv1.ResponsibilityMatrixSpec{
			Activities: []orgv1.Activity{{Name: "Operate", Accountable: &orgv1.TeamRef{Name: "it"}}}}},
		&orgv1.GovernancePolicy{ObjectMeta: meta("baseline"), Spec: orgv1.GovernancePolicySpec{
			Rules: []orgv1.Rule{{Name: "owned", Type: orgv1.RulePlatformOwnership}}}},
	}
	for _, obj := range objects {
		if err := k8s.Create(ctx, obj); err != nil {
			t.Fatal(err)
		}
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
	ns := newNamespace(t)
	team := &orgv1.Team{ObjectMeta: metav1.ObjectMeta{Name: "data", Namespace: ns},
		Spec: orgv1.TeamSpec{Function: "Data", Type: "Department"}}
	if err := k8s.Create(ctx, team); err != nil {
		t.Fatal(err)
	}
	first := reconciled(t, team)

	team.Spec.DisplayName = "Équipe Données"
	if err := k8s.Update(ctx, team); err != nil {
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
