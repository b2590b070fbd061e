package controllers

import (
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// The manager's own metrics. docs/monitoring.md documents each, and
// config/prometheus alerts on them; test/monitoring holds the alerts and the
// dashboard to these names.
var (
	violationsGauge = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "orgplane_violations",
		Help: "Current governance violations, by namespace, kind, policy, rule, severity and the policy's enforcement (Audit, Enforce).",
	}, []string{"namespace", "kind", "policy", "rule", "severity", "enforcement"})
	stalledGauge = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "orgplane_stalled_objects",
		Help: "Objects whose Stalled condition is True (they cannot be evaluated until they change), by namespace and kind.",
	}, []string{"namespace", "kind"})
	evaluationsTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "orgplane_evaluations_total",
		Help: "Evaluations of orgplane objects, by kind and result (compliant, violating, error).",
	}, []string{"kind", "result"})
	evaluationSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "orgplane_evaluation_duration_seconds",
		Help:    "Time to evaluate one orgplane object, by kind.",
		Buckets: prometheus.ExponentialBuckets(0.0001, 4, 9), // 100µs .. 6.5s
	}, []string{"kind"})
	eventsDropped = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "orgplane_events_dropped_total",
		Help: "Events not emitted because they came faster than --event-qps and --event-burst allow; the status still holds every finding.",
	})
)

func init() {
	metrics.Registry.MustRegister(violationsGauge, stalledGauge, evaluationsTotal, evaluationSeconds, eventsDropped)
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

type objectID struct {
	kind orgv1.Kind
	types.NamespacedName
}

var (
	violationMetrics = newObjectSeries(violationsGauge)
	stalledMetrics   = newObjectSeries(stalledGauge)
)

// observeViolations records a judged object's current violations.
func observeViolations(id objectID, violations []orgv1.Violation) {
	series := make([][]string, len(violations))
	for i, v := range violations {
		series[i] = []string{id.Namespace, string(id.kind), v.Policy, v.Rule, string(v.Severity), string(v.Enforcement)}
	}
	violationMetrics.set(id, series)
}

// observeStalled records whether an object's status, as just evaluated, is
// Stalled.
func observeStalled(id objectID, st *orgv1.Status) {
	var series [][]string
	if meta.IsStatusConditionTrue(st.Conditions, orgv1.ConditionStalled) {
		series = [][]string{{id.Namespace, string(id.kind)}}
	}
	stalledMetrics.set(id, series)
}

// forgetObject withdraws a deleted object from every per-object gauge.
func forgetObject(id objectID) {
	violationMetrics.set(id, nil)
	stalledMetrics.set(id, nil)
}

// objectSeries keeps a gauge equal to the sum of every object's latest
// contribution: each object's contribution is remembered, so a re-evaluation
// replaces it and a deletion withdraws it, and a series that falls to zero is
// deleted rather than left at 0 (alerts then resolve, and cardinality follows
// what exists).
type objectSeries struct {
	gauge  *prometheus.GaugeVec
	mu     sync.Mutex
	byObj  map[objectID]map[string]int
	totals map[string]int
}

func newObjectSeries(g *prometheus.GaugeVec) *objectSeries {
	return &objectSeries{gauge: g, byObj: map[objectID]map[string]int{}, totals: map[string]int{}}
}

// labelSep joins label values into a map key; it cannot occur in a
// Kubernetes name or in an enum value.
const labelSep = "\x00"

// set records obj's contribution: one unit for each entry of series (label
// values in the gauge's order); nil withdraws the object.
func (s *objectSeries) set(id objectID, series [][]string) {
	counts := map[string]int{}
	for _, labels := range series {
		counts[strings.Join(labels, labelSep)]++
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

func (s *objectSeries) add(k string, n int) {
	s.totals[k] += n
	labels := strings.Split(k, labelSep)
	if s.totals[k] == 0 {
		delete(s.totals, k)
		s.gauge.DeleteLabelValues(labels...)
		return
	}
	s.gauge.WithLabelValues(labels...).Set(float64(s.totals[k]))
}
