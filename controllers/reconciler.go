package controllers

import (
	"context"
	"errors"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/recorder"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// FieldManager owns every status field the controller writes.
const FieldManager = "orgplane-controller"

// evaluator computes an object's new status in place and says when, if ever,
// it must be looked at again without a change (a team's expiry).
type evaluator[P orgv1.Object] func(ctx context.Context, obj P) (reconcile.Result, error)

// statusReconciler is the shape every orgplane reconciler shares: fetch the
// object, evaluate it, and patch its status once, in a deferred call, only
// when the status differs from what the apiserver has.
type statusReconciler[T any, P interface {
	*T
	orgv1.Object
}] struct {
	client   client.Client
	kind     orgv1.Kind
	evaluate evaluator[P]
	recorder recorder.EventRecorder
	writes   *statusWrites
	echoes   *echoes
}

func (r *statusReconciler[T, P]) Reconcile(ctx context.Context, req reconcile.Request) (result reconcile.Result, err error) {
	obj := P(new(T))
	id := objectID{r.kind, req.NamespacedName}
	if err := r.client.Get(ctx, req.NamespacedName, obj); err != nil {
		if client.IgnoreNotFound(err) == nil {
			forgetObject(id)
			r.echoes.forget(id)
		}
		return reconcile.Result{}, client.IgnoreNotFound(err)
	}
	if latest := r.echoes.latest(id, obj.GetResourceVersion()); latest != nil {
		*obj = *latest.DeepCopyObject().(P)
	}
	before := obj.DeepCopyObject().(P)
	defer func() {
		if equality.Semantic.DeepEqual(before, obj) {
			return
		}
		r.echoes.write(id)
		perr := patchStatus(ctx, r.client, before, obj)
		var left orgv1.Object // the object as the write left it
		if perr == nil && obj.GetResourceVersion() != before.GetResourceVersion() {
			left = obj
		}
		r.echoes.wrote(id, before.GetResourceVersion(), left)
		if perr == nil {
			r.writes.wrote(req.Namespace)
			// Only a written transition is news: a patch from a stale read
			// conflicts, and its retry must not announce it twice.
			recordTransitions(r.recorder, before, obj)
		}
		if apierrors.IsConflict(perr) {
			// The cache lagged behind the object. Its newer version may be
			// the echo of an earlier write, which brings nothing back here.
			log.FromContext(ctx).V(1).Info("status patch conflicted with a newer version; retrying")
			result, perr = reconcile.Result{RequeueAfter: conflictRetry}, nil
		}
		err = errors.Join(err, perr)
	}()
	result, err = r.evaluate(ctx, obj)
	observeStalled(id, obj.CommonStatus())
	return result, err
}

// conflictRetry is how soon a reconcile whose status patch conflicted
// looks again, once its cache may have caught up.
const conflictRetry = 100 * time.Millisecond

// patchStatus writes after's status with a merge patch against before. The
// optimistic lock makes a patch computed from a stale read fail (and
// requeue) instead of overwriting a newer status.
func patchStatus(ctx context.Context, c client.Client, before, after orgv1.Object) error {
	patch := client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{})
	return client.IgnoreNotFound(c.Status().Patch(ctx, after, patch, client.FieldOwner(FieldManager)))
}
