package controllers_test

import (
	"testing"

	. "github.com/onsi/gomega"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/testing/builders"
	"github.com/orgplane/orgplane/internal/testing/testenv"
)

func TestViolationsGaugeFollowsFindings(t *testing.T) {
	g := NewWithT(t)
	ns := env.Namespace(t, "test-")
	env.Create(t, builders.MakePlatform("a", ns).Owner("ghost").Obj(), builders.MakePlatform("b", ns).Owner("ghost").Obj(),
		builders.MakeGovernancePolicy("baseline", ns).Enforcement(orgv1.EnforcementAudit).Rules(owned()).Obj())
	key := "enforcement=Audit,kind=Platform,namespace=" + ns + ",policy=baseline,rule=owned,severity=High,"
	integrity := "enforcement=Audit,kind=Platform,namespace=" + ns + ",policy=builtin,rule=integrity,severity=High,"
	g.Eventually(func() map[string]float64 { return testenv.Series(t, "orgplane_violations") }, eventually).Should(
		And(HaveKeyWithValue(key, 2.0), HaveKeyWithValue(integrity, 2.0)))

	env.Create(t, builders.MakeTeam("ghost", ns).Function("IT").Obj())
	g.Eventually(func() map[string]float64 { return testenv.Series(t, "orgplane_violations") }, eventually).ShouldNot(
		Or(HaveKey(key), HaveKey(integrity)), "series of mended violations are withdrawn")

	g.Expect(testenv.Series(t, "orgplane_evaluations_total")).To(HaveKeyWithValue("kind=Platform,result=violating,", BeNumerically(">", 0)))
	g.Expect(testenv.Series(t, "orgplane_evaluation_duration_seconds")).To(HaveKeyWithValue("kind=Platform,", BeNumerically(">", 0)))
}

func TestViolationsGaugeCarriesTheEnforcement(t *testing.T) {
	g := NewWithT(t)
	ns := env.Namespace(t, "test-")
	env.Create(t, builders.MakePlatform("a", ns).Obj(), builders.MakeGovernancePolicy("strict", ns).Enforcement(orgv1.EnforcementEnforce).Rules(owned()).Obj())
	key := "enforcement=Enforce,kind=Platform,namespace=" + ns + ",policy=strict,rule=owned,severity=High,"
	g.Eventually(func() map[string]float64 { return testenv.Series(t, "orgplane_violations") }, eventually).Should(HaveKeyWithValue(key, 1.0))
}

// TestStalledGaugeFollowsTheCondition checks the gauge the Stalled alert
// reads: set while a policy cannot be evaluated, withdrawn when it is fixed,
// and withdrawn when a stalled policy is deleted.
func TestStalledGaugeFollowsTheCondition(t *testing.T) {
	g := NewWithT(t)
	ns := env.Namespace(t, "test-")
	broken := func(name string) *orgv1.GovernancePolicy {
		return builders.MakeGovernancePolicy(name, ns).Enforcement(orgv1.EnforcementAudit).Rules(brokenCEL("broken")).Obj()
	}
	fixed, deleted := broken("fixed"), broken("deleted")
	env.Create(t, fixed, deleted)
	key := "kind=GovernancePolicy,namespace=" + ns + ","
	stalled := func() map[string]float64 { return testenv.Series(t, "orgplane_stalled_objects") }
	g.Eventually(stalled, eventually).Should(HaveKeyWithValue(key, 2.0))

	update(g, fixed, func() { fixed.Spec.Rules[0].CEL.Expression = "true" })
	g.Eventually(stalled, eventually).Should(HaveKeyWithValue(key, 1.0))

	g.Expect(env.Client.Delete(ctx, deleted)).To(Succeed())
	g.Eventually(stalled, eventually).ShouldNot(HaveKey(key), "the series of a namespace with no stalled object is withdrawn")
}
