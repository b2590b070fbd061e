package controllers

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orgplane/orgplane/internal/policy"
)

// countingEvaluator stands in for an evaluation over the cache: each call
// returns a new Evaluation, changing at requeueAt when set.
type countingEvaluator struct {
	calls     atomic.Int32
	requeueAt *time.Time
	// block, when set, holds each call until it is closed.
	block chan struct{}
}

func (c *countingEvaluator) fresh(context.Context, string, time.Time) (*policy.Evaluation, error) {
	c.calls.Add(1)
	if c.block != nil {
		<-c.block
	}
	return &policy.Evaluation{RequeueAt: c.requeueAt}, nil
}

func TestNamespaceEvaluationsShareUntilAChange(t *testing.T) {
	ctx, now := context.Background(), time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	c := &countingEvaluator{}
	n := newNamespaceEvaluations(c.fresh)
	get := func(ns string, at time.Time) *policy.Evaluation {
		t.Helper()
		ev, err := n.evaluate(ctx, ns, at, nil)
		if err != nil {
			t.Fatal(err)
		}
		return ev
	}

	first := get("a", now)
	if get("a", now) != first || get("a", now.Add(time.Hour)) != first {
		t.Error("an unchanged namespace was evaluated again")
	}
	other := get("b", now)
	n.changed([]string{"a"})
	if get("a", now) == first {
		t.Error("a change to the namespace kept its evaluation")
	}
	if get("b", now) != other {
		t.Error("a change to another namespace outdated this one's evaluation")
	}
	if got := c.calls.Load(); got != 3 {
		t.Errorf("%d evaluations, want 3 (a, b, a after its change)", got)
	}
}

func TestNamespaceEvaluationsExpireAtRequeueAt(t *testing.T) {
	ctx, now := context.Background(), time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	at := now.Add(time.Minute)
	c := &countingEvaluator{requeueAt: &at}
	n := newNamespaceEvaluations(c.fresh)
	first, _ := n.evaluate(ctx, "a", now, nil)
	if ev, _ := n.evaluate(ctx, "a", at.Add(-time.Nanosecond), nil); ev != first {
		t.Error("evaluated again before the instant the evaluation changes at")
	}
	if ev, _ := n.evaluate(ctx, "a", at, nil); ev == first {
		t.Error("kept an evaluation past the instant it changes at (a team's expiry)")
	}
}

// A caller that saw a change must not be handed an evaluation that started
// before it, which may not have read the change.
func TestNamespaceEvaluationsInFlightDuringAChange(t *testing.T) {
	ctx, now := context.Background(), time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	c := &countingEvaluator{block: make(chan struct{})}
	n := newNamespaceEvaluations(c.fresh)
	var wg sync.WaitGroup
	var before, after *policy.Evaluation
	wg.Go(func() { before, _ = n.evaluate(ctx, "a", now, nil) })
	for c.calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	n.changed([]string{"a"})
	wg.Go(func() { after, _ = n.evaluate(ctx, "a", now, nil) })
	for c.calls.Load() < 2 {
		time.Sleep(time.Millisecond)
	}
	close(c.block)
	wg.Wait()
	if before == after {
		t.Error("the caller after the change joined the evaluation begun before it")
	}
	if ev, _ := n.evaluate(ctx, "a", now, nil); ev != after {
		t.Error("the evaluation begun after the change is not the one kept")
	}
}

// A reconciler's own watch may deliver a change before the fan-out does:
// the shared evaluation then has not read the caller's object, and must not
// serve it, nor anyone after it.
func TestNamespaceEvaluationsReadTheCallersObject(t *testing.T) {
	ctx, now := context.Background(), time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	c := &countingEvaluator{}
	n := newNamespaceEvaluations(c.fresh)
	before, _ := n.evaluate(ctx, "a", now, nil)
	after, _ := n.evaluate(ctx, "a", now, func(ev *policy.Evaluation) bool { return ev != before })
	if after == before {
		t.Error("handed the caller an evaluation that had not read its object")
	}
	if ev, _ := n.evaluate(ctx, "a", now, nil); ev != after {
		t.Error("the evaluation that read the caller's object is not the one kept")
	}
	if got := c.calls.Load(); got != 2 {
		t.Errorf("%d evaluations, want 2", got)
	}
}
