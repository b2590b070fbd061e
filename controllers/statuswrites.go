package controllers

import (
	"sync"
	"time"
)

// reportPatience is the longest a namespace's policy report waits for its
// statuses to be written (statusWrites).
const reportPatience = time.Minute

// statusWrites remembers when a status was last written in each namespace,
// so that the namespace's policy report waits until its statuses are
// written. A report restates every finding of the namespace in objects of
// up to 800 kB; during a cold start or a bulk apply, writing it between the
// status writes would take the apiserver from the statuses that users and
// GitOps tools wait for (docs/performance.md). It waits until no status has
// been written there for quiet, and at most patience.
type statusWrites struct {
	quiet, patience time.Duration
	now             func() time.Time

	mu      sync.Mutex
	last    map[string]time.Time // the last status write, by namespace
	waiting map[string]time.Time // since when a report has waited, by namespace
}

func newStatusWrites(quiet, patience time.Duration, now func() time.Time) *statusWrites {
	return &statusWrites{quiet: quiet, patience: patience, now: now, last: map[string]time.Time{}, waiting: map[string]time.Time{}}
}

// wrote records a status write in ns.
func (w *statusWrites) wrote(ns string) {
	now := w.now()
	w.mu.Lock()
	defer w.mu.Unlock()
	w.last[ns] = now
}

// wait returns how much longer ns's report waits; zero when it may be
// written now.
func (w *statusWrites) wait(ns string) time.Duration {
	now := w.now()
	w.mu.Lock()
	defer w.mu.Unlock()
	last, ok := w.last[ns]
	if !ok || now.Sub(last) >= w.quiet {
		delete(w.last, ns)
		delete(w.waiting, ns)
		return 0
	}
	first, ok := w.waiting[ns]
	if !ok {
		first = now
		w.waiting[ns] = now
	}
	if now.Sub(first) >= w.patience {
		delete(w.waiting, ns)
		return 0
	}
	return min(w.quiet-now.Sub(last), first.Add(w.patience).Sub(now))
}
