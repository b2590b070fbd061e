package controllers

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	"github.com/orgplane/orgplane/internal/cachegraph"
	"github.com/orgplane/orgplane/internal/policy"
	"github.com/orgplane/orgplane/internal/policyreport"
	"github.com/orgplane/orgplane/internal/policyreport/api/wgpolicy/v1alpha2"
)

// +kubebuilder:rbac:groups=wgpolicyk8s.io,resources=policyreports,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=openreports.io,resources=reports,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=apiextensions.k8s.io,resources=customresourcedefinitions,verbs=get;list;watch

// reportRequestName names every request of the report reconciler, which is
// keyed by namespace.
const reportRequestName = "orgplane-policy-reports"

// reportReconciler keeps the policy reports of one namespace (the request's
// namespace) in step with the engine's judgements: one result per judged
// object and rule, pass or fail, and one per rule that cannot be evaluated;
// see internal/policyreport for the layout, the stable timestamps and the
// split of large namespaces. It writes only when a report's content
// changed, so at rest it writes nothing.
//
// Reports are read straight from the apiserver (one List per reconcile, by
// label, in the namespace), not cached: a cluster with Kyverno may hold
// thousands of reports that are none of orgplane's business.
//
// While the report CRD is served, the reconciler also watches orgplane's
// reports (metadata only), so that one deleted or edited by someone else is
// written again.
//
// The report CRD is optional; crdPresence follows it. While it is missing,
// the reconciler does nothing; once it is installed and served, every
// namespace is reported.
type reportReconciler struct {
	deps   *deps
	api    reportAPI
	client client.Client // writes
	reader client.Reader // reports, uncached
	limits policyreport.Limits
	crd    *crdPresence
	found  chan event.TypedGenericEvent[string] // namespaces to report once the CRD is served
}

// setupReports registers the report reconciler when opts.ReportAPI asks for
// one.
func setupReports(mgr ctrl.Manager, d *deps, f *fanout, opts Options) error {
	if opts.ReportAPI == "" || opts.ReportAPI == ReportAPINone {
		return nil
	}
	api, ok := reportAPIs[opts.ReportAPI]
	if !ok {
		return fmt.Errorf("unknown report API %q: want %s, %s or %s", opts.ReportAPI, ReportAPIPolicyReport, ReportAPIOpenReports, ReportAPINone)
	}
	r, err := newReportReconciler(mgr, d, api)
	if err != nil {
		return err
	}
	// Detect the CRD now, so that its absence is logged at startup.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r.crd.probe(ctx)

	b := ctrl.NewControllerManagedBy(mgr).
		Named("policyreport").
		WithOptions(controller.Options{
			MaxConcurrentReconciles: opts.MaxConcurrentReconciles,
			RecoverPanic:            ptr.To(true),
		}).
		WatchesRawSource(f.source(r.namespaces, true)).
		WatchesRawSource(source.Channel(r.found, handler.TypedEnqueueRequestsFromMapFunc(
			func(_ context.Context, ns string) []reconcile.Request { return []reconcile.Request{reportRequest(ns)} })))
	c, err := r.crd.watchCRD(b).Build(r)
	if err != nil {
		return err
	}
	r.crd.start(ctx, c)
	return nil
}

// newReportReconciler makes the reconciler of an API's reports, with the
// presence of their CRD and the watch on them (metadata only) that runs
// while it is served.
func newReportReconciler(mgr ctrl.Manager, d *deps, api reportAPI) (*reportReconciler, error) {
	if err := api.addScheme(mgr.GetScheme()); err != nil {
		return nil, err
	}
	gvk, err := apiutil.GVKForObject(api.newObj(), mgr.GetScheme())
	if err != nil {
		return nil, err
	}
	reports := &metav1.PartialObjectMetadata{}
	reports.SetGroupVersionKind(gvk)
	return &reportReconciler{
		deps:   d,
		api:    api,
		client: mgr.GetClient(),
		reader: mgr.GetAPIReader(),
		limits: policyreport.DefaultLimits,
		found:  make(chan event.TypedGenericEvent[string]),
		crd: &crdPresence{
			noun: "report", crd: api.crd, install: api.install, newList: api.newList,
			reader: mgr.GetAPIReader(), cache: mgr.GetCache(), log: mgr.GetLogger().WithName("policyreport").WithValues("api", api.name),
			objects: reports, watch: watchReports(mgr.GetCache()),
		},
	}, nil
}

