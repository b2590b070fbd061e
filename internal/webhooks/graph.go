package webhooks

import (
	"cmp"
	"context"
	"slices"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/policy"
)

// overlay is a policy.Graph that shows obj, the object being admitted, in
// place of the version base holds under obj's kind, namespace and name (or
// beside what base holds, for a creation): the graph as it will be once the
// write lands. One generic rule covers every kind and every method: a list
// or lookup of obj's Go type sees obj wherever base would show an object of
// that namespace and name, and never base's version of it.
type overlay struct {
	policy.Graph
	obj  client.Object
	refs []policy.ObjectRef // policy.References(obj)
	// teams, over cached, are the places of teams its evaluations borrow;
	// nil for none.
	teams  *policy.TeamHierarchy
	cached policy.Graph
}

func withObject(base policy.Graph, obj client.Object) *overlay {
	return &overlay{Graph: base, obj: obj, refs: policy.References(obj)}
}

// borrowing lets o's evaluations borrow the places of teams from teams, a
// TeamHierarchy over cached, the graph o shows with its object in place.
func (o *overlay) borrowing(teams *policy.TeamHierarchy, cached policy.Graph) *overlay {
	o.teams, o.cached = teams, cached
	return o
}

// HierarchyBase implements policy.HierarchyBase.
func (o *overlay) HierarchyBase() (*policy.TeamHierarchy, policy.Graph, metav1.Object) {
	return o.teams, o.cached, o.obj
}

// Watches forwards base's policy.Scoped (--watch-namespaces).
func (o *overlay) Watches(namespace string) bool { return policy.Watches(o.Graph, namespace) }

// as returns obj as a P when it is one.
func as[P client.Object](o *overlay) (P, bool) {
	p, ok := o.obj.(P)
	return p, ok
}

// lookup is get(ns, name), unless obj is that object.
func lookup[P client.Object](o *overlay, ns, name string, get func(ns, name string) P) P {
	if p, ok := as[P](o); ok && p.GetNamespace() == ns && p.GetName() == name {
		return p
	}
	return get(ns, name)
}

// inNamespace is a namespace's list of obj's kind, obj in it when it lies
// in that namespace.
func inNamespace[P client.Object](o *overlay, l []P, ns string) []P {
	if p, ok := as[P](o); ok && p.GetNamespace() == ns {
		return place(l, p, true)
	}
	return l
}

// referring is a list of the objects of obj's kind that reference target:
// obj is in it when it references target, whatever base says.
func referring[P client.Object](o *overlay, l []P, target policy.ObjectRef) []P {
	if p, ok := as[P](o); ok {
		return place(l, p, slices.Contains(o.refs, target))
	}
	return l
}

// place returns l without its object of p's namespace and name and, when
// keep is true, with p inserted in namespace and name order. l is not
// modified.
func place[P client.Object](l []P, p P, keep bool) []P {
	out := make([]P, 0, len(l)+1)
	for _, x := range l {
		if x.GetNamespace() != p.GetNamespace() || x.GetName() != p.GetName() {
			out = append(out, x)
		}
	}
	if keep {
		i := slices.IndexFunc(out, func(x P) bool {
			return cmp.Or(cmp.Compare(x.GetNamespace(), p.GetNamespace()), cmp.Compare(x.GetName(), p.GetName())) > 0
		})
		if i < 0 {
			i = len(out)
		}
		out = slices.Insert(out, i, p)
	}
	return out
}

func (o *overlay) Namespaces() []string {
	l := o.Graph.Namespaces()
	ns := o.obj.GetNamespace()
	if i, found := slices.BinarySearch(l, ns); !found {
		return slices.Insert(slices.Clone(l), i, ns)
	}
	return l
}

func (o *overlay) Organizations(ns string) []*orgv1.Organization {
	return inNamespace(o, o.Graph.Organizations(ns), ns)
}

func (o *overlay) Teams(ns string) []*orgv1.Team { return inNamespace(o, o.Graph.Teams(ns), ns) }

func (o *overlay) Platforms(ns string) []*orgv1.Platform {
	return inNamespace(o, o.Graph.Platforms(ns), ns)
}

func (o *overlay) SteeringCommittees(ns string) []*orgv1.SteeringCommittee {
	return inNamespace(o, o.Graph.SteeringCommittees(ns), ns)
}

