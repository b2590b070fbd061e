package controllers_test

import (
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/testing/builders"
)

// TestTransitionFallsDueWithoutAnyChange: a planned transition turns
// overdue at its deadline, by the controller's one requeue, with no change
// to any object; the structure then showing the target completes it. Each
// phase is announced once.
func TestTransitionFallsDueWithoutAnyChange(t *testing.T) {
	g := NewWithT(t)
	ns := env.Namespace(t, "test-")
	by := metav1.NewTime(time.Now().Add(4 * time.Second).Truncate(time.Second))
	organization := builders.MakeOrganization("acme", ns).Model(orgv1.ModelCentralized).Martech(orgv1.MartechEmbedded).
		Transition(orgv1.ModelHybrid, "", by.Time, "the regions take over campaign execution").Obj()
	coe := builders.MakeTeam("moc", ns).Function("Marketing").Type("CenterOfExcellence").Obj()
	cdp := builders.MakePlatform("cdp", ns).Category("CDP").Owner("moc").Tier(orgv1.TierFoundational).Obj()
	env.Create(t, organization, coe, builders.MakeTeam("emea", ns).Function("Marketing").Type("BusinessUnit").Obj(), cdp,
		builders.MakeGovernancePolicy("baseline", ns).Enforcement(orgv1.EnforcementAudit).Rules(
			builders.MakeRule("model", orgv1.RuleOrganizationModel).Obj(),
			builders.MakeRule("martech", orgv1.RuleMartechModel).Obj()).Obj())

	const centralized = `CenterOfExcellence "moc" owns the one platform (Foundational); no BusinessUnit owns or operates one`
	g.Eventually(func(g Gomega) {
		g.Expect(messages(g, organization)).To(BeEmpty())
		st := organization.Status
		g.Expect(st.Transition).To(Equal(&orgv1.TransitionStatus{Phase: orgv1.TransitionPlanned, By: by}))
		g.Expect(st.InferredModel).To(Equal(orgv1.ModelCentralized))
		g.Expect(st.ModelReason).To(Equal(centralized))
		g.Expect(st.ModelEvidence).To(Equal([]orgv1.ModelEvidence{{Unit: "moc", UnitType: orgv1.UnitCenterOfExcellence, Owns: 1, OwnsFoundational: 1}}))
		g.Expect(st.InferredMartechModel).To(Equal(orgv1.MartechEmbedded))
		g.Expect(st.MartechTeam).To(Equal("moc"))
	}, eventually).Should(Succeed())
	g.Expect(time.Now()).To(BeTemporally("<", by.Time), "the test ran too slowly to see the planned phase")
	generation := organization.Generation

	g.Eventually(func(g Gomega) {
		g.Expect(messages(g, organization)).To(ConsistOf(`baseline/model: organization "acme": spec.transition: the move to "Hybrid" was due by ` +
			by.UTC().Format(time.RFC3339) + `, but the structure shows "Centralized": ` + centralized))
		g.Expect(organization.Status.Transition.Phase).To(Equal(orgv1.TransitionOverdue))
	}, eventually, 50*time.Millisecond).Should(Succeed())
	g.Expect(time.Now()).To(BeTemporally(">=", by.Time))
	g.Expect(organization.Generation).To(Equal(generation), "nothing changed the organization's spec")

	// The business unit runs the CDP locally: the structure shows Hybrid.
	update(g, cdp, func() { cdp.Spec.OperatorRefs = []orgv1.TeamRef{{Name: "emea"}} })
	g.Eventually(func(g Gomega) {
		g.Expect(messages(g, organization)).To(BeEmpty())
		g.Expect(organization.Status.Transition.Phase).To(Equal(orgv1.TransitionCompleted))
		g.Expect(organization.Status.ModelReason).To(Equal(`CenterOfExcellence "moc" owns the one platform (Foundational); BusinessUnit "emea" operates 1`))
	}, eventually).Should(Succeed())
	g.Eventually(func(g Gomega) {
		var events corev1.EventList
		g.Expect(env.Client.List(ctx, &events, client.InNamespace(ns))).To(Succeed())
		for _, reason := range []string{orgv1.ReasonTransitionPlanned, orgv1.ReasonTransitionOverdue, orgv1.ReasonTransitionCompleted} {
			g.Expect(eventsFor(events, "acme", reason)).To(Equal(1), reason)
		}
	}, eventually).Should(Succeed())

	// Removing the transition clears its status, and the declared model is
	// judged alone again.
	update(g, organization, func() { organization.Spec.Transition = nil })
	g.Eventually(func(g Gomega) {
		g.Expect(messages(g, organization)).To(ConsistOf(`baseline/model: organization "acme": spec.model: declared "Centralized" but platform ownership shows "Hybrid": ` +
			`CenterOfExcellence "moc" owns the one platform (Foundational); BusinessUnit "emea" operates 1`))
		g.Expect(organization.Status.Transition).To(BeNil())
	}, eventually).Should(Succeed())
}
