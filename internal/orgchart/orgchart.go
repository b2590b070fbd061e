// Package orgchart draws an organization as declared: the team hierarchy
// (reporting and dotted lines), who owns and operates each platform, which
// committee governs it and which teams sit on each committee, with the
// objects that violate a policy marked, the references that resolve to
// nothing drawn as missing nodes, each team's unit for the inferred model
// (BusinessUnit, CenterOfExcellence or central) and the martech team marked. It writes Graphviz DOT, Mermaid, and SVG
// through Graphviz's dot command.
//
// Names: the "graph" is the organization as the policy engine reads it
// (policy.Graph); the "chart" is this picture of one. `kubectl org graph`
// draws it: the command keeps the name users already run, and the package
// is named for what it makes.
package orgchart

import (
	"cmp"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/policy"
)

// EdgeKind is what an edge means.
type EdgeKind string

// The edges of a chart.
const (
	// ReportsTo runs from a team's parent to the team (spec.parentRef).
	ReportsTo EdgeKind = "reports-to"
	// DottedLine runs from a team's dotted-line manager to the team
	// (spec.dottedLineRefs).
	DottedLine EdgeKind = "dotted-line"
	// Owns runs from the owner team to a platform (spec.ownerRef).
	Owns EdgeKind = "owns"
	// Operates runs from an operator team to a platform (spec.operatorRefs).
	Operates EdgeKind = "operates"
	// Governs runs from a steering committee to a platform
	// (spec.steeringCommitteeRef).
	Governs EdgeKind = "governs"
	// MemberOf runs from a team to the committee it sits on (spec.members).
	MemberOf EdgeKind = "member-of"
)

// Node is a team, platform or steering committee.
type Node struct {
	// ID is Kind/namespace/name.
	ID  string
	Ref policy.ObjectRef
	// Label is the display name, or the name.
	Label string
	// Detail says what it is: "Team · Marketing · CenterOfExcellence".
	Detail string
	// Violations counts its violations.
	Violations int
	// Missing is set for an object that is referenced but not declared.
	Missing bool
	// Unit is a declared team's unit for the inferred model (policy.UnitsOf);
	// nil for other nodes.
	Unit *policy.Unit
	// Martech is the inferred martech model when the team is its
	// namespace's martech team; empty otherwise.
	Martech orgv1.MartechModel
}

// UnitHead reports whether the node is a team that heads its unit.
func (n *Node) UnitHead() bool { return n.Unit != nil && n.Unit.Head == n.Ref }

// Edge links two nodes by ID.
type Edge struct {
	From, To string
	Kind     EdgeKind
}

// Namespace is the part of the chart in one namespace.
type Namespace struct {
	Name string
	// Label names the namespace and, when it has one, its Organization and
	// the model it declares.
	Label string
	// Violating is set when its Organization has violations.
	Violating bool
	Nodes     []*Node
}

// Chart is an organization chart.
type Chart struct {
	Namespaces []*Namespace
	Edges      []Edge
}

// Violations counts an object's violations: from the status the controller
// wrote, or from the engine's findings.
type Violations func(policy.ObjectRef) int

// MartechTeams are the martech teams with their inferred martech models:
// from the Organizations' status, or from the engine's evaluation.
type MartechTeams map[policy.ObjectRef]orgv1.MartechModel

