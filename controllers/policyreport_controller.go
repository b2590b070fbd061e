package controllers

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
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

// crdRequest is the report reconciler's request for the report CRD itself
// (namespaces never are ""): every event of the CRD maps to it, so that one
// installed but not served yet is retried on the workqueue's clock rather
// than missed once its last event has passed.
var crdRequest = reconcile.Request{NamespacedName: types.NamespacedName{Name: "orgplane-report-crd"}}

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
// When the report CRD is missing, the reconciler logs it once and does
// nothing. It watches the CRD (metadata only): once it is installed and
// served, every namespace is reported; when it is deleted, that is logged.
type reportReconciler struct {
	deps   *deps
	api    reportAPI
	gvk    schema.GroupVersionKind // of api's reports
	client client.Client           // writes
	reader client.Reader           // reports, uncached
	cache  cache.Cache             // for the watch on reports
	log    logr.Logger
	limits policyreport.Limits

	available atomic.Bool
	absent    atomic.Bool  // the CRD was found missing (and that was logged)
	unserved  atomic.Int32 // retries of an installed CRD not served yet
	found     chan event.TypedGenericEvent[string]

	watchMu  sync.Mutex
	ctrl     controller.Controller // nil until built
	watching bool                  // reports are watched
}

// setupReports registers the report reconciler when opts.ReportAPI asks for
// one.
func setupReports(mgr ctrl.Manager, d *deps, opts Options) error {
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
	r := &reportReconciler{
		deps:   d,
		api:    api,
		gvk:    gvk,
		client: mgr.GetClient(),
		reader: mgr.GetAPIReader(),
		cache:  mgr.GetCache(),
		log:    mgr.GetLogger().WithName("policyreport").WithValues("api", api.name),
		limits: policyreport.DefaultLimits,
		found:  make(chan event.TypedGenericEvent[string]),
	}
	// Detect the CRD now, so that its absence is logged at startup.
	pctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	r.probe(pctx)
	cancel()

	b := ctrl.NewControllerManagedBy(mgr).
		Named("policyreport").
		WithOptions(controller.Options{
			MaxConcurrentReconciles: opts.MaxConcurrentReconciles,
			RecoverPanic:            ptr.To(true),
		})
	for _, k := range orgv1.Kinds {
		b = b.Watches(k.New(), handler.EnqueueRequestsFromMapFunc(r.namespaces), builder.WithPredicates(specOrLabels))
	}
	b = b.Watches(crdMetadata(), handler.EnqueueRequestsFromMapFunc(func(context.Context, client.Object) []reconcile.Request {
		return []reconcile.Request{crdRequest}
	}), builder.WithPredicates(predicate.NewPredicateFuncs(func(o client.Object) bool { return o.GetName() == r.api.crd })))
	b = b.WatchesRawSource(source.Channel(r.found, handler.TypedEnqueueRequestsFromMapFunc(
		func(_ context.Context, ns string) []reconcile.Request { return []reconcile.Request{reportRequest(ns)} })))
	c, err := b.Build(r)
	if err != nil {
		return err
	}
	r.watchMu.Lock()
	r.ctrl = c
	r.watchMu.Unlock()
	r.syncReportWatch()
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

// syncReportWatch starts or stops the watch on reports as their CRD comes
// and goes (a watch on a missing API would only retry and log), after the
// latest probe: calls that race settle on the current state. Before the
// controller is built it does nothing; setupReports calls it then.
func (r *reportReconciler) syncReportWatch() {
	r.watchMu.Lock()
	defer r.watchMu.Unlock()
	on := r.available.Load()
	if r.ctrl == nil || r.watching == on {
		return
	}
	obj := &metav1.PartialObjectMetadata{}
	obj.SetGroupVersionKind(r.gvk)
	if !on {
		if err := r.cache.RemoveInformer(context.Background(), obj); err != nil {
			r.log.Error(err, "stopping the watch on reports")
		}
		r.watching = false
		return
	}
	enqueue := handler.TypedEnqueueRequestsFromMapFunc(func(_ context.Context, o *metav1.PartialObjectMetadata) []reconcile.Request {
		return []reconcile.Request{reportRequest(o.GetNamespace())}
	})
	if err := r.ctrl.Watch(source.Kind(r.cache, obj, enqueue, reportTampered)); err != nil {
		r.log.Error(err, "watching reports")
		return
	}
	r.watching = true
}

// crdMetadata is an empty CustomResourceDefinition, metadata only.
func crdMetadata() *metav1.PartialObjectMetadata {
	crd := &metav1.PartialObjectMetadata{}
	crd.SetGroupVersionKind(schema.GroupVersionKind{Group: "apiextensions.k8s.io", Version: "v1", Kind: "CustomResourceDefinition"})
	return crd
}

func reportRequest(ns string) reconcile.Request {
	return reconcile.Request{NamespacedName: types.NamespacedName{Namespace: ns, Name: reportRequestName}}
}

// probe looks for the report CRD (a List of one report, which maps the kind
// through the RESTMapper first) and logs each change of its presence once.
// It tells whether the CRD just became served: then every namespace needs
// its reports. (The transition is taken here, atomically, because a
// reconcile that finds the CRD gone may flip it concurrently.)
func (r *reportReconciler) probe(ctx context.Context) (became bool) {
	err := r.reader.List(ctx, r.api.newList(), client.Limit(1))
	switch {
	case err == nil:
		if !r.available.Swap(true) {
			// Not inline: probe also runs during setup, and starting a
			// watch must not hold up a reconcile.
			go r.syncReportWatch()
			if r.absent.Swap(false) {
				r.log.Info("the report CRD is installed now: writing reports", "crd", r.api.crd)
			}
			return true
		}
	case r.missing(err):
		r.gone()
	default:
		r.log.V(1).Info("cannot tell yet whether the report CRD is installed", "crd", r.api.crd, "error", err.Error())
	}
	return false
}

// missing tells whether err says the report API does not exist, or is going
// away: a CRD being deleted refuses creates (as Forbidden, told apart by its
// message); its deletion event follows.
func (r *reportReconciler) missing(err error) bool {
	return meta.IsNoMatchError(err) || apierrors.IsNotFound(err) ||
		apierrors.IsForbidden(err) && strings.Contains(err.Error(), "custom resource definition is terminating")
}

// gone records that the report CRD is missing, logging it once.
func (r *reportReconciler) gone() {
	if r.available.Swap(false) {
		go r.syncReportWatch()
	}
	if !r.absent.Swap(true) {
		r.log.Info("the report CRD is not installed: writing no reports until it is (kubectl apply -k "+r.api.install+")",
			"crd", r.api.crd)
	}
}

// reconcileCRD follows the report CRD: one being deleted, or deleted, is
// gone (it still lists while it terminates, but refuses creates); one that
// becomes served reports every namespace that holds orgplane objects. An
// installed CRD is served a moment after it is established, which is not an
// event: until it is, it is looked at again, later each time.
func (r *reportReconciler) reconcileCRD(ctx context.Context) (reconcile.Result, error) {
	if going, err := r.crdGoing(ctx, r.cache); going || err != nil {
		r.unserved.Store(0)
		return reconcile.Result{}, err
	}
	became := r.probe(ctx)
	if !r.available.Load() {
		n := r.unserved.Add(1)
		return reconcile.Result{RequeueAfter: min(100*time.Millisecond<<min(n, 10), time.Minute)}, nil
	}
	r.unserved.Store(0)
	if !became {
		return reconcile.Result{}, nil
	}
	g := newCacheGraph(ctx, r.deps.reader)
	nss := g.Namespaces()
	for _, ns := range nss {
		select {
		case r.found <- event.TypedGenericEvent[string]{Object: ns}:
		case <-ctx.Done():
			return reconcile.Result{}, ctx.Err()
		}
	}
	return reconcile.Result{}, g.err
}

// namespaces maps a changed object to the namespaces whose judgements may
// depend on it (affectedNamespaces).
func (r *reportReconciler) namespaces(ctx context.Context, changed client.Object) []reconcile.Request {
	kind, ok := orgv1.KindOf(changed)
	if !ok || !r.available.Load() {
		// Without the CRD there is nothing to do; reconcileCRD reports
		// every namespace once it is installed.
		return nil
	}
	nss, err := affectedNamespaces(ctx, r.deps.reader, kind, changed)
	if err != nil {
		r.log.Error(err, "fanning out a change", "kind", kind, "object", client.ObjectKeyFromObject(changed))
	}
	reqs := make([]reconcile.Request, 0, len(nss))
	for ns := range nss {
		reqs = append(reqs, reportRequest(ns))
	}
	return reqs
}

// crdGoing tells, from reader, whether the report CRD is deleted or being
// deleted, and marks it gone if so. Each reconcile asks the cache, and asks
// the apiserver before it creates a report: while a CRD terminates, its
// instances are deleted, and creating them again in answer (the deletions
// may arrive before the CRD's change does) would hold up its deletion.
func (r *reportReconciler) crdGoing(ctx context.Context, reader client.Reader) (bool, error) {
	crd := crdMetadata()
	err := reader.Get(ctx, client.ObjectKey{Name: r.api.crd}, crd)
	switch {
	case apierrors.IsNotFound(err) || err == nil && crd.DeletionTimestamp != nil:
		r.gone()
		return true, nil
	case err != nil:
		return false, err
	}
	return false, nil
}

func (r *reportReconciler) Reconcile(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
	if req == crdRequest {
		return r.reconcileCRD(ctx)
	}
	if !r.available.Load() {
		return reconcile.Result{}, nil
	}
	if going, err := r.crdGoing(ctx, r.cache); going || err != nil {
		return reconcile.Result{}, err
	}
	ns := req.Namespace
	now := r.deps.now()
	g := newCacheGraph(ctx, r.deps.reader)
	ev := r.deps.engine.EvaluateNamespace(g, ns, now)
	holds := len(ev.Objects) > 0 || len(ev.Policies) > 0
	if g.err != nil {
		return reconcile.Result{}, g.err
	}

	list := r.api.newList()
	if err := r.reader.List(ctx, list, client.InNamespace(ns), client.MatchingLabels{policyreport.LabelManagedBy: policyreport.ManagedBy}); err != nil {
		if r.missing(err) {
			r.gone()
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
			if going, err := r.crdGoing(ctx, r.reader); going || err != nil {
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
		case err != nil && r.missing(err) && !ok:
			r.gone()
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
