package controllers_test

import (
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
	"sigs.k8s.io/controller-runtime/pkg/client"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/controllers"
	"github.com/orgplane/orgplane/internal/testing/builders"
)

// update re-reads obj, applies mutate to it and updates it, again on a
// conflict: the controllers write status concurrently.
func update(g Gomega, obj client.Object, mutate func()) {
	g.Expect(retry.RetryOnConflict(retry.DefaultRetry, func() error {
		if err := env.Client.Get(ctx, client.ObjectKeyFromObject(obj), obj); err != nil {
			return err
		}
		mutate()
		return env.Client.Update(ctx, obj)
	})).To(Succeed())
}

// messages reads obj and returns its violation messages once obj has
// observed its generation.
func messages(g Gomega, obj orgv1.Judged) []string {
	g.Expect(env.Client.Get(ctx, client.ObjectKeyFromObject(obj), obj)).To(Succeed())
	g.Expect(obj.CommonStatus().ObservedGeneration).To(Equal(obj.GetGeneration()))
	var out []string
	for _, v := range obj.Judgement().Violations {
		out = append(out, v.Policy+"/"+v.Rule+": "+v.Message)
	}
	return out
}

// owned is the rule that every platform has an owner team, of High
// severity.
func owned() orgv1.Rule {
	return builders.MakeRule("owned", orgv1.RulePlatformOwnership).Severity(orgv1.SeverityHigh).Obj()
}

func condition(obj orgv1.Object, t string) metav1.ConditionStatus {
	if c := meta.FindStatusCondition(obj.CommonStatus().Conditions, t); c != nil {
		return c.Status
	}
	return ""
}

func TestDanglingOwnerIsReportedAndMendedAcrossObjects(t *testing.T) {
	g := NewWithT(t)
	ns := env.Namespace(t, "test-")
	bi := builders.MakeTeam("bi-team", ns).Function("Analytics").Obj()
	analytics := builders.MakePlatform("analytics", ns).Owner("bi-team").Obj()
	reporting := builders.MakePlatform("reporting", ns).Owner("bi-team").Obj()
	env.Create(t, bi, analytics, reporting,
		builders.MakeGovernancePolicy("baseline", ns).Enforcement(orgv1.EnforcementEnforce).Rules(owned()).Obj())

	for _, p := range []*orgv1.Platform{analytics, reporting} {
		g.Eventually(func(g Gomega) { g.Expect(messages(g, p)).To(BeEmpty()) }, eventually).Should(Succeed())
		g.Expect(condition(p, orgv1.ConditionReady)).To(Equal(metav1.ConditionTrue))
	}

	// Deleting the team makes every platform it owned non-compliant.
	deleted := time.Now()
	g.Expect(env.Client.Delete(ctx, bi)).To(Succeed())
	for _, p := range []*orgv1.Platform{analytics, reporting} {
		g.Eventually(func(g Gomega) {
			g.Expect(messages(g, p)).To(ConsistOf(
				`baseline/owned: platform "`+p.Name+`": spec.ownerRef: owner team "bi-team" not found`,
				`builtin/integrity: platform "`+p.Name+`": spec.ownerRef: team "bi-team" not found`,
			))
		}, eventually, 20*time.Millisecond).Should(Succeed())
		g.Expect(condition(p, orgv1.ConditionCompliant)).To(Equal(metav1.ConditionFalse))
		g.Expect(condition(p, orgv1.ConditionReady)).To(Equal(metav1.ConditionFalse), "an Enforce violation makes the platform not Ready")
		g.Expect(p.Status.Violations[0].Severity).To(Equal(orgv1.SeverityHigh))
	}
	t.Logf("deletion propagated to both platforms in %v", time.Since(deleted))

	// Re-creating it mends them.
	recreated := time.Now()
	env.Create(t, builders.MakeTeam("bi-team", ns).Function("Analytics").Obj())
	for _, p := range []*orgv1.Platform{analytics, reporting} {
		g.Eventually(func(g Gomega) { g.Expect(messages(g, p)).To(BeEmpty()) }, eventually, 20*time.Millisecond).Should(Succeed())
		g.Expect(condition(p, orgv1.ConditionCompliant)).To(Equal(metav1.ConditionTrue))
		g.Expect(condition(p, orgv1.ConditionReady)).To(Equal(metav1.ConditionTrue))
	}
	t.Logf("re-creation propagated to both platforms in %v", time.Since(recreated))
}

