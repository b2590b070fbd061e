// Package controllers holds orgplane's reconcilers, one per kind. Each fetches
// its object, evaluates it with the policy engine over the informer cache, and
// writes its status once, only when it changed.
//
// Cross-object dependencies reach the reconcilers through one fan-out
// (fanout.go): each change is walked back along the rules' declared
// dependencies (policy.ImpactOf, over cachegraph's field index) once, and
// enqueues exactly the objects whose findings or status may depend on it.
package controllers

import (
	"context"
	"errors"
	"strings"
	"time"

	"golang.org/x/time/rate"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/recorder"

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
	// EventQPS and EventBurst bound the events emitted, all reconcilers
	// together (limitedRecorder); a QPS of zero or less sets no bound.
	EventQPS   float64
	EventBurst int
}

// SetupReconcilers registers one reconciler per orgplane kind with the manager,
// and the policy report reconciler when opts.ReportAPI asks for one. The
// manager must have the field index of cachegraph.SetupIndexes.
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
	d := &deps{reader: mgr.GetClient(), engine: opts.Engine, now: opts.Now, teams: policy.NewTeamHierarchy(),
		writes: newStatusWrites(namespaceWide, reportPatience, opts.Now), holds: newHolds(namespaceWide, holdPatience), echoes: newEchoes()}
	d.namespaces = newNamespaceEvaluations(d.evaluateNamespace)
	f := newFanout(mgr.GetCache(), mgr.GetClient(), mgr.GetLogger().WithName("fanout"), d.teams, d.namespaces, d.holds)
	limit := rate.Inf
	if opts.EventQPS > 0 {
		limit = rate.Limit(opts.EventQPS)
	}
	rec := limitedRecorder{mgr.GetEventRecorder("orgplane-controller"), rate.NewLimiter(limit, opts.EventBurst)}
	return errors.Join(
		register(mgr, f, d, opts, rec, orgv1.KindOrganization, d.evaluateOrganization),
		register(mgr, f, d, opts, rec, orgv1.KindTeam, judge[*orgv1.Team](d, orgv1.KindTeam, nil)),
		register(mgr, f, d, opts, rec, orgv1.KindPlatform, judge[*orgv1.Platform](d, orgv1.KindPlatform, nil)),
		register(mgr, f, d, opts, rec, orgv1.KindSteeringCommittee, judge(d, orgv1.KindSteeringCommittee, committeeRollup)),
		register(mgr, f, d, opts, rec, orgv1.KindResponsibilityMatrix, judge[*orgv1.ResponsibilityMatrix](d, orgv1.KindResponsibilityMatrix, nil)),
		register(mgr, f, d, opts, rec, orgv1.KindGovernancePolicy, d.evaluatePolicy),
		setupReports(mgr, d, f, opts),
	)
}

// specOrLabels lets through creations, deletions and updates of what
// evaluation reads (spec, via the generation; labels, via selectors; and
// labels and annotations, via CEL's views of objects), so other objects'
// status writes fan out to nothing. An object's own status updates do come
// back to its reconciler (delayedStatusEvents delays them), except the
// echoes of its own writes: another writer's status is then mended.
var specOrLabels = predicate.Or(predicate.GenerationChangedPredicate{}, predicate.LabelChangedPredicate{}, predicate.AnnotationChangedPredicate{})

func register[T any, P interface {
	*T
	orgv1.Object
}](mgr ctrl.Manager, f *fanout, d *deps, opts Options, rec recorder.EventRecorder, kind orgv1.Kind, evaluate evaluator[P]) error {
	b := ctrl.NewControllerManagedBy(mgr).
		Named(strings.ToLower(string(kind))).
		WithOptions(controller.Options{
			MaxConcurrentReconciles: opts.MaxConcurrentReconciles,
			// One malformed object must never take the controller down.
			RecoverPanic: ptr.To(true),
		})
	notEcho := builder.WithPredicates(predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
		return !d.echoes.echo(objectID{kind, client.ObjectKeyFromObject(e.ObjectNew)}, e.ObjectNew.GetResourceVersion())
	}})
	wide := kind == orgv1.KindOrganization || kind == orgv1.KindGovernancePolicy
	if wide {
		b = b.Watches(P(new(T)), delayedStatusEvents(namespaceWidePatience), notEcho)
	} else {
		b = b.For(P(new(T)), notEcho)
	}
	return b.WatchesRawSource(f.source(objectsOf(kind), wide)).Complete(&statusReconciler[T, P]{
		client:   mgr.GetClient(),
		kind:     kind,
		evaluate: evaluate,
		recorder: rec,
		writes:   d.writes,
		echoes:   d.echoes,
	})
}

// delayedStatusEvents enqueues an object on its own events, as For does,
// except its status-only updates, which wait delay. Those are rarely the
// echo of its own write (dropped before, see echoes) but may be: one that
// outran the patch's response, before the write was known. A namespace-wide
// object would then re-evaluate, at once, a namespace that an org being
// applied has changed again, and write again, as fast as it can evaluate
// (a 1 s wait let a bulk apply of 5,000 objects rewrite the Organization 37
// times). The changes themselves reach it through the fan-out, once they
// settle; another writer's status is mended after delay.
func delayedStatusEvents(delay time.Duration) handler.EventHandler {
	enqueue := &handler.EnqueueRequestForObject{}
	return handler.Funcs{
		CreateFunc: enqueue.Create, DeleteFunc: enqueue.Delete, GenericFunc: enqueue.Generic,
		UpdateFunc: func(ctx context.Context, e event.UpdateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			if specOrLabels.Update(e) {
				enqueue.Update(ctx, e, q)
				return
			}
			q.AddAfter(reconcile.Request{NamespacedName: client.ObjectKeyFromObject(e.ObjectNew)}, delay)
		},
	}
}
