// Package controllers holds orgplane's reconcilers, one per kind. Each fetches
// its object, evaluates it with the policy engine over the informer cache, and
// writes its status once, only when it changed.
//
// Cross-object dependencies (see internal/policy's package doc for the rules)
// reach the reconcilers through one field index, refsIndex, and
// handler.EnqueueRequestsFromMapFunc: a change to an object enqueues exactly
// the objects whose findings depend on it.
package controllers

import (
	"context"
	"errors"
	"strings"
	"time"

	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/policy"
)

// +kubebuilder:rbac:groups=org.orgplane.io,resources=organizations;teams;platforms;steeringcommittees;responsibilitymatrices;governancepolicies,verbs=get;list;watch
// +kubebuilder:rbac:groups=org.orgplane.io,resources=organizations/status;teams/status;platforms/status;steeringcommittees/status;responsibilitymatrices/status;governancepolicies/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=core,resources=events,verbs=create;patch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// Options tune the reconcilers.
type Options struct {
	// MaxConcurrentReconciles is the number of workers per kind.
	MaxConcurrentReconciles int
	// Engine evaluates the policies; a default one when nil.
	Engine *policy.Engine
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// ReportAPI is the policy report shape kept per namespace:
	// ReportAPIPolicyReport, ReportAPIOpenReports, or none ("" or
	// ReportAPINone). See policyreport_controller.go.
	ReportAPI string
}

// SetupIndexes registers the field index every reconciler's fan-out uses.
func SetupIndexes(ctx context.Context, mgr ctrl.Manager) error {
	var errs []error
	for _, k := range orgv1.Kinds {
		errs = append(errs, mgr.GetFieldIndexer().IndexField(ctx, k.New(), refsIndex, func(o client.Object) []string {
			refs := policy.References(o)
			keys := make([]string, len(refs))
			for i, r := range refs {
				keys[i] = r.String()
			}
			return keys
		}))
	}
	return errors.Join(errs...)
}

// SetupReconcilers registers one reconciler per orgplane kind with the manager,
// and the policy report reconciler when opts.ReportAPI asks for one.
func SetupReconcilers(mgr ctrl.Manager, opts Options) error {
	if opts.Engine == nil {
		e, err := policy.NewEngine(policy.Options{})
		if err != nil {
			return err
		}
		opts.Engine = e
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	d := &deps{reader: mgr.GetClient(), engine: opts.Engine, now: opts.Now}
	return errors.Join(
		register(mgr, d, opts, orgv1.KindOrganization, d.evaluateOrganization),
		register(mgr, d, opts, orgv1.KindTeam, judge[*orgv1.Team](d, orgv1.KindTeam, nil)),
		register(mgr, d, opts, orgv1.KindPlatform, judge[*orgv1.Platform](d, orgv1.KindPlatform, nil)),
		register(mgr, d, opts, orgv1.KindSteeringCommittee, judge(d, orgv1.KindSteeringCommittee, committeeRollup)),
		register(mgr, d, opts, orgv1.KindResponsibilityMatrix, judge[*orgv1.ResponsibilityMatrix](d, orgv1.KindResponsibilityMatrix, nil)),
		register(mgr, d, opts, orgv1.KindGovernancePolicy, d.evaluatePolicy),
		setupReports(mgr, d, opts),
	)
}

// specOrLabels lets through creations, deletions and updates of what
// evaluation reads (spec, via the generation, and labels, via selectors), so
// other objects' status writes fan out to nothing. An object's own status
// writes do come back to its reconciler (For has no predicate): re-evaluating
// then confirms the write against a fresh cache, writes nothing, and mends a
// status that a stale cache let slip.
var specOrLabels = predicate.Or(predicate.GenerationChangedPredicate{}, predicate.LabelChangedPredicate{})

func register[T any, P interface {
	*T
	orgv1.Object
}](mgr ctrl.Manager, d *deps, opts Options, kind orgv1.Kind, evaluate evaluator[P]) error {
	b := ctrl.NewControllerManagedBy(mgr).
		For(P(new(T))).
		Named(strings.ToLower(string(kind))).
		WithOptions(controller.Options{
			MaxConcurrentReconciles: opts.MaxConcurrentReconciles,
			// One malformed object must never take the controller down.
			RecoverPanic: ptr.To(true),
		})
	for _, k := range orgv1.Kinds {
		b = b.Watches(k.New(), handler.EnqueueRequestsFromMapFunc(d.dependents(kind)), builder.WithPredicates(specOrLabels))
	}
	return b.Complete(&statusReconciler[T, P]{
		client:   mgr.GetClient(),
		kind:     kind,
		evaluate: evaluate,
		recorder: mgr.GetEventRecorder("orgplane-controller"),
	})
}
