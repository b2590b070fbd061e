// Package controllers holds orgplane's reconcilers, one per kind. Each fetches
// its object, evaluates it, and writes its status once, only when it changed.
package controllers

import (
	"context"
	"errors"
	"strings"

	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// +kubebuilder:rbac:groups=org.orgplane.io,resources=organizations;teams;platforms;steeringcommittees;responsibilitymatrices;governancepolicies,verbs=get;list;watch
// +kubebuilder:rbac:groups=org.orgplane.io,resources=organizations/status;teams/status;platforms/status;steeringcommittees/status;responsibilitymatrices/status;governancepolicies/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=core,resources=events,verbs=create;patch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// Options tune the reconcilers.
type Options struct {
	// MaxConcurrentReconciles is the number of workers per kind.
	MaxConcurrentReconciles int
}

// SetupReconcilers registers one reconciler per orgplane kind with the manager.
func SetupReconcilers(mgr ctrl.Manager, opts Options) error {
	return errors.Join(
		register(mgr, opts, judgedEvaluator[orgv1.Organization]()),
		register(mgr, opts, judgedEvaluator[orgv1.Team]()),
		register(mgr, opts, judgedEvaluator[orgv1.Platform]()),
		register(mgr, opts, judgedEvaluator[orgv1.SteeringCommittee]()),
		register(mgr, opts, judgedEvaluator[orgv1.ResponsibilityMatrix]()),
		register(mgr, opts, policyEvaluator()),
	)
}

func register[T any, P interface {
	*T
	orgv1.Object
}](mgr ctrl.Manager, opts Options, evaluate evaluator[P]) error {
	obj := P(new(T))
	gvk, err := mgr.GetClient().GroupVersionKindFor(obj)
	if err != nil {
		return err
	}
	return ctrl.NewControllerManagedBy(mgr).
		For(obj).
		Named(strings.ToLower(gvk.Kind)).
		WithOptions(controller.Options{
			MaxConcurrentReconciles: opts.MaxConcurrentReconciles,
			// One malformed object must never take the controller down.
			RecoverPanic: ptr.To(true),
		}).
		Complete(&statusReconciler[T, P]{client: mgr.GetClient(), evaluate: evaluate})
}

func judgedEvaluator[T any, P interface {
	*T
	orgv1.Judged
}]() evaluator[P] {
	return func(_ context.Context, obj P) (reconcile.Result, error) {
		v := verdict{}
		setViolations(obj.Judgement(), v.violations)
		setConditions(obj.CommonStatus(), obj.GetGeneration(), v, true)
		return reconcile.Result{}, nil
	}
}

func policyEvaluator() evaluator[*orgv1.GovernancePolicy] {
	return func(_ context.Context, obj *orgv1.GovernancePolicy) (reconcile.Result, error) {
		setConditions(obj.CommonStatus(), obj.GetGeneration(), verdict{}, false)
		return reconcile.Result{}, nil
	}
}
