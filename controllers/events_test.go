package controllers

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"golang.org/x/time/rate"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/recorder"

	"github.com/orgplane/orgplane/internal/testing/builders"
)

// countingRecorder counts the events it is given.
type countingRecorder struct {
	recorder.EventRecorder
	n int
}

func (c *countingRecorder) Eventf(runtime.Object, runtime.Object, string, string, string, string, ...any) {
	c.n++
}

func (c *countingRecorder) AnnotatedEventf(runtime.Object, runtime.Object, map[string]string, string, string, string, string, ...any) {
	c.n++
}

func TestLimitedRecorderDropsBeyondItsBurst(t *testing.T) {
	team := builders.MakeTeam("a", "ns").Obj()
	for _, tc := range []struct {
		name        string
		limit       rate.Limit
		burst, want int
	}{
		{name: "bounded: the burst, then nothing within the same instant", limit: 1e-9, burst: 3, want: 3},
		{name: "no bound", limit: rate.Inf, want: 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &countingRecorder{}
			rec := limitedRecorder{c, rate.NewLimiter(tc.limit, tc.burst)}
			dropped := testutil.ToFloat64(eventsDropped)
			for i := range 10 {
				if i%2 == 0 {
					rec.Eventf(team, nil, "Warning", "PolicyViolation", "Evaluate", "%d", i)
				} else {
					rec.AnnotatedEventf(team, nil, nil, "Warning", "PolicyViolation", "Evaluate", "%d", i)
				}
			}
			if c.n != tc.want {
				t.Errorf("%d events emitted, want %d", c.n, tc.want)
			}
			if got := testutil.ToFloat64(eventsDropped) - dropped; got != float64(10-tc.want) {
				t.Errorf("orgplane_events_dropped_total rose by %v, want %d", got, 10-tc.want)
			}
		})
	}
}