func TestTeamChangePropagatesToPlatformsCommitteesMatricesAndChildren(t *testing.T) {
	g := NewWithT(t)
	ns := env.Namespace(t, "test-")
	legal := builders.MakeTeam("legal", ns).Function("Legal").Members(builders.Person("Élodie Martin", "")).Obj()
	cdp := builders.MakePlatform("cdp", ns).Owner("it").Data(orgv1.PlatformData{PersonalData: true, Jurisdictions: []string{"GDPR"}}).
		PrivacyOwner(builders.Person("Élodie Martin", "legal")).Obj()
	committee := builders.MakeSteeringCommittee("steering", ns).Members("it", "legal").Obj()
	child := builders.MakeTeam("privacy-office", ns).Function("Privacy").Parent("legal").Obj()
	env.Create(t, builders.MakeTeam("it", ns).Function("IT").Obj(), legal, cdp, committee, child,
		builders.MakeGovernancePolicy("baseline", ns).Rules(
			builders.MakeRule("privacy", orgv1.RulePrivacyOwner).Severity(orgv1.SeverityCritical).Obj(),
			builders.MakeRule("coverage", orgv1.RuleSteeringCommitteeCoverage).Params(orgv1.RuleParams{RequiredFunctions: []orgv1.FunctionGroup{
				{AnyOf: []orgv1.TeamFunction{"IT"}}, {AnyOf: []orgv1.TeamFunction{"Legal", "Privacy"}},
			}}).Obj(),
		).Obj())

	g.Eventually(func(g Gomega) { g.Expect(messages(g, cdp)).To(BeEmpty()) }, eventually).Should(Succeed())
	g.Eventually(func(g Gomega) {
		g.Expect(messages(g, committee)).To(BeEmpty())
		g.Expect(committee.Status.CoveredFunctions).To(Equal([]string{"IT", "Legal"}))
	}, eventually).Should(Succeed())

	// The legal team turns into a sales team and loses its member: the
	// platform's privacy owner and the committee's coverage both break.
	update(g, legal, func() {
		legal.Spec.Function, legal.Spec.Members = "Sales", nil
	})

	g.Eventually(func(g Gomega) {
		g.Expect(messages(g, cdp)).To(ConsistOf(
			`baseline/privacy: platform "cdp": spec.privacyOwner.teamRef: team "legal" has function Sales, not one of Legal, Privacy`,
			`baseline/privacy: platform "cdp": spec.privacyOwner: "Élodie Martin" is neither the lead nor a member of team "legal"`,
		))
	}, eventually).Should(Succeed())
	g.Eventually(func(g Gomega) {
		g.Expect(messages(g, committee)).To(ConsistOf(`baseline/coverage: steering committee "steering": spec.members: no member team covers Legal|Privacy`))
		g.Expect(committee.Status.MissingFunctions).To(Equal([]string{"Legal|Privacy"}))
		g.Expect(committee.Status.CoveredFunctions).To(Equal([]string{"IT", "Sales"}))
	}, eventually).Should(Succeed())

	// Deleting the parent dangles the child's parentRef.
	g.Expect(env.Client.Delete(ctx, legal)).To(Succeed())
	g.Eventually(func(g Gomega) {
		g.Expect(messages(g, child)).To(ContainElement(`builtin/integrity: team "privacy-office": spec.parentRef: team "legal" not found`))
	}, eventually).Should(Succeed())
}

