package policy

import (
	"cmp"
	"fmt"
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// MemoryGraph is a Graph and an Index over objects held in memory, for the
// kubectl plugin, tests and benchmarks. It is immutable once built and safe
// for concurrent use.
type MemoryGraph struct {
	namespaces []string
	byNS       map[string]*memoryNamespace
	team       map[teamName]*orgv1.Team                    // every team, by namespace and name
	matrices   map[ObjectRef][]*orgv1.ResponsibilityMatrix // by platform named
	governed   map[ObjectRef][]*orgv1.Platform             // by committee named
	teamUsers  map[ObjectRef][]*orgv1.Platform             // by team referenced
	referrers  map[ObjectRef][]ObjectRef                   // by object named
	children   map[ObjectRef][]ObjectRef                   // teams by the parent they name
}

// memoryNamespace holds one namespace's objects, each list sorted by name.
type memoryNamespace struct {
	organizations []*orgv1.Organization
	teams         []*orgv1.Team
	platforms     []*orgv1.Platform
	committees    []*orgv1.SteeringCommittee
	matrices      []*orgv1.ResponsibilityMatrix
	policies      []*orgv1.GovernancePolicy

	organization map[string]*orgv1.Organization
	platform     map[string]*orgv1.Platform
	matrix       map[string]*orgv1.ResponsibilityMatrix
	committee    map[string]*orgv1.SteeringCommittee
	refs         map[orgv1.Kind][]ObjectRef
}

// NewMemoryGraph builds a MemoryGraph from pointers to the six orgplane kinds
// (*orgv1.Organization, *orgv1.Team, ...). It keeps deep copies, so callers
// may go on mutating their objects. It fails on any other type, a nil
// pointer, or two objects of the same kind, namespace and name (which would
// make the result depend on the order of objs).
func NewMemoryGraph(objs ...metav1.Object) (*MemoryGraph, error) {
	g := &MemoryGraph{
		byNS:      map[string]*memoryNamespace{},
		team:      map[teamName]*orgv1.Team{},
		matrices:  map[ObjectRef][]*orgv1.ResponsibilityMatrix{},
		governed:  map[ObjectRef][]*orgv1.Platform{},
		teamUsers: map[ObjectRef][]*orgv1.Platform{},
		referrers: map[ObjectRef][]ObjectRef{},
		children:  map[ObjectRef][]ObjectRef{},
	}
	seen := map[ObjectRef]bool{}
	for i, obj := range objs {
		kind, err := kindOf(obj)
		if err != nil {
			return nil, fmt.Errorf("object %d: %w", i, err)
		}
		ref := ObjectRef{Kind: kind, Namespace: obj.GetNamespace(), Name: obj.GetName()}
		if seen[ref] {
			return nil, fmt.Errorf("object %d: duplicate %s", i, ref)
		}
		seen[ref] = true
		g.add(ref, obj)
	}
	for ns, m := range g.byNS {
		g.namespaces = append(g.namespaces, ns)
		sortByName(m.organizations)
		sortByName(m.teams)
		sortByName(m.platforms)
		sortByName(m.committees)
		sortByName(m.matrices)
		sortByName(m.policies)
		for _, l := range m.refs {
			slices.SortFunc(l, compareRefs)
		}
	}
	slices.Sort(g.namespaces)
	for _, l := range g.matrices {
		sortByNamespaceName(l)
	}
	for _, l := range g.governed {
		sortByNamespaceName(l)
	}
	for _, l := range g.teamUsers {
		sortByNamespaceName(l)
	}
	for _, l := range g.referrers {
		slices.SortFunc(l, compareRefs)
	}
	return g, nil
}

// kindOf names obj's kind, rejecting anything NewMemoryGraph cannot hold.
func kindOf(obj metav1.Object) (orgv1.Kind, error) {
	kind, ok := orgv1.KindOf(obj)
	if !ok {
		return "", fmt.Errorf("unsupported type %T", obj)
	}
	if isNil(obj) {
		return "", fmt.Errorf("nil %s", kind)
	}
	return kind, nil
}

func (g *MemoryGraph) add(ref ObjectRef, obj metav1.Object) {
	ns := obj.GetNamespace()
	m := g.byNS[ns]
	if m == nil {
		m = &memoryNamespace{
			organization: map[string]*orgv1.Organization{},
			platform:     map[string]*orgv1.Platform{},
			matrix:       map[string]*orgv1.ResponsibilityMatrix{},
			committee:    map[string]*orgv1.SteeringCommittee{},
			refs:         map[orgv1.Kind][]ObjectRef{},
		}
		g.byNS[ns] = m
	}
	m.refs[ref.Kind] = append(m.refs[ref.Kind], ref)
	for _, r := range References(obj) {
		g.referrers[r] = append(g.referrers[r], ref)
	}
	switch o := obj.(type) {
	case *orgv1.Organization:
		o = o.DeepCopy()
		m.organizations = append(m.organizations, o)
		m.organization[o.Name] = o
	case *orgv1.Team:
		o = o.DeepCopy()
		m.teams = append(m.teams, o)
		g.team[nameOf(o)] = o
		if r := o.Spec.ParentRef; r != nil {
			k := teamKey(ns, *r)
			g.children[k] = append(g.children[k], ref)
		}
	case *orgv1.Platform:
		o = o.DeepCopy()
		m.platforms = append(m.platforms, o)
		m.platform[o.Name] = o
		if r := o.Spec.SteeringCommitteeRef; r != nil {
			k := refKey(orgv1.KindSteeringCommittee, ns, r.Namespace, r.Name)
			g.governed[k] = append(g.governed[k], o)
		}
		for _, r := range References(o) {
			if r.Kind == orgv1.KindTeam {
				g.teamUsers[r] = append(g.teamUsers[r], o)
			}
		}
	case *orgv1.SteeringCommittee:
		o = o.DeepCopy()
		m.committees = append(m.committees, o)
		m.committee[o.Name] = o
	case *orgv1.ResponsibilityMatrix:
		o = o.DeepCopy()
		m.matrices = append(m.matrices, o)
		m.matrix[o.Name] = o
		if r := o.Spec.PlatformRef; r != nil {
			k := refKey(orgv1.KindPlatform, ns, r.Namespace, r.Name)
			g.matrices[k] = append(g.matrices[k], o)
		}
	case *orgv1.GovernancePolicy:
		m.policies = append(m.policies, o.DeepCopy())
	}
}

func sortByName[T metav1.Object](l []T) {
	slices.SortFunc(l, func(a, b T) int { return cmp.Compare(a.GetName(), b.GetName()) })
}

func sortByNamespaceName[T metav1.Object](l []T) {
	slices.SortFunc(l, func(a, b T) int {
		return cmp.Or(cmp.Compare(a.GetNamespace(), b.GetNamespace()), cmp.Compare(a.GetName(), b.GetName()))
	})
}

// noObjects stands for a namespace that holds nothing.
var noObjects = &memoryNamespace{}

// ns returns the namespace's objects; none for an unknown namespace.
func (g *MemoryGraph) ns(namespace string) *memoryNamespace {
	if m := g.byNS[namespace]; m != nil {
		return m
	}
	return noObjects
}

// Namespaces implements Graph.
func (g *MemoryGraph) Namespaces() []string { return g.namespaces }

// Organizations implements Graph.
func (g *MemoryGraph) Organizations(ns string) []*orgv1.Organization { return g.ns(ns).organizations }

// Teams implements Graph.
func (g *MemoryGraph) Teams(ns string) []*orgv1.Team { return g.ns(ns).teams }

// Platforms implements Graph.
func (g *MemoryGraph) Platforms(ns string) []*orgv1.Platform { return g.ns(ns).platforms }

// SteeringCommittees implements Graph.
func (g *MemoryGraph) SteeringCommittees(ns string) []*orgv1.SteeringCommittee {
	return g.ns(ns).committees
}

// ResponsibilityMatrices implements Graph.
func (g *MemoryGraph) ResponsibilityMatrices(ns string) []*orgv1.ResponsibilityMatrix {
	return g.ns(ns).matrices
}

// GovernancePolicies implements Graph.
func (g *MemoryGraph) GovernancePolicies(ns string) []*orgv1.GovernancePolicy {
	return g.ns(ns).policies
}

// Organization implements Graph.
func (g *MemoryGraph) Organization(ns, name string) *orgv1.Organization {
	return g.ns(ns).organization[name]
}

// ResponsibilityMatrix implements Graph.
func (g *MemoryGraph) ResponsibilityMatrix(ns, name string) *orgv1.ResponsibilityMatrix {
	return g.ns(ns).matrix[name]
}

// Team implements Graph.
func (g *MemoryGraph) Team(ns, name string) *orgv1.Team { return g.team[teamName{ns, name}] }

// Platform implements Graph.
func (g *MemoryGraph) Platform(ns, name string) *orgv1.Platform { return g.ns(ns).platform[name] }

// SteeringCommittee implements Graph.
func (g *MemoryGraph) SteeringCommittee(ns, name string) *orgv1.SteeringCommittee {
	return g.ns(ns).committee[name]
}

// MatricesFor implements Graph: the matrices whose platformRef names the
// platform, sorted by namespace and name.
func (g *MemoryGraph) MatricesFor(ns, name string) []*orgv1.ResponsibilityMatrix {
	return g.matrices[ObjectRef{Kind: orgv1.KindPlatform, Namespace: ns, Name: name}]
}

// PlatformsGovernedBy implements Graph: the platforms whose
// steeringCommitteeRef names the committee, sorted by namespace and name.
func (g *MemoryGraph) PlatformsGovernedBy(ns, name string) []*orgv1.Platform {
	return g.governed[ObjectRef{Kind: orgv1.KindSteeringCommittee, Namespace: ns, Name: name}]
}

// PlatformsReferencing implements Graph: the platforms that reference the
// team, sorted by namespace and name.
func (g *MemoryGraph) PlatformsReferencing(ns, name string) []*orgv1.Platform {
	return g.teamUsers[ObjectRef{Kind: orgv1.KindTeam, Namespace: ns, Name: name}]
}

// Referrers implements Index.
func (g *MemoryGraph) Referrers(kind orgv1.Kind, ref ObjectRef) []ObjectRef {
	var out []ObjectRef
	for _, r := range g.referrers[ref] {
		if r.Kind == kind {
			out = append(out, r)
		}
	}
	return out
}

// Children implements Index.
func (g *MemoryGraph) Children(team ObjectRef) []ObjectRef { return g.children[team] }

// InNamespace implements Index.
func (g *MemoryGraph) InNamespace(kind orgv1.Kind, ns string) []ObjectRef {
	return g.ns(ns).refs[kind]
}
