package controllers

import (
	"testing"

	. "github.com/onsi/gomega"
	dto "github.com/prometheus/client_model/go"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// series reads one metric family from the manager's registry as
// label-set -> value, without creating series as WithLabelValues would.
func series(t *testing.T, name string) map[string]float64 {
	t.Helper()
	families, err := metrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			out[labelString(m)] = value(m)
		}
	}
	return out
}

func labelString(m *dto.Metric) string {
	s := ""
	for _, l := range m.GetLabel() {
		s += l.GetName() + "=" + l.GetValue() + ","
	}
	return s
}

func value(m *dto.Metric) float64 {
	switch {
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Histogram != nil:
		return float64(m.Histogram.GetSampleCount())
	}
	return 0
}

func TestViolationsGaugeFollowsFindings(t *testing.T) {
	g := NewWithT(t)
	o := newOrg(t)
	p1, p2 := o.platform("a", "ghost"), o.platform("b", "ghost")
	o.create(p1, p2, o.policy("baseline", "Audit", ruleOwned))
	key := "enforcement=Audit,kind=Platform,namespace=" + o.ns + ",policy=baseline,rule=owned,severity=High,"
	integrity := "enforcement=Audit,kind=Platform,namespace=" + o.ns + ",policy=builtin,rule=integrity,severity=High,"
	g.Eventually(func() map[string]float64 { return series(t, "orgplane_violations") }, eventually).Should(
		And(HaveKeyWithValue(key, 2.0), HaveKeyWithValue(integrity, 2.0)))

	o.create(o.team("ghost", "IT", "Department"))
	g.Eventually(func() map[string]float64 { return series(t, "orgplane_violations") }, eventually).ShouldNot(
		Or(HaveKey(key), HaveKey(integrity)), "series of mended violations are withdrawn")

	g.Expect(series(t, "orgplane_evaluations_total")).To(HaveKeyWithValue("kind=Platform,result=violating,", BeNumerically(">", 0)))
	g.Expect(series(t, "orgplane_evaluation_duration_seconds")).To(HaveKeyWithValue("kind=Platform,", BeNumerically(">", 0)))
}

func TestViolationsGaugeCarriesTheEnforcement(t *testing.T) {
	g := NewWithT(t)
	o := newOrg(t)
	o.create(o.platform("a", ""), o.policy("strict", orgv1.EnforcementEnforce, ruleOwned))
	key := "enforcement=Enforce,kind=Platform,namespace=" + o.ns + ",policy=strict,rule=owned,severity=High,"
	g.Eventually(func() map[string]float64 { return series(t, "orgplane_violations") }, eventually).Should(HaveKeyWithValue(key, 1.0))
}

// TestStalledGaugeFollowsTheCondition checks the gauge the Stalled alert
// reads: set while a policy cannot be evaluated, withdrawn when it is fixed,
// and withdrawn when a stalled policy is deleted.
func TestStalledGaugeFollowsTheCondition(t *testing.T) {
	g := NewWithT(t)
	o := newOrg(t)
	broken := func(name string) *orgv1.GovernancePolicy {
		return o.policy(name, orgv1.EnforcementAudit, orgv1.Rule{Name: "broken", Type: orgv1.RuleCEL, Match: &orgv1.RuleMatch{Kinds: []orgv1.Kind{"Platform"}},
			CEL: &orgv1.CELRule{Expression: "object.spec.vendor ==", Message: "never"}})
	}
	fixed, deleted := broken("fixed"), broken("deleted")
	o.create(fixed, deleted)
	key := "kind=GovernancePolicy,namespace=" + o.ns + ","
	stalled := func() map[string]float64 { return series(t, "orgplane_stalled_objects") }
	g.Eventually(stalled, eventually).Should(HaveKeyWithValue(key, 2.0))

	update(g, fixed, func() { fixed.Spec.Rules[0].CEL.Expression = "true" })
	g.Eventually(stalled, eventually).Should(HaveKeyWithValue(key, 1.0))

	g.Expect(k8s.Delete(ctx, deleted)).To(Succeed())
	g.Eventually(stalled, eventually).ShouldNot(HaveKey(key), "the series of a namespace with no stalled object is withdrawn")
}