// Build draws the chart of every namespace of g.
func Build(g policy.Graph, violations Violations, martech MartechTeams) *Chart {
	b := &builder{g: g, violations: violations, chart: &Chart{}, namespaces: map[string]*Namespace{}, nodes: map[string]*Node{}}
	// Declared objects first, so that a reference to one that is declared
	// later never draws it as missing.
	unitOf := policy.UnitsOf(g)
	for _, ns := range g.Namespaces() {
		n := b.namespace(ns)
		for _, o := range g.Organizations(ns) {
			n.Label = fmt.Sprintf("%s (namespace %s) · %s", cmp.Or(o.Spec.DisplayName, o.Name), ns, o.Spec.Model)
			n.Violating = n.Violating || violations(ref(orgv1.KindOrganization, o)) > 0
		}
		for _, t := range g.Teams(ns) {
			n := b.add(orgv1.KindTeam, t, t.Spec.DisplayName, fmt.Sprintf("Team · %s · %s", t.Spec.Function, t.Spec.Type))
			u := unitOf(t)
			n.Unit, n.Martech = &u, martech[n.Ref]
		}
		for _, p := range g.Platforms(ns) {
			b.add(orgv1.KindPlatform, p, p.Spec.DisplayName, fmt.Sprintf("Platform · %s · %s", p.Spec.Category, cmp.Or(string(p.Spec.Tier), string(orgv1.TierEngagement))))
		}
		for _, c := range g.SteeringCommittees(ns) {
			b.add(orgv1.KindSteeringCommittee, c, c.Spec.DisplayName, "Steering committee")
		}
	}
	for _, ns := range g.Namespaces() {
		for _, t := range g.Teams(ns) {
			id := b.id(orgv1.KindTeam, ns, t.Name)
			if r := t.Spec.ParentRef; r != nil {
				b.edge(b.ref(orgv1.KindTeam, ns, r.Namespace, r.Name), id, ReportsTo)
			}
			for _, r := range t.Spec.DottedLineRefs {
				b.edge(b.ref(orgv1.KindTeam, ns, r.Namespace, r.Name), id, DottedLine)
			}
		}
		for _, p := range g.Platforms(ns) {
			id := b.id(orgv1.KindPlatform, ns, p.Name)
			if r := p.Spec.OwnerRef; r != nil {
				b.edge(b.ref(orgv1.KindTeam, ns, r.Namespace, r.Name), id, Owns)
			}
			for _, r := range p.Spec.OperatorRefs {
				b.edge(b.ref(orgv1.KindTeam, ns, r.Namespace, r.Name), id, Operates)
			}
			if r := p.Spec.SteeringCommitteeRef; r != nil {
				b.edge(b.ref(orgv1.KindSteeringCommittee, ns, r.Namespace, r.Name), id, Governs)
			}
		}
		for _, c := range g.SteeringCommittees(ns) {
			id := b.id(orgv1.KindSteeringCommittee, ns, c.Name)
			for _, m := range c.Spec.Members {
				b.edge(b.ref(orgv1.KindTeam, ns, m.TeamRef.Namespace, m.TeamRef.Name), id, MemberOf)
			}
		}
	}
	return b.chart
}

type builder struct {
	g          policy.Graph
	violations Violations
	chart      *Chart
	namespaces map[string]*Namespace
	nodes      map[string]*Node
	edges      map[Edge]bool
}

func ref(kind orgv1.Kind, o metav1.Object) policy.ObjectRef {
	return policy.ObjectRef{Kind: kind, Namespace: o.GetNamespace(), Name: o.GetName()}
}

func (b *builder) namespace(name string) *Namespace {
	if n := b.namespaces[name]; n != nil {
		return n
	}
	n := &Namespace{Name: name, Label: "namespace " + name}
	b.namespaces[name] = n
	b.chart.Namespaces = append(b.chart.Namespaces, n)
	return n
}

func (b *builder) id(kind orgv1.Kind, ns, name string) string {
	return string(kind) + "/" + ns + "/" + name
}

func (b *builder) add(kind orgv1.Kind, o metav1.Object, display, detail string) *Node {
	r := ref(kind, o)
	n := &Node{ID: b.id(kind, r.Namespace, r.Name), Ref: r, Label: cmp.Or(display, r.Name), Detail: detail, Violations: b.violations(r)}
	b.nodes[n.ID] = n
	ns := b.namespace(r.Namespace)
	ns.Nodes = append(ns.Nodes, n)
	return n
}

var kindWords = map[orgv1.Kind]string{
	orgv1.KindTeam:              "team",
	orgv1.KindSteeringCommittee: "steering committee",
}

// ref returns the node a reference names, drawing a missing node when
// nothing declared answers to it.
func (b *builder) ref(kind orgv1.Kind, fromNS, ns, name string) string {
	ns = cmp.Or(ns, fromNS)
	id := b.id(kind, ns, name)
	if b.nodes[id] == nil {
		n := &Node{ID: id, Ref: policy.ObjectRef{Kind: kind, Namespace: ns, Name: name}, Label: name,
			Detail: kindWords[kind] + " not found", Missing: true}
		b.nodes[id] = n
		nsp := b.namespace(ns)
		nsp.Nodes = append(nsp.Nodes, n)
	}
	return id
}

// edge adds an edge once, however often the manifests repeat it.
func (b *builder) edge(from, to string, kind EdgeKind) {
	e := Edge{From: from, To: to, Kind: kind}
	if b.edges == nil {
		b.edges = map[Edge]bool{}
	}
	if !b.edges[e] {
		b.edges[e] = true
		b.chart.Edges = append(b.chart.Edges, e)
	}
}
