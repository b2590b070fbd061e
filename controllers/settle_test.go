package controllers

import (
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

func newTestQueue(t *testing.T) workqueue.TypedRateLimitingInterface[reconcile.Request] {
	q := workqueue.NewTypedRateLimitingQueue(workqueue.DefaultTypedControllerRateLimiter[reconcile.Request]())
	t.Cleanup(q.ShutDown)
	return q
}

// take waits for the queue's next request, or fails after a while.
func take(t *testing.T, q workqueue.TypedRateLimitingInterface[reconcile.Request]) reconcile.Request {
	t.Helper()
	got := make(chan reconcile.Request, 1)
	go func() {
		r, _ := q.Get()
		q.Done(r)
		got <- r
	}()
	select {
	case r := <-got:
		return r
	case <-time.After(30 * time.Second):
		t.Fatal("no request was enqueued")
		return reconcile.Request{}
	}
}

func TestSettlerEnqueuesABurstOnce(t *testing.T) {
	q := newTestQueue(t)
	s := newSettler(q, 20*time.Millisecond, time.Hour)
	a := reconcile.Request{NamespacedName: types.NamespacedName{Namespace: "a"}}
	b := reconcile.Request{NamespacedName: types.NamespacedName{Namespace: "b"}}
	for range 100 {
		s.add(a)
	}
	s.add(b)
	got := map[reconcile.Request]bool{take(t, q): true, take(t, q): true}
	if !got[a] || !got[b] {
		t.Errorf("enqueued %v, want a and b", got)
	}
	time.Sleep(100 * time.Millisecond) // four quiet periods: any late timer has fired
	if n := q.Len(); n != 0 {
		t.Errorf("%d more requests after the burst settled, want none", n)
	}
}

// A namespace that keeps changing is still summed up, at the latest
// patience after its first change.
func TestSettlerDoesNotWaitForeverOnAStream(t *testing.T) {
	q := newTestQueue(t)
	s := newSettler(q, time.Hour, 20*time.Millisecond)
	r := reconcile.Request{NamespacedName: types.NamespacedName{Namespace: "a"}}
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
				s.add(r)
				time.Sleep(time.Millisecond)
			}
		}
	}()
	if got := take(t, q); got != r {
		t.Errorf("enqueued %v, want %v", got, r)
	}
}
