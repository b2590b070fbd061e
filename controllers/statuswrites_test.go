package controllers

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestStatusWritesHoldReports steps a clock through status writes and asks
// how long a namespace's report still waits after each step.
func TestStatusWritesHoldReports(t *testing.T) {
	const quiet, patience = time.Second, 10 * time.Second
	type step struct {
		advance time.Duration
		write   string // a namespace whose status is written, after advancing
		ask     string // the namespace whose report asks to be written
	}
	tests := []struct {
		name  string
		steps []step
		want  []time.Duration
	}{{
		name:  "no status written: at once",
		steps: []step{{ask: "a"}},
		want:  []time.Duration{0},
	}, {
		name:  "waits for the rest of the quiet period",
		steps: []step{{write: "a"}, {advance: 300 * time.Millisecond, ask: "a"}, {advance: 700 * time.Millisecond, ask: "a"}},
		want:  []time.Duration{700 * time.Millisecond, 0},
	}, {
		name:  "another namespace's writes do not hold it",
		steps: []step{{write: "b"}, {ask: "a"}, {ask: "b"}},
		want:  []time.Duration{0, quiet},
	}, {
		name: "writes that never stop hold it for patience at most",
		steps: []step{
			{write: "a", ask: "a"}, {advance: 4 * time.Second, write: "a", ask: "a"},
			{advance: 5500 * time.Millisecond, write: "a", ask: "a"}, {advance: 500 * time.Millisecond, write: "a", ask: "a"},
			// Written, it waits afresh.
			{advance: 100 * time.Millisecond, write: "a", ask: "a"},
		},
		want: []time.Duration{quiet, quiet, 500 * time.Millisecond, 0, quiet},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
			w := newStatusWrites(quiet, patience, func() time.Time { return now })
			var got []time.Duration
			for _, s := range tt.steps {
				now = now.Add(s.advance)
				if s.write != "" {
					w.wrote(s.write)
				}
				if s.ask != "" {
					got = append(got, w.wait(s.ask))
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("waits (-want +got):\n%s", diff)
			}
		})
	}
}
