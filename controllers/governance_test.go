package controllers

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
)

// Small builders for the objects of one test namespace.
type org struct {
	t  *testing.T
	ns string
}

func newOrg(t *testing.T) org { return org{t, newNamespace(t)} }

func (o org) meta(name string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Namespace: o.ns}
}

func (o org) create(objs ...client.Object) {
	o.t.Helper()
	for _, obj := range objs {
		if err := k8s.Create(ctx, obj); err != nil {
			o.t.Fatalf("creating %s: %v", obj.GetName(), err)
		}
	}
}

func (o org) team(name string, fn orgv1.TeamFunction, typ orgv1.TeamType) *orgv1.Team {
	return &orgv1.Team{ObjectMeta: o.meta(name), Spec: orgv1.TeamSpec{Function: fn, Type: typ}}
}

func (o org) platform(name, owner string) *orgv1.Platform {
	p := &orgv1.Platform{ObjectMeta: o.meta(name), Spec: orgv1.PlatformSpec{Category: "CDP"}}
	if owner != "" {
		p.Spec.OwnerRef = &orgv1.TeamRef{Name: owner}
	}
	return p
}

func (o org) policy(name string, enforcement orgv1.Enforcement, rules ...orgv1.Rule) *orgv1.GovernancePolicy {
	return &orgv1.GovernancePolicy{ObjectMeta: o.meta(name), Spec: orgv1.GovernancePolicySpec{Enforcement: enforcement, Rules: rules}}
}

// update re-reads obj, applies mutate to it and updates it, again on a
// conflict: the controllers write status concurrently.
func update(g Gomega, obj client.Object, mutate func()) {
	g.Expect(retry.RetryOnConflict(retry.DefaultRetry, func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(obj), obj); err != nil {
			return err
		}
		mutate()
		return k8s.Update(ctx, obj)
	})).To(Succeed())
}

// messages reads obj and returns its violation messages once obj has
// observed its generation.
func messages(g Gomega, obj orgv1.Judged) []string {
	g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(obj), obj)).To(Succeed())
	g.Expect(obj.CommonStatus().ObservedGeneration).To(Equal(obj.GetGeneration()))
	var out []string
	for _, v := range obj.Judgement().Violations {
		out = append(out, v.Policy+"/"+v.Rule+": "+v.Message)
	}
	return out
}

var ruleOwned = orgv1.Rule{Name: "owned", Type: orgv1.RulePlatformOwnership, Severity: "High"}

func condition(obj orgv1.Object, t string) metav1.ConditionStatus {
	if c := meta.FindStatusCondition(obj.CommonStatus().Conditions, t); c != nil {
		return c.Status
	}
	return ""
}

func TestDanglingOwnerIsReportedAndMendedAcrossObjects(t *testing.T) {
	g := NewWithT(t)
	o := newOrg(t)
	bi := o.team("bi-team", "Analytics", "Department")
	analytics := o.platform("analytics", "bi-team")
	reporting := o.platform("reporting", "bi-team")
	o.create(bi, analytics, reporting,
		o.policy("baseline", orgv1.EnforcementEnforce, orgv1.Rule{Name: "owned", Type: orgv1.RulePlatformOwnership, Severity: "High"}))

	for _, p := range []*orgv1.Platform{analytics, reporting} {
		g.Eventually(func(g Gomega) { g.Expect(messages(g, p)).To(BeEmpty()) }, eventually).Should(Succeed())
		g.Expect(condition(p, orgv1.ConditionReady)).To(Equal(metav1.ConditionTrue))
	}

	// Deleting the team makes every platform it owned non-compliant.
	deleted := time.Now()
	g.Expect(k8s.Delete(ctx, bi)).To(Succeed())
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
	o.create(o.team("bi-team", "Analytics", "Department"))
	for _, p := range []*orgv1.Platform{analytics, reporting} {
		g.Eventually(func(g Gomega) { g.Expect(messages(g, p)).To(BeEmpty()) }, eventually, 20*time.Millisecond).Should(Succeed())
		g.Expect(condition(p, orgv1.ConditionCompliant)).To(Equal(metav1.ConditionTrue))
		g.Expect(condition(p, orgv1.ConditionReady)).To(Equal(metav1.ConditionTrue))
	}
	t.Logf("re-creation propagated to both platforms in %v", time.Since(recreated))
}

