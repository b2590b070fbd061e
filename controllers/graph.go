package controllers

import (
	"context"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/policy"
)

// refsIndex indexes every orgplane object by the objects it references
// (policy.References, as policy.IndexKey strings), so "who references X" is
// one indexed List from the informer cache.
const refsIndex = ".orgplane.refs"

// cacheGraph is the policy.Graph the reconcilers evaluate over: reads from
// the manager's informer cache, no apiserver round trips. The Graph interface
// has no errors (the engine is pure); the first read error is kept and
// checked once the evaluation is done.
type cacheGraph struct {
	ctx    context.Context
	reader client.Reader
	err    error
}

func newCacheGraph(ctx context.Context, r client.Reader) *cacheGraph {
	return &cacheGraph{ctx: ctx, reader: r}
}

func (g *cacheGraph) fail(err error) {
	if err != nil && g.err == nil {
		g.err = err
	}
}

// list reads every object of one kind matching opts, sorted by namespace and name.
func list[T any, P interface {
	*T
	client.Object
}, L interface {
	client.ObjectList
}](g *cacheGraph, l L, items func(L) []T, opts ...client.ListOption) []P {
	if err := g.reader.List(g.ctx, l, opts...); err != nil {
		g.fail(err)
		return nil
	}
	objs := items(l)
	out := make([]P, len(objs))
	for i := range objs {
		out[i] = &objs[i]
	}
	slices.SortFunc(out, func(a, b P) int {
		return strings.Compare(a.GetNamespace()+"/"+a.GetName(), b.GetNamespace()+"/"+b.GetName())
	})
	return out
}

func get[T any, P interface {
	*T
	client.Object
}](g *cacheGraph, namespace, name string) P {
	obj := P(new(T))
	if err := g.reader.Get(g.ctx, types.NamespacedName{Namespace: namespace, Name: name}, obj); err != nil {
		g.fail(client.IgnoreNotFound(err))
		return nil
	}
	return obj
}

func (g *cacheGraph) Namespaces() []string {
	seen := map[string]bool{}
	for _, k := range orgv1.Kinds {
		l := k.NewList()
		if err := g.reader.List(g.ctx, l, client.UnsafeDisableDeepCopy); err != nil {
			g.fail(err)
			continue
		}
		g.fail(meta.EachListItem(l, func(o runtime.Object) error {
			seen[o.(client.Object).GetNamespace()] = true
			return nil
		}))
	}
	out := make([]string, 0, len(seen))
	for ns := range seen {
		out = append(out, ns)
	}
	slices.Sort(out)
	return out
}

func (g *cacheGraph) Organizations(ns string) []*orgv1.Organization {
	return list[orgv1.Organization](g, &orgv1.OrganizationList{}, func(l *orgv1.OrganizationList) []orgv1.Organization { return l.Items }, client.InNamespace(ns))
}

func (g *cacheGraph) Teams(ns string) []*orgv1.Team {
	return list[orgv1.Team](g, &orgv1.TeamList{}, func(l *orgv1.TeamList) []orgv1.Team { return l.Items }, client.InNamespace(ns))
}

func (g *cacheGraph) Platforms(ns string) []*orgv1.Platform {
	return list[orgv1.Platform](g, &orgv1.PlatformList{}, func(l *orgv1.PlatformList) []orgv1.Platform { return l.Items }, client.InNamespace(ns))
}

func (g *cacheGraph) SteeringCommittees(ns string) []*orgv1.SteeringCommittee {
	return list[orgv1.SteeringCommittee](g, &orgv1.SteeringCommitteeList{}, func(l *orgv1.SteeringCommitteeList) []orgv1.SteeringCommittee { return l.Items }, client.InNamespace(ns))
}

func (g *cacheGraph) ResponsibilityMatrices(ns string) []*orgv1.ResponsibilityMatrix {
	return list[orgv1.ResponsibilityMatrix](g, &orgv1.ResponsibilityMatrixList{}, func(l *orgv1.ResponsibilityMatrixList) []orgv1.ResponsibilityMatrix { return l.Items }, client.InNamespace(ns))
}

func (g *cacheGraph) GovernancePolicies(ns string) []*orgv1.GovernancePolicy {
	return list[orgv1.GovernancePolicy](g, &orgv1.GovernancePolicyList{}, func(l *orgv1.GovernancePolicyList) []orgv1.GovernancePolicy { return l.Items }, client.InNamespace(ns))
}

func (g *cacheGraph) Team(ns, name string) *orgv1.Team { return get[orgv1.Team](g, ns, name) }

func (g *cacheGraph) Platform(ns, name string) *orgv1.Platform {
	return get[orgv1.Platform](g, ns, name)
}

func (g *cacheGraph) SteeringCommittee(ns, name string) *orgv1.SteeringCommittee {
	return get[orgv1.SteeringCommittee](g, ns, name)
}

func (g *cacheGraph) MatricesFor(ns, name string) []*orgv1.ResponsibilityMatrix {
	return list[orgv1.ResponsibilityMatrix](g, &orgv1.ResponsibilityMatrixList{}, func(l *orgv1.ResponsibilityMatrixList) []orgv1.ResponsibilityMatrix { return l.Items },
		client.MatchingFields{refsIndex: policy.IndexKey(orgv1.KindPlatform, ns, name)})
}

func (g *cacheGraph) PlatformsGovernedBy(ns, name string) []*orgv1.Platform {
	return list[orgv1.Platform](g, &orgv1.PlatformList{}, func(l *orgv1.PlatformList) []orgv1.Platform { return l.Items },
		client.MatchingFields{refsIndex: policy.IndexKey(orgv1.KindSteeringCommittee, ns, name)})
}
