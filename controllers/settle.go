package controllers

import (
	"sync"
	"time"

	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// settler enqueues a request once it has stopped being asked for during
// quiet, and at the latest patience after it was first asked for: a
// namespace being applied object by object is summed up once when it
// settles, and every patience while it does not, rather than once per
// window. The workqueue cannot do it: AddAfter keeps a request's earliest
// time.
type settler struct {
	queue           workqueue.TypedRateLimitingInterface[reconcile.Request]
	quiet, patience time.Duration

	mu      sync.Mutex
	pending map[reconcile.Request]*settling
}

// settling is a request waiting to settle.
type settling struct {
	first time.Time
	timer *time.Timer
}

func newSettler(q workqueue.TypedRateLimitingInterface[reconcile.Request], quiet, patience time.Duration) *settler {
	return &settler{queue: q, quiet: quiet, patience: patience, pending: map[reconcile.Request]*settling{}}
}

// add asks for r.
func (s *settler) add(r reconcile.Request) {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.pending[r]; p != nil {
		p.timer.Reset(max(min(s.quiet, p.first.Add(s.patience).Sub(now)), 0))
		return
	}
	p := &settling{first: now}
	p.timer = time.AfterFunc(s.quiet, func() {
		s.mu.Lock()
		if s.pending[r] == p {
			delete(s.pending, r)
		}
		s.mu.Unlock()
		// A timer reset as it fired may add r twice; the queue holds it once.
		s.queue.Add(r)
	})
	s.pending[r] = p
}