// reportTampered passes the events that can leave a report orgplane wrote
// other than it wrote it: a deletion, or a change of its content (its
// generation; the report kinds have no status). Creations are orgplane's
// own, or come from the first list, which the other watches already cover.
var reportTampered = predicate.TypedFuncs[*metav1.PartialObjectMetadata]{
	CreateFunc: func(event.TypedCreateEvent[*metav1.PartialObjectMetadata]) bool { return false },
	DeleteFunc: func(e event.TypedDeleteEvent[*metav1.PartialObjectMetadata]) bool { return managed(e.Object) },
	UpdateFunc: func(e event.TypedUpdateEvent[*metav1.PartialObjectMetadata]) bool {
		return managed(e.ObjectNew) && e.ObjectOld.GetGeneration() != e.ObjectNew.GetGeneration()
	},
	GenericFunc: func(event.TypedGenericEvent[*metav1.PartialObjectMetadata]) bool { return false },
}

func managed(o client.Object) bool {
	return o.GetLabels()[policyreport.LabelManagedBy] == policyreport.ManagedBy
}

// watchReports is the watch on orgplane's reports (metadata only) while
// their CRD is served, so that one deleted or edited by someone else is
// written again.
func watchReports(c cache.Cache) func(*metav1.PartialObjectMetadata) source.Source {
	enqueue := handler.TypedEnqueueRequestsFromMapFunc(func(_ context.Context, o *metav1.PartialObjectMetadata) []reconcile.Request {
		return []reconcile.Request{reportRequest(o.GetNamespace())}
	})
	return func(reports *metav1.PartialObjectMetadata) source.Source {
		return source.Kind(c, reports, enqueue, reportTampered)
	}
}

func reportRequest(ns string) reconcile.Request {
	return reconcile.Request{NamespacedName: types.NamespacedName{Namespace: ns, Name: reportRequestName}}
}

// reconcileCRD follows the report CRD (crdPresence.reconcile); once it
// becomes served, every namespace that holds orgplane objects is reported.
func (r *reportReconciler) reconcileCRD(ctx context.Context) (reconcile.Result, error) {
	became, res, err := r.crd.reconcile(ctx)
	if !became || err != nil {
		return res, err
	}
	g := cachegraph.New(ctx, r.deps.reader)
	for _, ns := range g.Namespaces() {
		select {
		case r.found <- event.TypedGenericEvent[string]{Object: ns}:
		case <-ctx.Done():
			return reconcile.Result{}, ctx.Err()
		}
	}
	return reconcile.Result{}, g.Err()
}

// namespaces picks the namespaces out of a change's impact; none while the
// CRD is missing (reconcileCRD reports every namespace once it is served).
func (r *reportReconciler) namespaces(imp policy.Impact) []reconcile.Request {
	if !r.crd.served() {
		return nil
	}
	reqs := make([]reconcile.Request, 0, len(imp.Namespaces))
	for _, ns := range imp.Namespaces {
		reqs = append(reqs, reportRequest(ns))
	}
	return reqs
}

// errCRDGone stops a reconcile, quietly, that found the report CRD gone:
// crdPresence has noted it, and reconcileCRD reports every namespace once
// it is back.
var errCRDGone = errors.New("the report CRD is gone")

// Reconcile writes the reports of the request's namespace: it evaluates the
// namespace, lists the reports there, writes those that changed and deletes
// those no longer needed.
func (r *reportReconciler) Reconcile(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
	if req == crdRequest {
		return r.reconcileCRD(ctx)
	}
	if !r.crd.served() {
		return reconcile.Result{}, nil
	}
	if going, err := r.crd.going(ctx, r.crd.cache); going || err != nil {
		return reconcile.Result{}, err
	}
	if wait := r.deps.writes.wait(req.Namespace); wait > 0 {
		return reconcile.Result{RequeueAfter: wait}, nil
	}
	ns, now := req.Namespace, r.deps.now()
	ev, err := r.deps.namespaces.evaluate(ctx, ns, now, nil)
	if err != nil {
		return reconcile.Result{}, err
	}
	existing, previous, err := r.list(ctx, ns)
	var requeue bool
	if err == nil {
		var want *policyreport.Layout
		if len(ev.Objects) > 0 || len(ev.Policies) > 0 {
			want = policyreport.Plan(ns, ev, previous, now, r.limits)
		}
		requeue, err = r.write(ctx, ns, want, existing)
	}
	if errors.Is(err, errCRDGone) {
		return reconcile.Result{}, nil
	}
	// What write left in existing are parts the namespace no longer needs.
	if err := errors.Join(err, r.prune(ctx, existing)); err != nil {
		return reconcile.Result{}, err
	}
	if requeue {
		return reconcile.Result{RequeueAfter: time.Second}, nil
	}
	return r.deps.requeueAt(ev.RequeueAt), nil
}

