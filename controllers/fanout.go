package controllers

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/go-logr/logr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	toolscache "k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/cachegraph"
	"github.com/orgplane/orgplane/internal/policy"
)

// fanout delivers each change of an orgplane object to every reconciler it
// concerns. What a change concerns is policy.ImpactOf, the rules' declared
// dependencies walked backward over the cache's index: computed once,
// whatever the number of reconcilers, each of which then takes its own
// requests out of it (the objects of its kind, or the namespaces for the
// policy reports). The changes that arrive while one walk runs are walked
// together, in the next: during a bulk apply one walk takes many changes,
// and the fan-out never falls further behind than one walk.
type fanout struct {
	cache  cache.Cache
	reader client.Reader // the cache, with cachegraph's index
	log    logr.Logger
	teams  *policy.TeamHierarchy // the reconcilers', told of every change
	// namespaces learns of each change before its requests are enqueued.
	namespaces *namespaceEvaluations
	// holds learns of each change, and the fan-out delivers what it
	// releases.
	holds *holds

	pendingMu sync.Mutex
	pending   []metav1.Object // versions of the changes not walked yet
	wake      chan struct{}   // a change is pending

	mu       sync.Mutex
	sinks    []sink
	expected int           // sinks to wait for before watching
	synced   chan struct{} // closed once the handlers have seen every object
	err      error         // why they could not be added, once synced is closed
}

// sink is one reconciler's queue and what it wants of an impact.
type sink struct {
	queue    workqueue.TypedRateLimitingInterface[reconcile.Request]
	requests func(policy.Impact) []reconcile.Request
	// settle, when set, holds the requests until their changes settle.
	settle *settler
}

// namespaceWide is how long the reconcilers that evaluate a whole
// namespace (Organization, GovernancePolicy, the policy reports) wait for
// its changes to settle, and namespaceWidePatience the longest they wait:
// during a bulk apply every change concerns them, and each evaluation and
// status write costs what the namespace holds (a policy report of 10,000
// objects is ten objects of 800 kB). Measured in docs/performance.md.
const (
	namespaceWide         = time.Second
	namespaceWidePatience = 10 * time.Second
)

func newFanout(c cache.Cache, reader client.Reader, log logr.Logger, teams *policy.TeamHierarchy, namespaces *namespaceEvaluations, h *holds) *fanout {
	f := &fanout{cache: c, reader: reader, log: log, teams: teams, namespaces: namespaces, holds: h, synced: make(chan struct{}), wake: make(chan struct{}, 1)}
	h.release = f.deliver
	return f
}

// source is the source of one reconciler's requests. Every source is made
// before the manager starts, and the fan-out watches once all have started,
// so that no reconciler misses the objects listed first.
// settle says whether its requests wait for their changes to settle
// (namespaceWide).
func (f *fanout) source(requests func(policy.Impact) []reconcile.Request, settle bool) source.Source {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.expected++
	return &fanoutSource{f: f, requests: requests, settle: settle}
}

// fanoutSource is a source.SyncingSource: its controller starts its workers
// once the fan-out's handlers have seen every object.
type fanoutSource struct {
	f        *fanout
	requests func(policy.Impact) []reconcile.Request
	settle   bool
}

func (s *fanoutSource) Start(ctx context.Context, q workqueue.TypedRateLimitingInterface[reconcile.Request]) error {
	f := s.f
	f.mu.Lock()
	defer f.mu.Unlock()
	k := sink{queue: q, requests: s.requests}
	if s.settle {
		k.settle = newSettler(q, namespaceWide, namespaceWidePatience)
	}
	f.sinks = append(f.sinks, k)
	if len(f.sinks) == f.expected {
		go f.watch(ctx)
	}
	return nil
}

func (s *fanoutSource) WaitForSync(ctx context.Context) error {
	select {
	case <-s.f.synced:
		return s.f.err
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.Canceled) {
			return nil
		}
		return ctx.Err()
	}
}

