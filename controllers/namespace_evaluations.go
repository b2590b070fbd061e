package controllers

import (
	"context"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/orgplane/orgplane/internal/policy"
)

// namespaceEvaluations shares one evaluation of a namespace among the
// reconcilers that read all of it (its Organization, each GovernancePolicy,
// its policy reports): each would otherwise judge every object of the
// namespace on every request, several times per change. An evaluation
// stays current until the fan-out delivers a change that concerns the
// namespace (changed), until a caller holds its own object in a later
// spec than the evaluation read, or until the instant it said it changes
// at (RequeueAt). Status writes do not reach the fan-out, and no rule reads a
// status, so converging objects do not invalidate it.
type namespaceEvaluations struct {
	// fresh evaluates a namespace over the cache.
	fresh    func(ctx context.Context, ns string, now time.Time) (*policy.Evaluation, error)
	inflight singleflight.Group

	mu sync.Mutex
	// generation counts the changes delivered per namespace.
	generation map[string]uint64
	current    map[string]namespaceEvaluation
}

type namespaceEvaluation struct {
	generation uint64
	ev         *policy.Evaluation
}

func newNamespaceEvaluations(fresh func(ctx context.Context, ns string, now time.Time) (*policy.Evaluation, error)) *namespaceEvaluations {
	return &namespaceEvaluations{fresh: fresh, generation: map[string]uint64{}, current: map[string]namespaceEvaluation{}}
}

// changed outdates the evaluations of namespaces. The fan-out calls it
// before it enqueues the change's requests, so that they evaluate anew.
func (n *namespaceEvaluations) changed(namespaces []string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, ns := range namespaces {
		n.generation[ns]++
		delete(n.current, ns)
	}
}

// evaluate returns the evaluation of ns at now: the shared one while it is
// current, else a new one over the cache (one at a time per namespace and
// generation, the others waiting for it). read, when given, says whether an
// evaluation read the caller's object as the caller holds it: a
// reconciler's own watch may deliver a change before the fan-out does, and
// the shared evaluation would then judge what the object was. The result is
// shared: callers must not modify it.
func (n *namespaceEvaluations) evaluate(ctx context.Context, ns string, now time.Time, read func(*policy.Evaluation) bool) (*policy.Evaluation, error) {
	ev, err := n.shared(ctx, ns, now)
	if err != nil || read == nil || read(ev) {
		return ev, err
	}
	// Outdate it for everyone: the evaluation that follows begins after the
	// caller read its object, so it reads the object too.
	n.changed([]string{ns})
	return n.shared(ctx, ns, now)
}

func (n *namespaceEvaluations) shared(ctx context.Context, ns string, now time.Time) (*policy.Evaluation, error) {
	n.mu.Lock()
	gen := n.generation[ns]
	cur, ok := n.current[ns]
	n.mu.Unlock()
	if ok && cur.generation == gen && upTo(cur.ev, now) {
		return cur.ev, nil
	}
	// A later generation must not join an evaluation that may predate its
	// change, hence the generation in the key.
	v, err, _ := n.inflight.Do(ns+"/"+strconv.FormatUint(gen, 10), func() (any, error) {
		ev, err := n.fresh(ctx, ns, now)
		if err != nil {
			return nil, err
		}
		n.mu.Lock()
		defer n.mu.Unlock()
		// A change delivered meanwhile may not be in what was read: then
		// the result serves the callers waiting for it, and no later one.
		if n.generation[ns] == gen {
			n.current[ns] = namespaceEvaluation{generation: gen, ev: ev}
		}
		return ev, nil
	})
	if err != nil {
		return nil, err
	}
	if ev := v.(*policy.Evaluation); upTo(ev, now) {
		return ev, nil
	}
	// The shared evaluation ran at an earlier instant, and its result
	// changed since (a team expired in between).
	return n.fresh(ctx, ns, now)
}

// upTo reports whether ev still holds at now.
func upTo(ev *policy.Evaluation, now time.Time) bool {
	return ev.RequeueAt == nil || now.Before(*ev.RequeueAt)
}
