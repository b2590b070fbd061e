package controllers

import (
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/orgplane/orgplane/internal/policy"
)

// holdPatience is the longest an object with a dangling reference waits
// for its namespace to settle (holds).
const holdPatience = time.Minute

// holds lets an object whose references do not all resolve wait, without a
// status write, while its namespace is being changed: in an apply, kubectl
// or a GitOps tool creates objects in its own order, and 39% of the
// generated org of docs/performance.md name an object created after them.
// Judged at once, each would be written twice (the dangling reference, then
// its repair), with an event each time. Held, it is judged when the object
// it names arrives (the fan-out brings that change to it), or once the
// namespace has had no change for quiet, and at most patience after the
// first hold of the namespace; after that, objects are not held until the
// namespace settles. A namespace that is not being changed (a cold start,
// an edit a second after the last) holds nothing.
type holds struct {
	quiet, patience time.Duration
	// release delivers the held objects of a namespace that settled.
	release func(policy.Impact)

	mu         sync.Mutex
	namespaces map[string]*namespaceHolds
}

// namespaceHolds is one namespace's changes and held objects.
type namespaceHolds struct {
	last  time.Time // its last change
	first time.Time // its first hold since it last settled; zero if none
	spent bool      // patience ran out: hold nothing until it settles
	held  map[policy.ObjectRef]struct{}
	timer *time.Timer // releases held; nil while nothing is held
}

func newHolds(quiet, patience time.Duration) *holds {
	return &holds{quiet: quiet, patience: patience, namespaces: map[string]*namespaceHolds{}}
}

// changed records a change in ns (a creation, deletion, or change of what
// evaluation reads; not a status write).
func (h *holds) changed(ns string) {
	now := time.Now()
	h.mu.Lock()
	defer h.mu.Unlock()
	n := h.namespaces[ns]
	if n == nil {
		n = &namespaceHolds{}
		h.namespaces[ns] = n
	}
	if now.Sub(n.last) >= h.quiet {
		n.spent = false
	}
	n.last = now
	if n.timer != nil {
		n.timer.Reset(h.due(n, now))
	}
}

// holding says whether ns holds objects now: it changed within quiet and
// its patience is not spent. It lets an evaluation skip looking for
// dangling references in a namespace at rest, the common case.
func (h *holds) holding(ns string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.holdingLocked(h.namespaces[ns], time.Now())
}

func (h *holds) holdingLocked(n *namespaceHolds, now time.Time) bool {
	return n != nil && !n.spent && now.Sub(n.last) < h.quiet
}

// hold holds ref, whose references do not all resolve, until its namespace
// settles; false when the namespace is not holding (settled, or its
// patience spent), and ref is to be judged now.
func (h *holds) hold(ref policy.ObjectRef) bool {
	now := time.Now()
	h.mu.Lock()
	defer h.mu.Unlock()
	n := h.namespaces[ref.Namespace]
	if !h.holdingLocked(n, now) {
		return false
	}
	if n.first.IsZero() {
		n.first = now
	}
	if n.held == nil {
		n.held = map[policy.ObjectRef]struct{}{}
	}
	n.held[ref] = struct{}{}
	if n.timer == nil {
		ns := ref.Namespace
		n.timer = time.AfterFunc(h.due(n, now), func() { h.settled(ns) })
	}
	return true
}

// due is how long after now n's held objects are released.
func (h *holds) due(n *namespaceHolds, now time.Time) time.Duration {
	at := n.last.Add(h.quiet)
	if !n.first.IsZero() {
		at = minTime(at, n.first.Add(h.patience))
	}
	return max(at.Sub(now), 0)
}

// settled releases the held objects of ns once it has settled or run out
// of patience.
func (h *holds) settled(ns string) {
	now := time.Now()
	h.mu.Lock()
	n := h.namespaces[ns]
	if n == nil || n.timer == nil {
		h.mu.Unlock()
		return
	}
	if d := h.due(n, now); d > 0 {
		// A change came in after the timer fired.
		n.timer.Reset(d)
		h.mu.Unlock()
		return
	}
	held := n.held
	if now.Sub(n.last) >= h.quiet {
		delete(h.namespaces, ns)
	} else {
		n.spent, n.first, n.held, n.timer = true, time.Time{}, nil, nil
	}
	h.mu.Unlock()
	h.release(policy.Impact{Objects: slices.Collect(maps.Keys(held))})
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
