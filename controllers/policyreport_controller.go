package controllers

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
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
	openreportsv1alpha1 "github.com/orgplane/orgplane/internal/policyreport/api/openreports/v1alpha1"
	"github.com/orgplane/orgplane/internal/policyreport/api/wgpolicy/v1alpha2"
)

// +kubebuilder:rbac:groups=wgpolicyk8s.io,resources=policyreports,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=openreports.io,resources=reports,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=apiextensions.k8s.io,resources=customresourcedefinitions,verbs=get;list;watch

// The report APIs the controller can write (Options.ReportAPI, the
// manager's --report-api flag).
const (
	// ReportAPIPolicyReport writes wg-policy PolicyReports
	// (wgpolicyk8s.io/v1alpha2), the manager's default.
	ReportAPIPolicyReport = "wgpolicyk8s.io"
	// ReportAPIOpenReports writes OpenReports Reports (openreports.io/v1alpha1).
	ReportAPIOpenReports = "openreports.io"
	// ReportAPINone writes no reports; so does "".
	ReportAPINone = "none"
)

// reportRequestName names every request of the report reconciler, which is
// keyed by namespace.
const reportRequestName = "orgplane-policy-reports"

// reportAPI is one report shape: its CRD and how its objects hold content.
type reportAPI struct {
	name      string // the ReportAPI value
	crd       string // the CRD's name
	install   string // where its CRD is shipped
	addScheme func(*runtime.Scheme) error
	newObj    func() client.Object
	newList   func() client.ObjectList
	items     func(client.ObjectList) []client.Object
	// content points into a report's source (nil where the shape has
	// none at the top), summary and results.
	content func(client.Object) (*string, *v1alpha2.PolicyReportSummary, *[]v1alpha2.PolicyReportResult)
}