// list reads orgplane's reports in ns from the apiserver, by name, and the
// results they hold.
func (r *reportReconciler) list(ctx context.Context, ns string) (map[string]client.Object, [][]v1alpha2.PolicyReportResult, error) {
	list := r.api.newList()
	if err := r.reader.List(ctx, list, client.InNamespace(ns), client.MatchingLabels{policyreport.LabelManagedBy: policyreport.ManagedBy}); err != nil {
		if r.crd.missing(err) {
			r.crd.gone(ctx)
			return nil, nil, errCRDGone
		}
		return nil, nil, err
	}
	items, err := meta.ExtractList(list)
	if err != nil {
		return nil, nil, err
	}
	existing := map[string]client.Object{}
	previous := make([][]v1alpha2.PolicyReportResult, 0, len(items))
	for _, item := range items {
		o := item.(client.Object)
		existing[o.GetName()] = o
		_, _, results := r.api.content(o)
		previous = append(previous, *results)
	}
	return existing, previous, nil
}

// write creates or updates each report of want that existing does not hold
// as it is, and takes from existing every report of want. It builds one
// report at a time, so that only one is in memory beside the namespace's
// evaluation. It asks for a requeue when another writer got to a report
// first.
func (r *reportReconciler) write(ctx context.Context, ns string, want *policyreport.Layout, existing map[string]client.Object) (requeue bool, err error) {
	var errs []error
	for i := range want.Len() {
		rep := want.Report(i)
		cur, ok := existing[rep.Name]
		delete(existing, rep.Name)
		if ok && r.upToDate(cur, rep) {
			continue
		}
		obj := cur
		if !ok {
			if going, err := r.crd.going(ctx, r.reader); going || err != nil {
				return false, cmp.Or(err, errCRDGone)
			}
			obj = r.api.newObj()
			obj.SetNamespace(ns)
			obj.SetName(rep.Name)
		}
		r.fill(obj, rep)
		if ok {
			err = r.client.Update(ctx, obj, client.FieldOwner(FieldManager))
		} else {
			err = r.client.Create(ctx, obj, client.FieldOwner(FieldManager))
		}
		switch {
		case err != nil && r.crd.missing(err) && !ok:
			r.crd.gone(ctx)
			return false, errCRDGone
		case apierrors.IsConflict(err) || apierrors.IsAlreadyExists(err):
			// Another writer got there first: try again, reading afresh.
			requeue = true
		default:
			errs = append(errs, err)
		}
	}
	return requeue, errors.Join(errs...)
}

// prune deletes reports that are no longer needed.
func (r *reportReconciler) prune(ctx context.Context, stale map[string]client.Object) error {
	var errs []error
	for _, o := range stale {
		errs = append(errs, client.IgnoreNotFound(r.client.Delete(ctx, o)))
	}
	return errors.Join(errs...)
}

// upToDate tells whether a report already holds rep, timestamps included
// (Build keeps those of unchanged results).
func (r *reportReconciler) upToDate(cur client.Object, rep policyreport.Report) bool {
	src, summary, results := r.api.content(cur)
	return (src == nil || *src == policyreport.Source) &&
		hasAll(cur.GetLabels(), rep.Labels) && hasAll(cur.GetAnnotations(), rep.Annotations) &&
		*summary == rep.Summary && equality.Semantic.DeepEqual(*results, rep.Results)
}

// fill sets rep's labels, annotations and content on a report, keeping
// labels and annotations that others set.
func (r *reportReconciler) fill(obj client.Object, rep policyreport.Report) {
	obj.SetLabels(merged(obj.GetLabels(), rep.Labels))
	obj.SetAnnotations(merged(obj.GetAnnotations(), rep.Annotations))
	src, summary, results := r.api.content(obj)
	if src != nil {
		*src = policyreport.Source
	}
	*summary, *results = rep.Summary, rep.Results
}

func hasAll(have, want map[string]string) bool {
	for k, v := range want {
		if got, ok := have[k]; !ok || got != v {
			return false
		}
	}
	return true
}

func merged(base, over map[string]string) map[string]string {
	out := maps.Clone(base)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, over)
	return out
}
