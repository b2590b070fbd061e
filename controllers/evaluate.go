package controllers

import (
	"context"
	"fmt"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/policy"
)

// deps is what the evaluators share.
type deps struct {
	reader client.Reader
	engine *policy.Engine
	now    func() time.Time
	// teams are the places of the teams, shared by every evaluation
	// (sharedGraph) and kept current by the fan-out.
	teams *policy.TeamHierarchy
	// namespaces shares the evaluations of whole namespaces.
	namespaces *namespaceEvaluations
	// writes tells the policy reports when statuses were last written.
	writes *statusWrites
	// holds keeps objects with dangling references while their namespace
	// is being changed.
	holds *holds
	// echoes keeps the status writes whose update events are to be dropped,
	// and which stand in for the cache's older versions until then.
	echoes *echoes
}

// evaluateNamespace judges every object of ns over the cache.
func (d *deps) evaluateNamespace(ctx context.Context, ns string, now time.Time) (*policy.Evaluation, error) {
	g := d.graph(ctx)
	ev := d.engine.EvaluateNamespace(g, ns, now)
	return ev, g.Err()
}

// requeueAt turns the engine's next instant of change into a single requeue,
// so that a team expires on time without any polling.
func (d *deps) requeueAt(at *time.Time) reconcile.Result {
	if at == nil {
		return reconcile.Result{}
	}
	return reconcile.Result{RequeueAfter: max(at.Sub(d.now()), time.Millisecond)}
}

func refOf(kind orgv1.Kind, obj client.Object) policy.ObjectRef {
	return policy.ObjectRef{Kind: kind, Namespace: obj.GetNamespace(), Name: obj.GetName()}
}

// judge returns the evaluator of a judged kind: the engine's verdicts
// become violations and conditions; rollup, when given, adds the kind's own
// status from the object's result.
func judge[P orgv1.Judged](d *deps, kind orgv1.Kind, rollup func(P, policy.ObjectResult)) evaluator[P] {
	return func(ctx context.Context, obj P) (reconcile.Result, error) {
		start := time.Now()
		g := d.graph(ctx)
		ref := refOf(kind, obj)
		// Dangling reads every reference: only where the namespace holds.
		if d.holds.holding(ref.Namespace) && policy.Dangling(g, obj) && d.holds.hold(ref) {
			// Judged once what it names arrives, or its namespace settles.
			return reconcile.Result{}, g.Err()
		}
		ev := d.engine.EvaluateObject(g, ref, d.now())
		res := ev.Object(ref)
		violations := res.Violations()
		observeEvaluation(kind, start, len(violations), g.Err())
		if g.Err() != nil {
			return reconcile.Result{}, g.Err()
		}
		if rollup != nil {
			rollup(obj, res)
		}
		record(kind, obj, violations)
		return d.requeueAt(ev.RequeueAt), nil
	}
}

// record writes an evaluated judged object's violations, conditions and metrics.
func record(kind orgv1.Kind, obj orgv1.Judged, violations []orgv1.Violation) {
	setViolations(obj.Judgement(), violations)
	setConditions(obj.CommonStatus(), obj.GetGeneration(), verdict{violations: violations}, true)
	observeViolations(objectID{kind, types.NamespacedName{Namespace: obj.GetNamespace(), Name: obj.GetName()}}, violations)
}

// committeeRollup writes a committee's coverage.
func committeeRollup(sc *orgv1.SteeringCommittee, res policy.ObjectResult) {
	var cov policy.Coverage
	if res.Coverage != nil {
		cov = *res.Coverage
	}
	sc.Status.CoveredFunctions, sc.Status.MissingFunctions, sc.Status.GovernedPlatforms = cov.Covered, cov.Missing, cov.Governed
}

// evaluateOrganization judges the organization and summarizes its namespace:
// its own violations come from the rules that judge an Organization, its
// summary from every object of the namespace.
func (d *deps) evaluateOrganization(ctx context.Context, org *orgv1.Organization) (reconcile.Result, error) {
	start := time.Now()
	ref := refOf(orgv1.KindOrganization, org)
	ev, err := d.namespaces.evaluate(ctx, org.Namespace, d.now(), func(ev *policy.Evaluation) bool {
		o := ev.Object(ref)
		return readAsIs(org, o.UID, o.Generation)
	})
	if err != nil {
		observeEvaluation(orgv1.KindOrganization, start, 0, err)
		return reconcile.Result{}, err
	}
	self := ev.Object(ref)
	own := self.Violations()
	observeEvaluation(orgv1.KindOrganization, start, len(own), nil)
	// The evaluation is shared: the status gets copies.
	ns := ev.Namespaces[0]
	ns.WriteModels(&org.Status)
	org.Status.Transition = self.Transition.DeepCopy()
	org.Status.Summary = ns.Summary.DeepCopy()
	record(orgv1.KindOrganization, org, own)
	return d.requeueAt(ev.RequeueAt), nil
}

// readAsIs reports whether an evaluation that read an object with uid at
// generation read obj's spec as the caller holds it (or a later one).
func readAsIs(obj client.Object, uid types.UID, generation int64) bool {
	return uid == obj.GetUID() && generation >= obj.GetGeneration()
}

// evaluatePolicy counts what each rule of the policy judged and found, and
// stalls the policy while a rule cannot be evaluated (a CEL expression that
// does not compile); its other rules keep working.
func (d *deps) evaluatePolicy(ctx context.Context, gp *orgv1.GovernancePolicy) (reconcile.Result, error) {
	start := time.Now()
	ev, err := d.namespaces.evaluate(ctx, gp.Namespace, d.now(), func(ev *policy.Evaluation) bool {
		p := ev.Policy(gp.Namespace, gp.Name)
		return readAsIs(gp, p.UID, p.Generation)
	})
	observeEvaluation(orgv1.KindGovernancePolicy, start, 0, err)
	if err != nil {
		return reconcile.Result{}, err
	}
	res := ev.Policy(gp.Namespace, gp.Name)
	gp.Status.Rules = res.RuleStatuses()
	var v verdict
	if errs := res.Errors(); len(errs) > 0 {
		msgs := make([]string, len(errs))
		for i, e := range errs {
			msgs[i] = e.Message
		}
		v.stalled = fmt.Sprintf("%d rule(s) cannot be evaluated: %s", len(msgs), strings.Join(msgs, "; "))
	}
	setConditions(gp.CommonStatus(), gp.Generation, v, false)
	return d.requeueAt(ev.RequeueAt), nil
}