func TestCycleIsReportedOnEveryTeamOnItAndClearedWhenBroken(t *testing.T) {
	g := NewWithT(t)
	ns := env.Namespace(t, "test-")
	it := func(name, parent string) *orgv1.Team {
		return builders.MakeTeam(name, ns).Function("IT").Parent(parent).Obj()
	}
	a, b, c, below := it("a", "b"), it("b", "c"), it("c", ""), it("below", "a")
	env.Create(t, a, b, c, below)
	for _, tm := range []*orgv1.Team{a, b, c, below} {
		g.Eventually(func(g Gomega) { g.Expect(messages(g, tm)).To(BeEmpty()) }, eventually).Should(Succeed())
	}
	// c -> a closes the cycle a -> b -> c -> a; only c changes, a and b learn it.
	update(g, c, func() {
		c.Spec.ParentRef = &orgv1.TeamRef{Name: "a"}
	})
	for _, tm := range []*orgv1.Team{a, b, c} {
		g.Eventually(func(g Gomega) {
			ms := messages(g, tm)
			g.Expect(ms).To(HaveLen(1))
			g.Expect(ms[0]).To(ContainSubstring("cycle"))
		}, eventually).Should(Succeed())
	}
	g.Consistently(func(g Gomega) { g.Expect(messages(g, below)).To(BeEmpty()) }, time.Second).Should(Succeed(), "a team below a cycle is not on it")

	update(g, c, func() {
		c.Spec.ParentRef = nil
	})
	for _, tm := range []*orgv1.Team{a, b, c} {
		g.Eventually(func(g Gomega) { g.Expect(messages(g, tm)).To(BeEmpty()) }, eventually).Should(Succeed())
	}
}

func TestTeamExpiresOnTimeWithoutAnyChange(t *testing.T) {
	g := NewWithT(t)
	ns := env.Namespace(t, "test-")
	expiry := time.Now().Add(3 * time.Second).Truncate(time.Second)
	tiger := builders.MakeTeam("tiger", ns).Function("Digital").Type("TigerTeam").ExpiresAt(expiry).Obj()
	cdp := builders.MakePlatform("checkout", ns).Owner("tiger").Obj()
	env.Create(t, tiger, cdp, builders.MakeGovernancePolicy("baseline", ns).Rules(
		builders.MakeRule("structure", orgv1.RuleTeamStructure).Obj(),
		builders.MakeRule("owned", orgv1.RulePlatformOwnership).Obj()).Obj())

	g.Eventually(func(g Gomega) { g.Expect(messages(g, tiger)).To(BeEmpty()) }, eventually).Should(Succeed())
	g.Eventually(func(g Gomega) {
		g.Expect(messages(g, tiger)).To(ConsistOf(HavePrefix(`baseline/structure: team "tiger": spec.expiresAt: team expired at`)))
		g.Expect(messages(g, cdp)).To(ConsistOf(HavePrefix(`baseline/owned: platform "checkout": spec.ownerRef: owner team "tiger" expired at`)))
	}, eventually, 50*time.Millisecond).Should(Succeed())
	g.Expect(time.Now()).To(BeTemporally(">=", expiry))
}

// brokenCEL is a CEL rule on platforms that does not compile.
func brokenCEL(name string) orgv1.Rule {
	return builders.MakeCELRule(name, "object.spec.vendor ==", "never").MatchKinds(orgv1.KindPlatform).Obj()
}