var reportAPIs = map[string]reportAPI{
	ReportAPIPolicyReport: {
		name: ReportAPIPolicyReport, crd: "policyreports.wgpolicyk8s.io", install: "config/policyreport",
		addScheme: v1alpha2.AddToScheme,
		newObj:    func() client.Object { return &v1alpha2.PolicyReport{} },
		newList:   func() client.ObjectList { return &v1alpha2.PolicyReportList{} },
		items: func(l client.ObjectList) []client.Object {
			var out []client.Object
			for i := range l.(*v1alpha2.PolicyReportList).Items {
				out = append(out, &l.(*v1alpha2.PolicyReportList).Items[i])
			}
			return out
		},
		content: func(o client.Object) (*string, *v1alpha2.PolicyReportSummary, *[]v1alpha2.PolicyReportResult) {
			r := o.(*v1alpha2.PolicyReport)
			return nil, &r.Summary, &r.Results
		},
	},
	ReportAPIOpenReports: {
		name: ReportAPIOpenReports, crd: "reports.openreports.io", install: "config/openreports",
		addScheme: openreportsv1alpha1.AddToScheme,
		newObj:    func() client.Object { return &openreportsv1alpha1.Report{} },
		newList:   func() client.ObjectList { return &openreportsv1alpha1.ReportList{} },
		items: func(l client.ObjectList) []client.Object {
			var out []client.Object
			for i := range l.(*openreportsv1alpha1.ReportList).Items {
				out = append(out, &l.(*openreportsv1alpha1.ReportList).Items[i])
			}
			return out
		},
		content: func(o client.Object) (*string, *v1alpha2.PolicyReportSummary, *[]v1alpha2.PolicyReportResult) {
			r := o.(*openreportsv1alpha1.Report)
			return &r.Source, &r.Summary, &r.Results
		},
	},
}

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
	if err := api.addScheme(mgr.GetScheme()); err != nil {
		return err
	}
	gvk, err := apiutil.GVKForObject(api.newObj(), mgr.GetScheme())
	if err != nil {
		return err
	}
	reports := &metav1.PartialObjectMetadata{}
	reports.SetGroupVersionKind(gvk)
	r := &reportReconciler{
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
	}
	// Detect the CRD now, so that its absence is logged at startup.
	pctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	r.crd.probe(pctx)
	cancel()

	b := ctrl.NewControllerManagedBy(mgr).
		Named("policyreport").
		WithOptions(controller.Options{
			MaxConcurrentReconciles: opts.MaxConcurrentReconciles,
			RecoverPanic:            ptr.To(true),
		}).
		WatchesRawSource(f.source(r.namespaces)).
		WatchesRawSource(source.Channel(r.found, handler.TypedEnqueueRequestsFromMapFunc(
			func(_ context.Context, ns string) []reconcile.Request { return []reconcile.Request{reportRequest(ns)} })))
	c, err := r.crd.watchCRD(b).Build(r)
	if err != nil {
		return err
	}
	r.crd.start(c)
	return nil
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
	ns := req.Namespace
	now := r.deps.now()
	g := cachegraph.New(ctx, r.deps.reader)
	ev := r.deps.engine.EvaluateNamespace(g, ns, now)
	holds := len(ev.Objects) > 0 || len(ev.Policies) > 0
	if err := g.Err(); err != nil {
		return reconcile.Result{}, err
	}

	list := r.api.newList()
	if err := r.reader.List(ctx, list, client.InNamespace(ns), client.MatchingLabels{policyreport.LabelManagedBy: policyreport.ManagedBy}); err != nil {
		if r.crd.missing(err) {
			r.crd.gone()
			return reconcile.Result{}, nil
		}
		return reconcile.Result{}, err
	}
	existing := map[string]client.Object{}
	var previous []v1alpha2.PolicyReportResult
	for _, o := range r.api.items(list) {
		existing[o.GetName()] = o
		_, _, results := r.api.content(o)
		previous = append(previous, *results...)
	}

	var want []policyreport.Report
	if holds {
		want = policyreport.Build(ns, ev, previous, now, r.limits)
	}
	var errs []error
	requeue := false
	for _, rep := range want {
		cur, ok := existing[rep.Name]
		delete(existing, rep.Name)
		if ok && r.upToDate(cur, rep) {
			continue
		}
		obj := cur
		if !ok {
			if going, err := r.crd.going(ctx, r.reader); going || err != nil {
				return reconcile.Result{}, err
			}
			obj = r.api.newObj()
			obj.SetNamespace(ns)
			obj.SetName(rep.Name)
		}
		r.fill(obj, rep)
		var err error
		if ok {
			err = r.client.Update(ctx, obj, client.FieldOwner(FieldManager))
		} else {
			err = r.client.Create(ctx, obj, client.FieldOwner(FieldManager))
		}
		switch {
		case err != nil && r.crd.missing(err) && !ok:
			r.crd.gone()
			return reconcile.Result{}, nil
		case apierrors.IsConflict(err) || apierrors.IsAlreadyExists(err):
			// Another writer got there first: try again, reading afresh.
			requeue = true
		default:
			errs = append(errs, err)
		}
	}
	// What is left are parts the namespace no longer needs.
	for _, stale := range existing {
		errs = append(errs, client.IgnoreNotFound(r.client.Delete(ctx, stale)))
	}
	if err := errors.Join(errs...); err != nil {
		return reconcile.Result{}, err
	}
	if requeue {
		return reconcile.Result{RequeueAfter: time.Second}, nil
	}
	return r.deps.requeueAt(ev.RequeueAt), nil
}

// upToDate tells whether a report already holds rep, timestamps included
// (Build keeps those of unchanged results).
func (r *reportReconciler) upToDate(cur client.Object, rep policyreport.Report) bool {
	source, summary, results := r.api.content(cur)
	return (source == nil || *source == policyreport.Source) &&
		hasAll(cur.GetLabels(), rep.Labels) && hasAll(cur.GetAnnotations(), rep.Annotations) &&
		*summary == rep.Summary && equality.Semantic.DeepEqual(*results, rep.Results)
}

// fill sets rep's labels, annotations and content on a report, keeping
// labels and annotations that others set.
func (r *reportReconciler) fill(obj client.Object, rep policyreport.Report) {
	obj.SetLabels(merged(obj.GetLabels(), rep.Labels))
	obj.SetAnnotations(merged(obj.GetAnnotations(), rep.Annotations))
	source, summary, results := r.api.content(obj)
	if source != nil {
		*source = policyreport.Source
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