func TestTeamChangePropagatesToPlatformsCommitteesMatricesAndChildren(t *testing.T) {
	g := NewWithT(t)
	o := newOrg(t)
	legal := o.team("legal", "Legal", "Department")
	legal.Spec.Members = []orgv1.Person{{Name: "Élodie Martin"}}
	cdp := o.platform("cdp", "it")
	cdp.Spec.Data = &orgv1.PlatformData{PersonalData: true, Jurisdictions: []string{"GDPR"}}
	cdp.Spec.PrivacyOwner = &orgv1.Person{Name: "Élodie Martin", TeamRef: &orgv1.TeamRef{Name: "legal"}}
	committee := &orgv1.SteeringCommittee{ObjectMeta: o.meta("steering"), Spec: orgv1.SteeringCommitteeSpec{
		Members: []orgv1.CommitteeMember{{TeamRef: orgv1.TeamRef{Name: "it"}}, {TeamRef: orgv1.TeamRef{Name: "legal"}}}}}
	child := o.team("privacy-office", "Privacy", "Department")
	child.Spec.ParentRef = &orgv1.TeamRef{Name: "legal"}
	o.create(o.team("it", "IT", "Department"), legal, cdp, committee, child,
		o.policy("baseline", orgv1.EnforcementAudit,
			orgv1.Rule{Name: "privacy", Type: orgv1.RulePrivacyOwner, Severity: "Critical"},
			orgv1.Rule{Name: "coverage", Type: orgv1.RuleSteeringCommitteeCoverage,
				Params: &orgv1.RuleParams{RequiredFunctions: []orgv1.FunctionGroup{{AnyOf: []orgv1.TeamFunction{"IT"}}, {AnyOf: []orgv1.TeamFunction{"Legal", "Privacy"}}}}}))

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
	g.Expect(k8s.Delete(ctx, legal)).To(Succeed())
	g.Eventually(func(g Gomega) {
		g.Expect(messages(g, child)).To(ContainElement(`builtin/integrity: team "privacy-office": spec.parentRef: team "legal" not found`))
	}, eventually).Should(Succeed())
}

func TestCycleIsReportedOnEveryTeamOnItAndClearedWhenBroken(t *testing.T) {
	g := NewWithT(t)
	o := newOrg(t)
	a, b, c, below := o.team("a", "IT", "Department"), o.team("b", "IT", "Department"), o.team("c", "IT", "Department"), o.team("below", "IT", "Department")
	a.Spec.ParentRef, b.Spec.ParentRef, below.Spec.ParentRef = &orgv1.TeamRef{Name: "b"}, &orgv1.TeamRef{Name: "c"}, &orgv1.TeamRef{Name: "a"}
	o.create(a, b, c, below)
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
	o := newOrg(t)
	tiger := o.team("tiger", "Digital", "TigerTeam")
	expiry := metav1.NewTime(time.Now().Add(3 * time.Second).Truncate(time.Second))
	tiger.Spec.ExpiresAt = &expiry
	cdp := o.platform("checkout", "tiger")
	o.create(tiger, cdp, o.policy("baseline", orgv1.EnforcementAudit,
		orgv1.Rule{Name: "structure", Type: orgv1.RuleTeamStructure},
		orgv1.Rule{Name: "owned", Type: orgv1.RulePlatformOwnership}))

	g.Eventually(func(g Gomega) { g.Expect(messages(g, tiger)).To(BeEmpty()) }, eventually).Should(Succeed())
	g.Eventually(func(g Gomega) {
		g.Expect(messages(g, tiger)).To(ConsistOf(HavePrefix(`baseline/structure: team "tiger": spec.expiresAt: team expired at`)))
		g.Expect(messages(g, cdp)).To(ConsistOf(HavePrefix(`baseline/owned: platform "checkout": spec.ownerRef: owner team "tiger" expired at`)))
	}, eventually, 50*time.Millisecond).Should(Succeed())
	g.Expect(time.Now()).To(BeTemporally(">=", expiry.Time))
}