func TestInvalidCELStallsItsPolicyWhileOtherRulesKeepWorking(t *testing.T) {
	g := NewWithT(t)
	ns := env.Namespace(t, "test-")
	gp := builders.MakeGovernancePolicy("custom", ns).Enforcement(orgv1.EnforcementAudit).Rules(
		brokenCEL("broken"),
		builders.MakeCELRule("not-bool", "'a string'", "").MatchKinds(orgv1.KindPlatform).Obj(),
		builders.MakeCELRule("has-vendor", "has(object.spec.vendor)", "every platform names its vendor").MatchKinds(orgv1.KindPlatform).Obj(),
		builders.MakeRule("owned", orgv1.RulePlatformOwnership).Obj(),
	).Obj()
	cdp := builders.MakePlatform("cdp", ns).Obj()
	env.Create(t, gp, cdp)

	g.Eventually(func(g Gomega) {
		g.Expect(env.Client.Get(ctx, client.ObjectKeyFromObject(gp), gp)).To(Succeed())
		g.Expect(gp.Status.ObservedGeneration).To(Equal(gp.Generation))
		stalled := meta.FindStatusCondition(gp.Status.Conditions, orgv1.ConditionStalled)
		g.Expect(stalled).NotTo(BeNil())
		g.Expect(stalled.Status).To(Equal(metav1.ConditionTrue))
		g.Expect(stalled.Message).To(ContainSubstring(`rule "broken": cel.expression: ERROR: <input>:1:`))
		g.Expect(stalled.Message).To(ContainSubstring(`rule "not-bool"`))
		g.Expect(condition(gp, orgv1.ConditionReady)).To(Equal(metav1.ConditionFalse))
		g.Expect(gp.Status.Rules).To(Equal([]orgv1.RuleStatus{
			{Name: "broken"}, {Name: "not-bool"}, {Name: "has-vendor", Evaluated: 1, Violations: 1}, {Name: "owned", Evaluated: 1, Violations: 1},
		}))
	}, eventually).Should(Succeed())
	g.Eventually(func(g Gomega) {
		g.Expect(messages(g, cdp)).To(ConsistOf(
			`custom/has-vendor: platform "cdp": every platform names its vendor`,
			`custom/owned: platform "cdp": spec.ownerRef: platform has no owner team`,
		))
	}, eventually).Should(Succeed())
	var events corev1.EventList
	g.Eventually(func(g Gomega) {
		g.Expect(env.Client.List(ctx, &events, client.InNamespace(ns))).To(Succeed())
		g.Expect(eventsFor(events, "custom", "InvalidRule")).To(Equal(1))
	}, eventually).Should(Succeed())

	// Fixing the expressions un-stalls the policy.
	update(g, gp, func() {
		gp.Spec.Rules[0].CEL.Expression = "object.spec.category != ''"
		gp.Spec.Rules[1].CEL.Expression = "true"
	})
	g.Eventually(func(g Gomega) {
		g.Expect(env.Client.Get(ctx, client.ObjectKeyFromObject(gp), gp)).To(Succeed())
		g.Expect(gp.Status.ObservedGeneration).To(Equal(gp.Generation))
		g.Expect(meta.FindStatusCondition(gp.Status.Conditions, orgv1.ConditionStalled)).To(BeNil())
		g.Expect(condition(gp, orgv1.ConditionReady)).To(Equal(metav1.ConditionTrue))
	}, eventually).Should(Succeed())
}

func eventsFor(events corev1.EventList, name, reason string) int {
	n := 0
	for _, e := range events.Items {
		if e.InvolvedObject.Name == name && e.Reason == reason {
			n++
		}
	}
	return n
}