// watch adds the fan-out's handler to the informer of every kind, and walks
// the changes it hears of, until ctx ends.
func (f *fanout) watch(ctx context.Context) {
	defer close(f.synced)
	go f.walk(ctx)
	handler := toolscache.ResourceEventHandlerDetailedFuncs{
		AddFunc: func(obj any, initial bool) {
			if initial {
				f.listed(obj)
				return
			}
			f.changed(nil, obj)
		},
		UpdateFunc: func(old, obj any) { f.changed(old, obj) },
		DeleteFunc: func(obj any) { f.changed(obj, nil) },
	}
	for _, k := range orgv1.Kinds {
		inf, err := f.cache.GetInformer(ctx, k.New())
		if err != nil {
			f.err = err
			return
		}
		reg, err := inf.AddEventHandler(handler)
		if err != nil {
			f.err = err
			return
		}
		context.AfterFunc(ctx, func() { _ = inf.RemoveEventHandler(reg) })
		if !toolscache.WaitForCacheSync(ctx.Done(), reg.HasSynced) {
			return
		}
	}
}

// changed takes one event for the next walk: old and obj are the object
// before and after it, nil on a creation or deletion.
func (f *fanout) changed(old, obj any) {
	before, after := object(old), object(obj)
	if before != nil && after != nil && !specOrLabels.Update(event.UpdateEvent{ObjectOld: before, ObjectNew: after}) {
		return
	}
	// Before any delivery: the evaluations the change causes must not see
	// the places it moved, and one under way that saw them is among those.
	f.teams.Changed(before, after)
	for _, o := range []client.Object{before, after} {
		if o != nil {
			f.holds.changed(o.GetNamespace())
		}
	}
	f.pendingMu.Lock()
	f.pending = append(f.pending, before, after)
	f.pendingMu.Unlock()
	select {
	case f.wake <- struct{}{}:
	default: // already woken
	}
}

// walk fans out the pending changes, all of them at once each time, until
// ctx ends.
func (f *fanout) walk(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-f.wake:
		}
		f.pendingMu.Lock()
		versions := f.pending
		f.pending = nil
		f.pendingMu.Unlock()
		g := cachegraph.New(ctx, f.reader)
		impact := policy.ImpactOf(g, versions...)
		if err := g.Err(); err != nil {
			f.log.Error(err, "fanning out changes; they may reach fewer objects than they should", "changes", len(versions)/2)
		}
		f.deliver(impact)
	}
}

// listed fans out an object of an informer's initial list: it concerns
// itself and its namespace only, since every listed object is reconciled
// once the caches have synced. Walking each one's impact instead costs time
// quadratic in the namespace (3.5 minutes for 10,000 objects), beyond the
// controllers' cache sync timeout.
func (f *fanout) listed(obj any) {
	o := object(obj)
	kind, ok := orgv1.KindOf(o)
	if !ok {
		return
	}
	f.deliver(policy.Impact{
		Objects:    []policy.ObjectRef{{Kind: kind, Namespace: o.GetNamespace(), Name: o.GetName()}},
		Namespaces: []string{o.GetNamespace()},
	})
}

// deliver hands each sink its requests of an impact.
func (f *fanout) deliver(impact policy.Impact) {
	f.namespaces.changed(impact.Namespaces)
	for _, s := range f.sinks {
		for _, r := range s.requests(impact) {
			if s.settle != nil {
				s.settle.add(r)
			} else {
				s.queue.Add(r)
			}
		}
	}
}

// object is an informer's object as a client.Object; nil for none.
func object(o any) client.Object {
	if d, ok := o.(toolscache.DeletedFinalStateUnknown); ok {
		o = d.Obj
	}
	obj, _ := o.(client.Object)
	return obj
}

// objectsOf picks out of an impact the requests of the objects of kind.
func objectsOf(kind orgv1.Kind) func(policy.Impact) []reconcile.Request {
	return func(imp policy.Impact) []reconcile.Request {
		var out []reconcile.Request
		for _, o := range imp.Objects {
			if o.Kind == kind {
				out = append(out, reconcile.Request{NamespacedName: types.NamespacedName{Namespace: o.Namespace, Name: o.Name}})
			}
		}
		return out
	}
}
