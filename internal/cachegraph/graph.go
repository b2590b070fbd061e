// Package cachegraph is the org graph the controller and the admission
// webhook evaluate over: the manager's informer cache, read through
// policy.Graph, and its field indexes, which answer "who references X" and
// "which teams report to X" for the engine (policy.Graph's reverse lookups)
// and for the fan-out of changes (policy.Index).
package cachegraph

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/policy"
	"github.com/orgplane/orgplane/internal/watchscope"
)

// refsIndex indexes every orgplane object by the objects it references
// (policy.References, as policy.IndexKey strings), so "who references X" is
// one indexed List from the informer cache.
const refsIndex = ".orgplane.refs"

// parentIndex indexes Teams by the team their parentRef names
// (policy.ParentKey), for Index.Children.
const parentIndex = ".orgplane.parent"

// SetupIndexes registers the field indexes that Graph reads with the
// manager's indexer: references for every kind of the API, parents for
// Teams.
func SetupIndexes(ctx context.Context, indexer client.FieldIndexer) error {
	errs := []error{indexer.IndexField(ctx, &orgv1.Team{}, parentIndex, func(o client.Object) []string {
		if k := policy.ParentKey(o); k != "" {
			return []string{k}
		}
		return nil
	})}
	for _, k := range orgv1.Kinds {
		errs = append(errs, indexer.IndexField(ctx, k.New(), refsIndex, func(o client.Object) []string {
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

// InformerIndexer is the manager cache's client.FieldIndexer for
// SetupIndexes. The cache's own IndexField keeps every key twice, once per
// namespace and once across namespaces; Graph only ever looks across
// namespaces (a reference may cross them), and the per-namespace copies were
// half the index, about 7 MB of a 10,000-object namespace. So it registers
// the across-namespaces keys alone: a List with a field selector and a
// namespace finds nothing.
type InformerIndexer struct{ Cache cache.Informers }

// allNamespaces prefixes a key the cache's reader looks up across
// namespaces: controller-runtime's pkg/cache/internal.KeyToNamespacedKey
// with no namespace; TestInformerIndexerLooksAcrossNamespaces (controllers)
// fails if that changes.
const allNamespaces = "__all_namespaces/"

// IndexField implements client.FieldIndexer, under the index name the
// cache's reader asks for (pkg/cache/internal.FieldIndexName).
func (i InformerIndexer) IndexField(ctx context.Context, obj client.Object, field string, extract client.IndexerFunc) error {
	inf, err := i.Cache.GetInformer(ctx, obj, cache.BlockUntilSynced(false))
	if err != nil {
		return err
	}
	return inf.AddIndexers(toolscache.Indexers{"field:" + field: func(o any) ([]string, error) {
		obj, ok := o.(client.Object)
		if !ok {
			return nil, fmt.Errorf("cachegraph: %T is not an object", o)
		}
		keys := extract(obj)
		for k := range keys {
			keys[k] = allNamespaces + keys[k]
		}
		return keys, nil
	}})
}

// Graph is a policy.Graph and a policy.Index over a reader: the manager's
// informer cache, with the field index of SetupIndexes; no apiserver round
// trips. Lookups are the cache's map, reverse lookups its field index, so
// judging one object costs the same whatever the number of objects. Objects
// are read without deep copies (client.UnsafeDisableDeepCopy): the engine
// only reads them, and copying every object it looks at, managedFields
// included, was most of an evaluation's cost. Neither interface has errors
// (the engine is pure): the first read error is kept, for Err once the
// evaluation is done. A Graph serves one evaluation, under one context.
type Graph struct {
	ctx    context.Context
	reader client.Reader
	err    error
}

var (
	_ policy.Graph  = (*Graph)(nil)
	_ policy.Index  = (*Graph)(nil)
	_ policy.Scoped = (*Graph)(nil)
)

// New returns a Graph reading from r under ctx.
func New(ctx context.Context, r client.Reader) *Graph {
	return &Graph{ctx: ctx, reader: r}
}

// Watches implements policy.Scoped: the namespaces of --watch-namespaces
// when the reader is the manager's client confined to them (watchscope).
func (g *Graph) Watches(namespace string) bool { return watchscope.Watches(g.reader, namespace) }

// Err is the first read error, if any.
func (g *Graph) Err() error { return g.err }

func (g *Graph) fail(err error) {
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
}](g *Graph, l L, items func(L) []T, opts ...client.ListOption) []P {
	if err := g.reader.List(g.ctx, l, append(opts, client.UnsafeDisableDeepCopy)...); err != nil {
		g.fail(err)
		return nil
	}
	objs := items(l)
	out := make([]P, len(objs))
	for i := range objs {
		out[i] = &objs[i]
	}
	slices.SortFunc(out, func(a, b P) int {
		return cmp.Or(strings.Compare(a.GetNamespace(), b.GetNamespace()), strings.Compare(a.GetName(), b.GetName()))
	})
	return out
}

func get[T any, P interface {
	*T
	client.Object
}](g *Graph, namespace, name string) P {
	obj := P(new(T))
	if err := g.reader.Get(g.ctx, types.NamespacedName{Namespace: namespace, Name: name}, obj, client.UnsafeDisableDeepCopy); err != nil {
		g.fail(client.IgnoreNotFound(err))
		return nil
	}
	return obj
}

// Namespaces implements policy.Graph.
func (g *Graph) Namespaces() []string {
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

// Organizations implements policy.Graph.
func (g *Graph) Organizations(ns string) []*orgv1.Organization {
	return list[orgv1.Organization](g, &orgv1.OrganizationList{}, func(l *orgv1.OrganizationList) []orgv1.Organization { return l.Items }, client.InNamespace(ns))
}

// Teams implements policy.Graph.
func (g *Graph) Teams(ns string) []*orgv1.Team {
	return list[orgv1.Team](g, &orgv1.TeamList{}, func(l *orgv1.TeamList) []orgv1.Team { return l.Items }, client.InNamespace(ns))
}

// Platforms implements policy.Graph.
func (g *Graph) Platforms(ns string) []*orgv1.Platform {
	return list[orgv1.Platform](g, &orgv1.PlatformList{}, func(l *orgv1.PlatformList) []orgv1.Platform { return l.Items }, client.InNamespace(ns))
}

// SteeringCommittees implements policy.Graph.
func (g *Graph) SteeringCommittees(ns string) []*orgv1.SteeringCommittee {
	return list[orgv1.SteeringCommittee](g, &orgv1.SteeringCommitteeList{}, func(l *orgv1.SteeringCommitteeList) []orgv1.SteeringCommittee { return l.Items }, client.InNamespace(ns))
}

// ResponsibilityMatrices implements policy.Graph.
func (g *Graph) ResponsibilityMatrices(ns string) []*orgv1.ResponsibilityMatrix {
	return list[orgv1.ResponsibilityMatrix](g, &orgv1.ResponsibilityMatrixList{}, func(l *orgv1.ResponsibilityMatrixList) []orgv1.ResponsibilityMatrix { return l.Items }, client.InNamespace(ns))
}

// GovernancePolicies implements policy.Graph.
func (g *Graph) GovernancePolicies(ns string) []*orgv1.GovernancePolicy {
	return list[orgv1.GovernancePolicy](g, &orgv1.GovernancePolicyList{}, func(l *orgv1.GovernancePolicyList) []orgv1.GovernancePolicy { return l.Items }, client.InNamespace(ns))
}

// Organization implements policy.Graph.
func (g *Graph) Organization(ns, name string) *orgv1.Organization {
	return get[orgv1.Organization](g, ns, name)
}

// ResponsibilityMatrix implements policy.Graph.
func (g *Graph) ResponsibilityMatrix(ns, name string) *orgv1.ResponsibilityMatrix {
	return get[orgv1.ResponsibilityMatrix](g, ns, name)
}

// Team implements policy.Graph.
func (g *Graph) Team(ns, name string) *orgv1.Team { return get[orgv1.Team](g, ns, name) }

// Platform implements policy.Graph.
func (g *Graph) Platform(ns, name string) *orgv1.Platform {
	return get[orgv1.Platform](g, ns, name)
}

// SteeringCommittee implements policy.Graph.
func (g *Graph) SteeringCommittee(ns, name string) *orgv1.SteeringCommittee {
	return get[orgv1.SteeringCommittee](g, ns, name)
}

// MatricesFor implements policy.Graph.
func (g *Graph) MatricesFor(ns, name string) []*orgv1.ResponsibilityMatrix {
	return list[orgv1.ResponsibilityMatrix](g, &orgv1.ResponsibilityMatrixList{}, func(l *orgv1.ResponsibilityMatrixList) []orgv1.ResponsibilityMatrix { return l.Items },
		client.MatchingFields{refsIndex: policy.IndexKey(orgv1.KindPlatform, ns, name)})
}

// PlatformsGovernedBy implements policy.Graph.
func (g *Graph) PlatformsGovernedBy(ns, name string) []*orgv1.Platform {
	return list[orgv1.Platform](g, &orgv1.PlatformList{}, func(l *orgv1.PlatformList) []orgv1.Platform { return l.Items },
		client.MatchingFields{refsIndex: policy.IndexKey(orgv1.KindSteeringCommittee, ns, name)})
}

// PlatformsReferencing implements policy.Graph.
func (g *Graph) PlatformsReferencing(ns, name string) []*orgv1.Platform {
	return list[orgv1.Platform](g, &orgv1.PlatformList{}, func(l *orgv1.PlatformList) []orgv1.Platform { return l.Items },
		client.MatchingFields{refsIndex: policy.IndexKey(orgv1.KindTeam, ns, name)})
}

// Referrers implements policy.Index.
func (g *Graph) Referrers(kind orgv1.Kind, ref policy.ObjectRef) []policy.ObjectRef {
	return g.refs(kind, client.MatchingFields{refsIndex: ref.String()})
}

// Children implements policy.Index.
func (g *Graph) Children(team policy.ObjectRef) []policy.ObjectRef {
	return g.refs(orgv1.KindTeam, client.MatchingFields{parentIndex: team.String()})
}

// InNamespace implements policy.Index.
func (g *Graph) InNamespace(kind orgv1.Kind, namespace string) []policy.ObjectRef {
	return g.refs(kind, client.InNamespace(namespace))
}

// refs lists the objects of kind matching opts, by reference.
func (g *Graph) refs(kind orgv1.Kind, opts ...client.ListOption) []policy.ObjectRef {
	k, ok := orgv1.KindTypeOf(kind)
	if !ok {
		return nil
	}
	l := k.NewList()
	if err := g.reader.List(g.ctx, l, append(opts, client.UnsafeDisableDeepCopy)...); err != nil {
		g.fail(err)
		return nil
	}
	var out []policy.ObjectRef
	g.fail(meta.EachListItem(l, func(o runtime.Object) error {
		obj := o.(client.Object)
		out = append(out, policy.ObjectRef{Kind: kind, Namespace: obj.GetNamespace(), Name: obj.GetName()})
		return nil
	}))
	return out
}