func TestRollupsAndTransitionEvents(t *testing.T) {
	g := NewWithT(t)
	ns := env.Namespace(t, "test-")
	organization := builders.MakeOrganization("acme", ns).Model(orgv1.ModelCentralized).Obj()
	coe := builders.MakeTeam("coe", ns).Type("CenterOfExcellence").Obj()
	bu := builders.MakeTeam("bu-europe", ns).Type("BusinessUnit").Obj()
	cdp := builders.MakePlatform("cdp", ns).Owner("coe").Committee("steering").Obj()
	committee := builders.MakeSteeringCommittee("steering", ns).Members("coe").Obj()
	gp := builders.MakeGovernancePolicy("baseline", ns).Enforcement(orgv1.EnforcementAudit).Rules(
		builders.MakeRule("model", orgv1.RuleOrganizationModel).Severity(orgv1.SeverityHigh).Obj(),
		builders.MakeRule("coverage", orgv1.RuleSteeringCommitteeCoverage).Obj()).Obj()
	env.Create(t, organization, coe, bu, cdp, committee, gp)

	g.Eventually(func(g Gomega) {
		g.Expect(messages(g, organization)).To(BeEmpty())
		g.Expect(organization.Status.InferredModel).To(Equal(orgv1.ModelCentralized))
		g.Expect(condition(organization, orgv1.ConditionCompliant)).To(Equal(metav1.ConditionTrue))
	}, eventually).Should(Succeed())
	g.Eventually(func(g Gomega) {
		g.Expect(env.Client.Get(ctx, client.ObjectKeyFromObject(committee), committee)).To(Succeed())
		g.Expect(committee.Status.GovernedPlatforms).To(Equal(int32(1)))
		g.Expect(committee.Status.MissingFunctions).To(Equal([]string{"IT", "Data", "Sales|Support"}))
	}, eventually).Should(Succeed())

	// A business unit starts owning a platform: the organization is now Hybrid
	// in fact, contradicting its declared model.
	env.Create(t, builders.MakePlatform("crm", ns).Owner("bu-europe").Obj())
	g.Eventually(func(g Gomega) {
		g.Expect(messages(g, organization)).To(ConsistOf(
			`baseline/model: organization "acme": spec.model: declared "Centralized" but platform ownership shows "Hybrid": ` +
				`CenterOfExcellence "coe" owns 1 platform (none Foundational); BusinessUnit "bu-europe" owns 1`))
		g.Expect(organization.Status.InferredModel).To(Equal(orgv1.ModelHybrid))
		g.Expect(organization.Status.Summary).NotTo(BeNil())
		g.Expect(*organization.Status.Summary).To(Equal(orgv1.OrganizationSummary{
			Teams: 2, Platforms: 2, SteeringCommittees: 1, GovernancePolicies: 1, Violations: 4,
			ViolationsBySeverity: map[string]int32{"High": 1, "Medium": 3}, // model; IT, Data, Sales|Support
		}))
	}, eventually).Should(Succeed())
	g.Eventually(func(g Gomega) {
		g.Expect(env.Client.Get(ctx, client.ObjectKeyFromObject(gp), gp)).To(Succeed())
		g.Expect(gp.Status.Rules).To(Equal([]orgv1.RuleStatus{{Name: "model", Evaluated: 1, Violations: 1}, {Name: "coverage", Evaluated: 1, Violations: 3}}))
	}, eventually).Should(Succeed())

	// Declaring the model it shows mends it, with one event each way.
	update(g, organization, func() {
		organization.Spec.Model = orgv1.ModelHybrid
	})
	g.Eventually(func(g Gomega) { g.Expect(messages(g, organization)).To(BeEmpty()) }, eventually).Should(Succeed())
	g.Eventually(func(g Gomega) {
		var events corev1.EventList
		g.Expect(env.Client.List(ctx, &events, client.InNamespace(ns))).To(Succeed())
		g.Expect(eventsFor(events, "acme", orgv1.ReasonPolicyViolation)).To(Equal(1))
		g.Expect(eventsFor(events, "acme", "Compliant")).To(Equal(1))
	}, eventually).Should(Succeed())
}

func TestReconciledObjectsAreCurrentForKstatus(t *testing.T) {
	g := NewWithT(t)
	ns := env.Namespace(t, "test-")
	objs := []orgv1.Object{
		builders.MakeOrganization("acme", ns).Obj(),
		builders.MakeTeam("it", ns).Function("IT").Obj(),
		builders.MakePlatform("cdp", ns).Owner("missing-team").Obj(), // non-compliant, but Audit: still Current
		builders.MakeSteeringCommittee("steering", ns).Obj(),
		builders.MakeResponsibilityMatrix("raci", ns).Obj(),
		builders.MakeGovernancePolicy("baseline", ns).Enforcement(orgv1.EnforcementAudit).Rules(builders.MakeRule("owned", orgv1.RulePlatformOwnership).Obj()).Obj(),
	}
	for _, obj := range objs {
		env.Create(t, obj)
	}
	for _, obj := range objs {
		reconciled(t, obj)
		u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
		g.Expect(err).NotTo(HaveOccurred())
		res, err := status.Compute(&unstructured.Unstructured{Object: u})
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(res.Status).To(Equal(status.CurrentStatus), "%T %s: %s", obj, obj.GetName(), res.Message)
	}
}

