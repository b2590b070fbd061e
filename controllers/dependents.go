package controllers

import (
	"context"
	"errors"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/policy"
)

// dependents maps a changed object (each of the old and new versions, on an
// update) to the objects of kind target whose evaluation depends on it, by
// the dependency rules of internal/policy's package doc:
//   - Organizations and GovernancePolicies summarize their namespace: every
//     change to a judgement there concerns them (affectedNamespaces).
//   - A GovernancePolicy change concerns the objects of the kinds its rules judge.
//   - Otherwise: the objects that reference the changed one (field index), a
//     changed team's descendants (cycles run along parentRefs), a platform's
//     committee (governedPlatforms) and a matrix's platform (requireForTiers).
func (d *deps) dependents(target orgv1.Kind) handler.MapFunc {
	return func(ctx context.Context, changed client.Object) []reconcile.Request {
		f := fanout{ctx: ctx, reader: d.reader, target: target, out: map[types.NamespacedName]bool{}}
		kind, ok := orgv1.KindOf(changed)
		if !ok {
			return nil
		}
		switch {
		case target == orgv1.KindOrganization || target == orgv1.KindGovernancePolicy:
			nss, err := affectedNamespaces(ctx, d.reader, kind, changed)
			f.err = err
			for ns := range nss {
				f.allIn(ns)
			}
		case kind == orgv1.KindGovernancePolicy:
			if policy.JudgesKind(changed.(*orgv1.GovernancePolicy), target) {
				f.allIn(changed.GetNamespace())
			}
		default:
			f.add(f.referrers(kind, changed.GetNamespace(), changed.GetName())...)
			if kind == orgv1.KindTeam && target == orgv1.KindTeam {
				f.descendants(changed.GetNamespace(), changed.GetName())
			}
			for _, r := range policy.References(changed) {
				if (kind == orgv1.KindPlatform && r.Kind == orgv1.KindSteeringCommittee && target == r.Kind) ||
					(kind == orgv1.KindResponsibilityMatrix && r.Kind == orgv1.KindPlatform && target == r.Kind) {
					f.add(types.NamespacedName{Namespace: r.Namespace, Name: r.Name})
				}
			}
		}
		if f.err != nil {
			log.FromContext(ctx).Error(f.err, "fanning out a change", "kind", kind, "object", client.ObjectKeyFromObject(changed))
		}
		reqs := make([]reconcile.Request, 0, len(f.out))
		for nsn := range f.out {
			reqs = append(reqs, reconcile.Request{NamespacedName: nsn})
		}
		return reqs
	}
}

// fanout collects the target objects one change concerns.
type fanout struct {
	ctx    context.Context
	reader client.Reader
	target orgv1.Kind
	out    map[types.NamespacedName]bool
	err    error
}

func (f *fanout) add(nsns ...types.NamespacedName) {
	for _, n := range nsns {
		f.out[n] = true
	}
}

func (f *fanout) list(opts ...client.ListOption) []types.NamespacedName {
	t, _ := orgv1.KindTypeOf(f.target)
	l := t.NewList()
	if err := f.reader.List(f.ctx, l, append(opts, client.UnsafeDisableDeepCopy)...); err != nil {
		f.err = err
		return nil
	}
	var out []types.NamespacedName
	_ = meta.EachListItem(l, func(o runtime.Object) error {
		out = append(out, client.ObjectKeyFromObject(o.(client.Object)))
		return nil
	})
	return out
}

func (f *fanout) allIn(namespace string) { f.add(f.list(client.InNamespace(namespace))...) }

// referrers lists the target objects that reference kind/namespace/name.
func (f *fanout) referrers(kind orgv1.Kind, namespace, name string) []types.NamespacedName {
	return f.list(client.MatchingFields{refsIndex: policy.IndexKey(kind, namespace, name)})
}

// descendants adds every team below a team, through any chain of references,
// stopping where it has been (the chain may be a cycle).
func (f *fanout) descendants(namespace, name string) {
	start := types.NamespacedName{Namespace: namespace, Name: name}
	seen := map[types.NamespacedName]bool{start: true}
	for queue := []types.NamespacedName{start}; len(queue) > 0; queue = queue[1:] {
		for _, child := range f.referrers(orgv1.KindTeam, queue[0].Namespace, queue[0].Name) {
			if !seen[child] {
				seen[child] = true
				f.add(child)
				queue = append(queue, child)
			}
		}
	}
}

// affectedNamespaces lists the namespaces whose judgements may depend on a
// changed object: its own, those of the objects it references and of the
// objects referencing it and, for a team, of the objects referencing the
// teams below it, however far (their parentRef chains pass through it).
func affectedNamespaces(ctx context.Context, reader client.Reader, kind orgv1.Kind, changed client.Object) (map[string]bool, error) {
	nss := map[string]bool{changed.GetNamespace(): true}
	for _, ref := range policy.References(changed) {
		nss[ref.Namespace] = true
	}
	start := policy.ObjectRef{Kind: kind, Namespace: changed.GetNamespace(), Name: changed.GetName()}
	seen := map[policy.ObjectRef]bool{start: true}
	var errs []error
	for queue := []policy.ObjectRef{start}; len(queue) > 0; queue = queue[1:] {
		at := queue[0]
		for _, k := range orgv1.Kinds {
			l := k.NewList()
			if err := reader.List(ctx, l, client.MatchingFields{refsIndex: policy.IndexKey(at.Kind, at.Namespace, at.Name)}, client.UnsafeDisableDeepCopy); err != nil {
				errs = append(errs, err)
				continue
			}
			_ = meta.EachListItem(l, func(o runtime.Object) error {
				obj := o.(client.Object)
				nss[obj.GetNamespace()] = true
				child := policy.ObjectRef{Kind: k.Kind, Namespace: obj.GetNamespace(), Name: obj.GetName()}
				if at.Kind == orgv1.KindTeam && k.Kind == orgv1.KindTeam && !seen[child] {
					seen[child] = true
					queue = append(queue, child)
				}
				return nil
			})
		}
	}
	return nss, errors.Join(errs...)
}