func TestInvalidCELStallsItsPolicyWhileOtherRulesKeepWorking(t *testing.T) {
	g := NewWithT(t)
	o := newOrg(t)
	gp := o.policy("custom", orgv1.EnforcementAudit,
		orgv1.Rule{Name: "broken", Type: orgv1.RuleCEL, Match: &orgv1.RuleMatch{Kinds: []orgv1.Kind{"Platform"}},
			CEL: &orgv1.CELRule{Expression: "object.spec.vendor ==", Message: "never"}},
		orgv1.Rule{Name: "not-bool", Type: orgv1.RuleCEL, Match: &orgv1.RuleMatch{Kinds: []orgv1.Kind{"Platform"}},
			CEL: &orgv1.CELRule{Expression: "'a string'"}},
		orgv1.Rule{Name: "has-vendor", Type: orgv1.RuleCEL, Match: &orgv1.RuleMatch{Kinds: []orgv1.Kind{"Platform"}},
			CEL: &orgv1.CELRule{Expression: "has(object.spec.vendor)", Message: "every platform names its vendor"}},
		orgv1.Rule{Name: "owned", Type: orgv1.RulePlatformOwnership})
	cdp := o.platform("cdp", "")
	o.create(gp, cdp)

	g.Eventually(func(g Gomega) {
		g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(gp), gp)).To(Succeed())
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
		g.Expect(k8s.List(ctx, &events, client.InNamespace(o.ns))).To(Succeed())
		g.Expect(eventsFor(events, "custom", "InvalidRule")).To(Equal(1))
	}, eventually).Should(Succeed())

	// Fixing the expressions un-stalls the policy.
	update(g, gp, func() {
		gp.Spec.Rules[0].CEL.Expression = "object.spec.category != ''"
		gp.Spec.Rules[1].CEL.Expression = "true"
	})
	g.Eventually(func(g Gomega) {
		g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(gp), gp)).To(Succeed())
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
	o := newOrg(t)
	organization := &orgv1.Organization{ObjectMeta: o.meta("acme"), Spec: orgv1.OrganizationSpec{Model: orgv1.ModelCentralized}}
	coe := o.team("coe", "Marketing", "CenterOfExcellence")
	bu := o.team("bu-europe", "Marketing", "BusinessUnit")
	cdp := o.platform("cdp", "coe")
	cdp.Spec.SteeringCommitteeRef = &orgv1.SteeringCommitteeRef{Name: "steering"}
	committee := &orgv1.SteeringCommittee{ObjectMeta: o.meta("steering"), Spec: orgv1.SteeringCommitteeSpec{
		Members: []orgv1.CommitteeMember{{TeamRef: orgv1.TeamRef{Name: "coe"}}}}}
	gp := o.policy("baseline", orgv1.EnforcementAudit,
		orgv1.Rule{Name: "model", Type: orgv1.RuleOrganizationModel, Severity: "High"},
		orgv1.Rule{Name: "coverage", Type: orgv1.RuleSteeringCommitteeCoverage})
	o.create(organization, coe, bu, cdp, committee, gp)

	g.Eventually(func(g Gomega) {
		g.Expect(messages(g, organization)).To(BeEmpty())
		g.Expect(organization.Status.InferredModel).To(Equal(orgv1.ModelCentralized))
		g.Expect(condition(organization, orgv1.ConditionCompliant)).To(Equal(metav1.ConditionTrue))
	}, eventually).Should(Succeed())
	g.Eventually(func(g Gomega) {
		g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(committee), committee)).To(Succeed())
		g.Expect(committee.Status.GovernedPlatforms).To(Equal(int32(1)))
		g.Expect(committee.Status.MissingFunctions).To(Equal([]string{"IT", "Data", "Sales|Support"}))
	}, eventually).Should(Succeed())

	// A business unit starts owning a platform: the organization is now Hybrid
	// in fact, contradicting its declared model.
	o.create(o.platform("crm", "bu-europe"))
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
		g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(gp), gp)).To(Succeed())
		g.Expect(gp.Status.Rules).To(Equal([]orgv1.RuleStatus{{Name: "model", Evaluated: 1, Violations: 1}, {Name: "coverage", Evaluated: 1, Violations: 3}}))
	}, eventually).Should(Succeed())

	// Declaring the model it shows mends it, with one event each way.
	update(g, organization, func() {
		organization.Spec.Model = orgv1.ModelHybrid
	})
	g.Eventually(func(g Gomega) { g.Expect(messages(g, organization)).To(BeEmpty()) }, eventually).Should(Succeed())
	g.Eventually(func(g Gomega) {
		var events corev1.EventList
		g.Expect(k8s.List(ctx, &events, client.InNamespace(o.ns))).To(Succeed())
		g.Expect(eventsFor(events, "acme", orgv1.ReasonPolicyViolation)).To(Equal(1))
		g.Expect(eventsFor(events, "acme", "Compliant")).To(Equal(1))
	}, eventually).Should(Succeed())
}