func TestIdleControllerWritesNothing(t *testing.T) {
	g := NewWithT(t)
	ns := env.Namespace(t, "test-")
	team := builders.MakeTeam("it", ns).Function("IT").Lead(builders.Person("Ana", "")).Obj() // a violation, so conditions carry messages
	env.Create(t, team, builders.MakePlatform("cdp", ns).Owner("it").Obj(), builders.MakePlatform("dam", ns).Owner("nobody").Obj(),
		builders.MakeOrganization("acme", ns).Obj(),
		builders.MakeGovernancePolicy("baseline", ns).Enforcement(orgv1.EnforcementAudit).Rules(builders.MakeRule("structure", orgv1.RuleTeamStructure).Obj()).Obj())
	g.Eventually(func(g Gomega) { g.Expect(messages(g, team)).To(HaveLen(1)) }, eventually).Should(Succeed())

	// Wait until writes settle (other tests' namespaces may still converge),
	// then count over an idle period. The quiet spell outlasts the
	// namespace-wide reconcilers' wait for a namespace to settle, after
	// which they write its summary and rule counts.
	writes := &env.Manager.StatusWrites
	g.Expect(writes.Load()).NotTo(BeZero(), "the status writes so far were not counted")
	g.Eventually(func() int64 {
		before := writes.Load()
		time.Sleep(2 * controllers.NamespaceWide)
		return writes.Load() - before
	}, 3*eventually).Should(BeZero())
	before := writes.Load()
	time.Sleep(3 * time.Second)
	if n := writes.Load() - before; n != 0 {
		t.Errorf("an idle controller made %d status writes in 3s; the last writes: %q", n, env.Manager.RecentStatusWrites())
	}
	// Touching nothing that evaluation reads (an annotation) writes nothing either.
	update(g, team, func() {
		team.Annotations = map[string]string{"note": strings.Repeat("x", 10)}
	})
	time.Sleep(time.Second)
	if n := writes.Load() - before; n != 0 {
		t.Errorf("an annotation change caused %d status writes; the last writes: %q", n, env.Manager.RecentStatusWrites())
	}
}

// TestOrganizationFollowsATeamAboveAnOwnerInAnotherNamespace: the inferred
// model of a namespace depends on the teams up the parentRef chains of its
// platforms' owners, wherever they live; a change two namespaces and two
// levels away must reach its Organization.
func TestOrganizationFollowsATeamAboveAnOwnerInAnotherNamespace(t *testing.T) {
	g := NewWithT(t)
	a, b, c := env.Namespace(t, "test-"), env.Namespace(t, "test-"), env.Namespace(t, "test-")
	organization := builders.MakeOrganization("acme", a).Model(orgv1.ModelCentralized).Obj()
	unit := builders.MakeTeam("unit", c).Obj()
	env.Create(t, organization, builders.MakeTeam("it", a).Function("IT").Obj(),
		builders.MakePlatform("shared", a).Owner("it").Obj(), builders.MakePlatform("local", a).Owner(b+"/squad").Obj(),
		builders.MakeTeam("squad", b).Parent(c+"/unit").Obj(), unit)
	g.Eventually(func(g Gomega) {
		g.Expect(env.Client.Get(ctx, client.ObjectKeyFromObject(organization), organization)).To(Succeed())
		g.Expect(organization.Status.InferredModel).To(Equal(orgv1.ModelCentralized))
	}, eventually).Should(Succeed())

	// The team above the owner becomes a business unit: one BU owns a
	// platform, a department another, so the organization is Hybrid.
	update(g, unit, func() { unit.Spec.Type = orgv1.TeamTypeBusinessUnit })
	g.Eventually(func(g Gomega) {
		g.Expect(env.Client.Get(ctx, client.ObjectKeyFromObject(organization), organization)).To(Succeed())
		g.Expect(organization.Status.InferredModel).To(Equal(orgv1.ModelHybrid))
	}, eventually).Should(Succeed())
}
