package controllers

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

var (
	violationsGauge = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "orgplane_violations",
		Help: "Current governance violations, by namespace, kind, policy, rule and severity.",
	}, []string{"namespace", "kind", "policy", "rule", "severity"})
	evaluationsTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "orgplane_evaluations_total",
		Help: "Evaluations of orgplane objects, by kind and result (compliant, violating, error).",
	}, []string{"kind", "result"})
	evaluationSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "orgplane_evaluation_duration_seconds",
		Help:    "Time to evaluate one orgplane object, by kind.",
		Buckets: prometheus.ExponentialBuckets(0.0001, 4, 9), // 100µs .. 6.5s
	}, []string{"kind"})
)

func init() {
	metrics.Registry.MustRegister(violationsGauge, evaluationsTotal, evaluationSeconds)
}

// observeEvaluation counts one evaluation of an object of kind.
func observeEvaluation(kind orgv1.Kind, start time.Time, violations int, err error) {
	result := "compliant"
	switch {
	case err != nil:
		result = "error"
	case violations > 0:
		result = "violating"
	}
	evaluationsTotal.WithLabelValues(string(kind), result).Inc()
	evaluationSeconds.WithLabelValues(string(kind)).Observe(time.Since(start).Seconds())
}

// violationSeries keeps the violations gauge equal to the sum of every
// object's latest findings: each object's contribution is remembered, so a
// re-evaluation replaces it and a deletion withdraws it.
type violationSeries struct {
	mu     sync.Mutex
	byObj  map[objectID]map[seriesKey]int
	totals map[seriesKey]int
}

type objectID struct {
	kind orgv1.Kind
	types.NamespacedName
}

type seriesKey struct{ namespace, kind, policy, rule, severity string }

var violationMetrics = &violationSeries{byObj: map[objectID]map[seriesKey]int{}, totals: map[seriesKey]int{}}

// set records obj's current violations; nil withdraws the object.
func (s *violationSeries) set(id objectID, violations []orgv1.Violation) {
	counts := map[seriesKey]int{}
	for _, v := range violations {
		counts[seriesKey{id.Namespace, string(id.kind), v.Policy, v.Rule, string(v.Severity)}]++
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, n := range s.byObj[id] {
		s.add(k, -n)
	}
	for k, n := range counts {
		s.add(k, n)
	}
	if len(counts) == 0 {
		delete(s.byObj, id)
	} else {
		s.byObj[id] = counts
	}
}

func (s *violationSeries) add(k seriesKey, n int) {
	s.totals[k] += n
	labels := []string{k.namespace, k.kind, k.policy, k.rule, k.severity}
	if s.totals[k] == 0 {
		delete(s.totals, k)
		violationsGauge.DeleteLabelValues(labels...)
		return
	}
	violationsGauge.WithLabelValues(labels...).Set(float64(s.totals[k]))
}
