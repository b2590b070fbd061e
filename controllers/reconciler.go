package controllers

import (
	"context"
	"errors"

	"k8s.io/apimachinery/pkg/api/equality"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

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
	evaluate evaluator[P]
}

func (r *statusReconciler[T, P]) Reconcile(ctx context.Context, req reconcile.Request) (result reconcile.Result, err error) {
	obj := P(new(T))
	if err := r.client.Get(ctx, req.NamespacedName, obj); err != nil {
		return reconcile.Result{}, client.IgnoreNotFound(err)
	}
	before := obj.DeepCopyObject().(P)
	defer func() {
		if perr := patchStatusIfChanged(ctx, r.client, before, obj); perr != nil {
			err = errors.Join(err, perr)
		}
	}()
	return r.evaluate(ctx, obj)
}

// patchStatusIfChanged writes after's status with a merge patch against
// before. The optimistic lock makes a patch computed from a stale read fail
// (and requeue) instead of overwriting a newer status.
func patchStatusIfChanged(ctx context.Context, c client.Client, before, after orgv1.Object) error {
	if equality.Semantic.DeepEqual(before, after) {
		return nil
	}
	patch := client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{})
	return client.IgnoreNotFound(c.Status().Patch(ctx, after, patch, client.FieldOwner(FieldManager)))
}
