package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"sigs.k8s.io/controller-runtime/pkg/client"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// tracker follows every orgplane object of one namespace through watches
// started at a list's resourceVersion: which generation each has observed,
// and every write after creation. Nothing but the manager changes an object
// once it exists, so each modification is one status write.
type tracker struct {
	mu         sync.Mutex
	objects    map[string]*tracked
	writes     int
	lastWrite  time.Time
	lastCreate time.Time
	// history is every write, in order: when, and whether it was the
	// object's first.
	history []write
	err     error
}

type write struct {
	at    time.Time
	first bool
}

type tracked struct {
	generation, observed int64
	writes               int
}

// track lists and then watches every kind of ns until ctx is done.
func track(ctx context.Context, c client.WithWatch, ns string) (*tracker, error) {
	t := &tracker{objects: map[string]*tracked{}}
	for _, k := range orgv1.Kinds {
		list := k.NewList()
		if err := c.List(ctx, list, client.InNamespace(ns)); err != nil {
			return nil, fmt.Errorf("listing %ss: %w", k.Kind, err)
		}
		items, err := objectsOf(list)
		if err != nil {
			return nil, err
		}
		for _, o := range items {
			t.objects[string(k.Kind)+"/"+o.GetName()] = &tracked{generation: o.GetGeneration(), observed: o.CommonStatus().ObservedGeneration}
		}
		go t.follow(ctx, c, k, ns, list.GetResourceVersion())
	}
	return t, nil
}

// follow watches the objects of kind k from resourceVersion rv, and again
// from the last one seen when the apiserver ends the watch.
func (t *tracker) follow(ctx context.Context, c client.WithWatch, k orgv1.KindType, ns, rv string) {
	for ctx.Err() == nil {
		w, err := c.Watch(ctx, k.NewList(), client.InNamespace(ns), &client.ListOptions{Raw: &metav1.ListOptions{ResourceVersion: rv, AllowWatchBookmarks: true}})
		if err != nil {
			if ctx.Err() == nil {
				t.fail(fmt.Errorf("watching %ss: %w", k.Kind, err))
			}
			return
		}
		for ev := range w.ResultChan() {
			if ev.Type == watch.Error {
				t.fail(fmt.Errorf("watching %ss: %v", k.Kind, ev.Object))
				w.Stop()
				return
			}
			if o, ok := ev.Object.(orgv1.Object); ok {
				rv = o.GetResourceVersion()
			}
			t.observe(k.Kind, ev)
		}
		w.Stop()
	}
}

func (t *tracker) fail(err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.err = err
}

func (t *tracker) observe(kind orgv1.Kind, ev watch.Event) {
	o, ok := ev.Object.(orgv1.Object)
	if !ok {
		t.fail(fmt.Errorf("watching %ss: unexpected %s event: %v", kind, ev.Type, ev.Object))
		return
	}
	now := time.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	key := string(kind) + "/" + o.GetName()
	obj := t.objects[key]
	switch ev.Type {
	case watch.Added:
		obj = &tracked{}
		t.objects[key] = obj
		t.lastCreate = now
	case watch.Modified:
		if obj == nil {
			obj = &tracked{}
			t.objects[key] = obj
		}
		obj.writes++
		t.writes++
		t.lastWrite = now
		t.history = append(t.history, write{now, obj.writes == 1})
	case watch.Deleted:
		delete(t.objects, key)
		return
	default:
		return
	}
	obj.generation, obj.observed = o.GetGeneration(), o.CommonStatus().ObservedGeneration
}

// snapshot is what the tracker has seen so far.
type snapshot struct {
	objects, current     int // current: observedGeneration == generation
	writes, maxPerObject int
	mostWritten          string // an object with maxPerObject writes
	lastWrite            time.Time
	lastCreate           time.Time
}

func (t *tracker) snapshot() (snapshot, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := snapshot{objects: len(t.objects), writes: t.writes, lastWrite: t.lastWrite, lastCreate: t.lastCreate}
	for key, o := range t.objects {
		if o.observed == o.generation {
			s.current++
		}
		if o.writes > s.maxPerObject || o.writes == s.maxPerObject && key < s.mostWritten {
			s.maxPerObject, s.mostWritten = o.writes, key
		}
	}
	return s, t.err
}

// afterCreates counts the writes after the last create: objects' first
// ones, and the others. It walks every write, so it is asked once, not
// on each of converged's polls.
func (t *tracker) afterCreates() (firsts, rewrites int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, w := range t.history {
		switch {
		case !w.at.After(t.lastCreate):
		case w.first:
			firsts++
		default:
			rewrites++
		}
	}
	return firsts, rewrites
}

// converged waits until the namespace holds want objects, each has observed
// its generation, and no write has happened for quiet; it gives up at
// deadline, or as soon as alive (the manager's) returns an error.
func (t *tracker) converged(ctx context.Context, want int, quiet time.Duration, deadline time.Time, alive func() error) (snapshot, error) {
	for {
		s, err := t.snapshot()
		if err == nil {
			err = alive()
		}
		if err != nil {
			return s, err
		}
		if s.objects >= want && s.current == s.objects && time.Since(s.lastWrite) >= quiet {
			return s, nil
		}
		if time.Now().After(deadline) {
			return s, fmt.Errorf("not converged: %d of %d objects current, %d objects, %d writes", s.current, want, s.objects, s.writes)
		}
		select {
		case <-ctx.Done():
			return s, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// objectsOf is a list's items as orgplane objects.
func objectsOf(l orgv1.ObjectList) ([]orgv1.Object, error) {
	items, err := meta.ExtractList(l)
	out := make([]orgv1.Object, len(items))
	for i, it := range items {
		o, ok := it.(orgv1.Object)
		if !ok {
			return nil, fmt.Errorf("%T is not an orgplane object", it)
		}
		out[i] = o
	}
	return out, err
}
