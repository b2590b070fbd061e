package controllers

import (
	"testing"

	. "github.com/onsi/gomega"
	dto "github.com/prometheus/client_model/go"
	"sigs.k8s.io/controller-runtime/pkg/metrics"
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
	key := "kind=Platform,namespace=" + o.ns + ",policy=baseline,rule=owned,severity=High,"
	integrity := "kind=Platform,namespace=" + o.ns + ",policy=builtin,rule=integrity,severity=High,"
	g.Eventually(func() map[string]float64 { return series(t, "orgplane_violations") }, eventually).Should(
		And(HaveKeyWithValue(key, 2.0), HaveKeyWithValue(integrity, 2.0)))

	o.create(o.team("ghost", "IT", "Department"))
	g.Eventually(func() map[string]float64 { return series(t, "orgplane_violations") }, eventually).ShouldNot(
		Or(HaveKey(key), HaveKey(integrity)), "series of mended violations are withdrawn")

	g.Expect(series(t, "orgplane_evaluations_total")).To(HaveKeyWithValue("kind=Platform,result=violating,", BeNumerically(">", 0)))
	g.Expect(series(t, "orgplane_evaluation_duration_seconds")).To(HaveKeyWithValue("kind=Platform,", BeNumerically(">", 0)))
}