func TestReconciledObjectsAreCurrentForKstatus(t *testing.T) {
	g := NewWithT(t)
	o := newOrg(t)
	objs := []orgv1.Object{
		&orgv1.Organization{ObjectMeta: o.meta("acme"), Spec: orgv1.OrganizationSpec{Model: orgv1.ModelHybrid}},
		o.team("it", "IT", "Department"),
		o.platform("cdp", "missing-team"), // non-compliant, but Audit: still Current
		&orgv1.SteeringCommittee{ObjectMeta: o.meta("steering")},
		&orgv1.ResponsibilityMatrix{ObjectMeta: o.meta("raci")},
		o.policy("baseline", orgv1.EnforcementAudit, orgv1.Rule{Name: "owned", Type: orgv1.RulePlatformOwnership}),
	}
	for _, obj := range objs {
		o.create(obj)
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
	o := newOrg(t)
	team := o.team("it", "IT", "Department")
	team.Spec.Lead = &orgv1.Person{Name: "Ana"} // a violation, so conditions carry messages
	o.create(team, o.platform("cdp", "it"), o.platform("dam", "nobody"),
		&orgv1.Organization{ObjectMeta: o.meta("acme"), Spec: orgv1.OrganizationSpec{Model: orgv1.ModelHybrid}},
		o.policy("baseline", orgv1.EnforcementAudit, orgv1.Rule{Name: "structure", Type: orgv1.RuleTeamStructure}))
	g.Eventually(func(g Gomega) { g.Expect(messages(g, team)).To(HaveLen(1)) }, eventually).Should(Succeed())

	// Wait until writes settle (other tests' namespaces may still converge),
	// then count over an idle period.
	g.Eventually(func() int64 {
		before := statusWrites.Load()
		time.Sleep(time.Second)
		return statusWrites.Load() - before
	}, 3*eventually).Should(BeZero())
	before := statusWrites.Load()
	time.Sleep(3 * time.Second)
	if n := statusWrites.Load() - before; n != 0 {
		t.Errorf("an idle controller made %d status writes in 3s", n)
	}
	// Touching nothing that evaluation reads (an annotation) writes nothing either.
	update(g, team, func() {
		team.Annotations = map[string]string{"note": strings.Repeat("x", 10)}
	})
	time.Sleep(time.Second)
	if n := statusWrites.Load() - before; n != 0 {
		t.Errorf("an annotation change caused %d status writes", n)
	}
}

// TestOrganizationFollowsATeamAboveAnOwnerInAnotherNamespace: the inferred
// model of a namespace depends on the teams up the parentRef chains of its
// platforms' owners, wherever they live; a change two namespaces and two
// levels away must reach its Organization.
func TestOrganizationFollowsATeamAboveAnOwnerInAnotherNamespace(t *testing.T) {
	g := NewWithT(t)
	a, b, c := newOrg(t), newOrg(t), newOrg(t)
	organization := &orgv1.Organization{ObjectMeta: a.meta("acme"), Spec: orgv1.OrganizationSpec{Model: orgv1.ModelCentralized}}
	shared := a.platform("shared", "it")
	local := a.platform("local", "")
	local.Spec.OwnerRef = &orgv1.TeamRef{Name: "squad", Namespace: b.ns}
	squad := b.team("squad", "Marketing", "Department")
	squad.Spec.ParentRef = &orgv1.TeamRef{Name: "unit", Namespace: c.ns}
	unit := c.team("unit", "Marketing", "Department")
	a.create(organization, a.team("it", "IT", "Department"), shared, local)
	b.create(squad)
	c.create(unit)
	g.Eventually(func(g Gomega) {
		g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(organization), organization)).To(Succeed())
		g.Expect(organization.Status.InferredModel).To(Equal(orgv1.ModelCentralized))
	}, eventually).Should(Succeed())

	// The team above the owner becomes a business unit: one BU owns a
	// platform, a department another, so the organization is Hybrid.
	update(g, unit, func() { unit.Spec.Type = orgv1.TeamTypeBusinessUnit })
	g.Eventually(func(g Gomega) {
		g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(organization), organization)).To(Succeed())
		g.Expect(organization.Status.InferredModel).To(Equal(orgv1.ModelHybrid))
	}, eventually).Should(Succeed())
}
