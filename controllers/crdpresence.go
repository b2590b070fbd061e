package controllers

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"
)

// crdRequest is the request for an optional CRD itself (namespaces never
// are ""): every event of the CRD maps to it, so that one installed but not
// served yet is retried on the workqueue's clock rather than missed once
// its last event has passed.
var crdRequest = reconcile.Request{NamespacedName: types.NamespacedName{Name: "orgplane-optional-crd"}}

// crdPresence follows an optional CRD (the policy reports'): whether its API
// is served, each change logged once, and a watch on its objects that runs
// exactly while it is (a watch on a missing API would only retry and log).
// The reconciler that writes the API's objects watches the CRD through it
// (watchCRD), reconciles crdRequest with reconcile, and asks served and
// going before it writes.
type crdPresence struct {
	noun    string                   // what the API's objects are called ("report")
	crd     string                   // the CRD's name
	install string                   // where it is shipped, for the log
	newList func() client.ObjectList // of the API's objects
	reader  client.Reader            // the apiserver
	cache   cache.Cache
	log     logr.Logger
	// objects are the API's objects, metadata only, and watch the watch on
	// them to run while the API is served.
	objects *metav1.PartialObjectMetadata
	watch   func(*metav1.PartialObjectMetadata) source.Source

	available atomic.Bool
	absent    atomic.Bool  // the CRD was found missing (and that was logged)
	unserved  atomic.Int32 // retries of an installed CRD not served yet

	mu       sync.Mutex
	ctrl     controller.Controller // nil until started
	watching bool
}

// watchCRD adds the watch on the CRD (metadata only) to a controller.
func (p *crdPresence) watchCRD(b *builder.Builder) *builder.Builder {
	return b.Watches(crdMetadata(), handler.EnqueueRequestsFromMapFunc(func(context.Context, client.Object) []reconcile.Request {
		return []reconcile.Request{crdRequest}
	}), builder.WithPredicates(predicate.NewPredicateFuncs(func(o client.Object) bool { return o.GetName() == p.crd })))
}

// start hands p the controller that runs the watch on the API's objects.
func (p *crdPresence) start(ctx context.Context, c controller.Controller) {
	p.mu.Lock()
	p.ctrl = c
	p.mu.Unlock()
	p.syncWatch(ctx)
}

// served tells whether the API was served at the latest look.
func (p *crdPresence) served() bool { return p.available.Load() }

// syncWatch starts or stops the watch on the API's objects as the CRD comes
// and goes, after the latest probe: calls that race settle on the current
// state. Before start it does nothing.
func (p *crdPresence) syncWatch(ctx context.Context) {
	p.mu.Lock()
	defer p.mu.Unlock()
	on := p.available.Load()
	if p.ctrl == nil || p.watching == on {
		return
	}
	if !on {
		if err := p.cache.RemoveInformer(ctx, p.objects); err != nil {
			p.log.Error(err, "stopping the watch on "+p.noun+"s", "crd", p.crd)
		}
		p.watching = false
		return
	}
	if err := p.ctrl.Watch(p.watch(p.objects)); err != nil {
		p.log.Error(err, "watching "+p.noun+"s", "crd", p.crd)
		return
	}
	p.watching = true
}

// crdMetadata is an empty CustomResourceDefinition, metadata only.
func crdMetadata() *metav1.PartialObjectMetadata {
	crd := &metav1.PartialObjectMetadata{}
	crd.SetGroupVersionKind(schema.GroupVersionKind{Group: "apiextensions.k8s.io", Version: "v1", Kind: "CustomResourceDefinition"})
	return crd
}

// probe looks for the API (a List of one object, which maps the kind
// through the RESTMapper first) and logs each change of its presence once.
// It tells whether the API just became served. (The transition is taken
// here, atomically, because a reconcile that finds the CRD gone may flip it
// concurrently.)
func (p *crdPresence) probe(ctx context.Context) (became bool) {
	err := p.reader.List(ctx, p.newList(), client.Limit(1))
	switch {
	case err == nil:
		if !p.available.Swap(true) {
			// Not inline: probe also runs during setup, and starting a
			// watch must not hold up a reconcile (nor end with it).
			go p.syncWatch(context.WithoutCancel(ctx))
			if p.absent.Swap(false) {
				p.log.Info("the "+p.noun+" CRD is installed now: writing "+p.noun+"s", "crd", p.crd)
			}
			return true
		}
	case p.missing(err):
		p.gone(ctx)
	default:
		p.log.V(1).Info("cannot tell yet whether the "+p.noun+" CRD is installed", "crd", p.crd, "error", err.Error())
	}
	return false
}

// missing tells whether err says the API does not exist, or is going away:
// a CRD being deleted refuses creates (as Forbidden, told apart by its
// message); its deletion event follows.
func (p *crdPresence) missing(err error) bool {
	return meta.IsNoMatchError(err) || apierrors.IsNotFound(err) ||
		apierrors.IsForbidden(err) && strings.Contains(err.Error(), "custom resource definition is terminating")
}

// gone records that the CRD is missing, logging it once.
func (p *crdPresence) gone(ctx context.Context) {
	if p.available.Swap(false) {
		go p.syncWatch(context.WithoutCancel(ctx))
	}
	if !p.absent.Swap(true) {
		p.log.Info("the "+p.noun+" CRD is not installed: writing no "+p.noun+"s until it is (kubectl apply -k "+p.install+")",
			"crd", p.crd)
	}
}

// going tells, from reader, whether the CRD is deleted or being deleted, and
// marks it gone if so. Ask the cache on each reconcile, and the apiserver
// before creating an object: while a CRD terminates, its instances are
// deleted, and creating them again in answer (the deletions may arrive
// before the CRD's change does) would hold up its deletion.
func (p *crdPresence) going(ctx context.Context, reader client.Reader) (bool, error) {
	crd := crdMetadata()
	err := reader.Get(ctx, client.ObjectKey{Name: p.crd}, crd)
	switch {
	case apierrors.IsNotFound(err) || err == nil && crd.DeletionTimestamp != nil:
		p.gone(ctx)
		return true, nil
	case err != nil:
		return false, err
	}
	return false, nil
}

// reconcile follows the CRD, for crdRequest: one being deleted, or deleted,
// is gone (it still lists while it terminates, but refuses creates). An
// installed CRD is served a moment after it is established, which is not an
// event: until it is, it is looked at again, later each time. became tells
// whether the API just became served.
func (p *crdPresence) reconcile(ctx context.Context) (became bool, res reconcile.Result, err error) {
	if going, err := p.going(ctx, p.cache); going || err != nil {
		p.unserved.Store(0)
		return false, reconcile.Result{}, err
	}
	became = p.probe(ctx)
	if !p.available.Load() {
		n := p.unserved.Add(1)
		return false, reconcile.Result{RequeueAfter: min(100*time.Millisecond<<min(n, 10), time.Minute)}, nil
	}
	p.unserved.Store(0)
	return became, reconcile.Result{}, nil
}