func (o *overlay) ResponsibilityMatrices(ns string) []*orgv1.ResponsibilityMatrix {
	return inNamespace(o, o.Graph.ResponsibilityMatrices(ns), ns)
}

func (o *overlay) GovernancePolicies(ns string) []*orgv1.GovernancePolicy {
	return inNamespace(o, o.Graph.GovernancePolicies(ns), ns)
}

func (o *overlay) Organization(ns, name string) *orgv1.Organization {
	return lookup(o, ns, name, o.Graph.Organization)
}

func (o *overlay) Team(ns, name string) *orgv1.Team { return lookup(o, ns, name, o.Graph.Team) }

func (o *overlay) Platform(ns, name string) *orgv1.Platform {
	return lookup(o, ns, name, o.Graph.Platform)
}

func (o *overlay) SteeringCommittee(ns, name string) *orgv1.SteeringCommittee {
	return lookup(o, ns, name, o.Graph.SteeringCommittee)
}

func (o *overlay) ResponsibilityMatrix(ns, name string) *orgv1.ResponsibilityMatrix {
	return lookup(o, ns, name, o.Graph.ResponsibilityMatrix)
}

func (o *overlay) MatricesFor(ns, name string) []*orgv1.ResponsibilityMatrix {
	return referring(o, o.Graph.MatricesFor(ns, name), policy.ObjectRef{Kind: orgv1.KindPlatform, Namespace: ns, Name: name})
}

func (o *overlay) PlatformsGovernedBy(ns, name string) []*orgv1.Platform {
	return referring(o, o.Graph.PlatformsGovernedBy(ns, name), policy.ObjectRef{Kind: orgv1.KindSteeringCommittee, Namespace: ns, Name: name})
}

func (o *overlay) PlatformsReferencing(ns, name string) []*orgv1.Platform {
	return referring(o, o.Graph.PlatformsReferencing(ns, name), policy.ObjectRef{Kind: orgv1.KindTeam, Namespace: ns, Name: name})
}

// liveLookups is a policy.Graph whose Team, Platform and SteeringCommittee
// lookups that miss in base (the informer cache) ask the API server: an
// object applied a moment before the one being admitted (a Team, then the
// Platform it owns, in one `kubectl apply`) may not have reached the cache
// yet, and a reference to it must not be reported as dangling. Only misses
// cost a request, once per object and evaluation. The first error is kept
// in err.
type liveLookups struct {
	policy.Graph
	ctx    context.Context
	reader client.Reader
	got    map[policy.ObjectRef]client.Object // live answers, nil for not found
	err    error
}

func withLiveLookups(ctx context.Context, base policy.Graph, reader client.Reader) *liveLookups {
	return &liveLookups{Graph: base, ctx: ctx, reader: reader, got: map[policy.ObjectRef]client.Object{}}
}

// Watches forwards base's policy.Scoped: the live reader is confined to
// the same namespaces as the cache (SetupWebhooks).
func (g *liveLookups) Watches(namespace string) bool { return policy.Watches(g.Graph, namespace) }

func live[T any, P interface {
	*T
	client.Object
}](g *liveLookups, kind orgv1.Kind, cached P, ns, name string) P {
	if cached != nil {
		return cached
	}
	ref := policy.ObjectRef{Kind: kind, Namespace: ns, Name: name}
	if obj, ok := g.got[ref]; ok {
		p, _ := obj.(P)
		return p
	}
	obj := P(new(T))
	if err := g.reader.Get(g.ctx, types.NamespacedName{Namespace: ns, Name: name}, obj); err != nil {
		if !apierrors.IsNotFound(err) && g.err == nil {
			g.err = err
		}
		g.got[ref] = nil
		return nil
	}
	g.got[ref] = obj
	return obj
}

func (g *liveLookups) Team(ns, name string) *orgv1.Team {
	return live(g, orgv1.KindTeam, g.Graph.Team(ns, name), ns, name)
}

func (g *liveLookups) Platform(ns, name string) *orgv1.Platform {
	return live(g, orgv1.KindPlatform, g.Graph.Platform(ns, name), ns, name)
}

func (g *liveLookups) SteeringCommittee(ns, name string) *orgv1.SteeringCommittee {
	return live(g, orgv1.KindSteeringCommittee, g.Graph.SteeringCommittee(ns, name), ns, name)
}
