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

// judge returns the evaluator of a judged kind: the engine's findings become
// violations and conditions; rollup, when given, adds the kind's own status.
func judge[P orgv1.Judged](d *deps, kind orgv1.Kind, rollup func(*cacheGraph, P)) evaluator[P] {
	return func(ctx context.Context, obj P) (reconcile.Result, error) {
		start := time.Now()
		g := newCacheGraph(ctx, d.reader)
		res := d.engine.EvaluateObject(g, refOf(kind, obj), d.now())
		if rollup != nil {
			rollup(g, obj)
		}
		observeEvaluation(kind, start, len(res.Violations), g.err)
		if g.err != nil {
			return reconcile.Result{}, g.err
		}
		record(kind, obj, res.Violations)
		return d.requeueAt(res.RequeueAt), nil
	}
}

// record writes an evaluated judged object's violations, conditions and metrics.
func record(kind orgv1.Kind, obj orgv1.Judged, violations []orgv1.Violation) {
	setViolations(obj.Judgement(), violations)
	setConditions(obj.CommonStatus(), obj.GetGeneration(), verdict{violations: violations}, true)
	observeViolations(objectID{kind, types.NamespacedName{Namespace: obj.GetNamespace(), Name: obj.GetName()}}, violations)
}

func (d *deps) committeeRollup(g *cacheGraph, sc *orgv1.SteeringCommittee) {
	covered, missing, governed := d.engine.CommitteeCoverage(g, sc.Namespace, sc.Name)
	sc.Status.CoveredFunctions, sc.Status.MissingFunctions, sc.Status.GovernedPlatforms = covered, missing, governed
}

// evaluateOrganization judges the organization and summarizes its namespace:
// its own violations come from the rules that judge an Organization, its
// summary from every object of the namespace.
func (d *deps) evaluateOrganization(ctx context.Context, org *orgv1.Organization) (reconcile.Result, error) {
	start := time.Now()
	g := newCacheGraph(ctx, d.reader)
	ns := d.engine.EvaluateNamespace(g, org.Namespace, d.now())
	self := refOf(orgv1.KindOrganization, org)
	var own []orgv1.Violation
	for _, f := range ns.Findings {
		if f.Object == self {
			own = append(own, f.Violation)
		}
	}
	observeEvaluation(orgv1.KindOrganization, start, len(own), g.err)
	if g.err != nil {
		return reconcile.Result{}, g.err
	}
	org.Status.InferredModel = ns.InferredModel
	org.Status.Summary = &ns.Summary
	record(orgv1.KindOrganization, org, own)
	return d.requeueAt(ns.RequeueAt), nil
}

// evaluatePolicy counts what each rule of the policy judged and found, and
// stalls the policy while a rule cannot be evaluated (a CEL expression that
// does not compile); its other rules keep working.
func (d *deps) evaluatePolicy(ctx context.Context, gp *orgv1.GovernancePolicy) (reconcile.Result, error) {
	start := time.Now()
	g := newCacheGraph(ctx, d.reader)
	ns := d.engine.EvaluateNamespace(g, gp.Namespace, d.now())
	observeEvaluation(orgv1.KindGovernancePolicy, start, 0, g.err)
	if g.err != nil {
		return reconcile.Result{}, g.err
	}
	res := ns.Policies[gp.Name]
	gp.Status.Rules = res.Rules
	var v verdict
	if len(res.Errors) > 0 {
		msgs := make([]string, len(res.Errors))
		for i, e := range res.Errors {
			msgs[i] = e.Message
		}
		v.stalled = fmt.Sprintf("%d rule(s) cannot be evaluated: %s", len(msgs), strings.Join(msgs, "; "))
	}
	setConditions(gp.CommonStatus(), gp.Generation, v, false)
	return d.requeueAt(ns.RequeueAt), nil
}
