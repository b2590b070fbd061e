package policy

import (
	"fmt"
	"maps"
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// Every part of the engine that reads the graph declares what it reads
// beyond the object it judges, as paths from that object: the integrity
// check (integrity.go), each rule type (ruleDefs), the GovernancePolicies
// themselves and the status roll-ups. ImpactOf walks the paths backward to
// find what a change concerns, and the package doc's dependency table is
// rendered from them (TestDependencyDoc), so neither can drift from the
// rules. FuzzImpact checks on random graphs that the declarations are
// complete: a change never alters the findings of an object ImpactOf misses.

// op is how a step moves from objects to the objects they read.
type op int

const (
	// opRefs reaches the objects of the step's kind that an object
	// references (References).
	opRefs op = iota
	// opReferrers reaches the objects of the step's kind that reference an
	// object, in any namespace. Only a path's last step may be one: walking
	// backward, it needs the references of the changed object itself.
	opReferrers
	// opAncestors reaches the teams up a team's parentRef chain, the team
	// itself excluded.
	opAncestors
	// opNamespace reaches every object of the step's kind in an object's
	// namespace.
	opNamespace
	// opFindings reaches the findings of every judged object of an object's
	// namespace, and so everything they read: a namespace summary.
	opFindings
)

// step is one hop of a path.
type step struct {
	op   op
	kind orgv1.Kind // of the objects reached; none for opFindings
}

func refs(k orgv1.Kind) step        { return step{opRefs, k} }
func referrers(k orgv1.Kind) step   { return step{opReferrers, k} }
func ancestors() step               { return step{opAncestors, orgv1.KindTeam} }
func inNamespace(k orgv1.Kind) step { return step{opNamespace, k} }
func findings() step                { return step{op: opFindings} }

// dependency is one relation a judgement reads: the objects reached from the
// judged object along path (each hop read too, to find the next), and what
// of them it reads.
type dependency struct {
	path []step
	what string
}

func dep(what string, path ...step) dependency { return dependency{path: path, what: what} }

// reads is what judging, or summarizing, objects of one kind reads beyond
// the object itself.
type reads struct {
	kind orgv1.Kind
	deps []dependency
}

func on(kind orgv1.Kind, deps ...dependency) reads { return reads{kind: kind, deps: deps} }

// reader is one part of the engine that reads the graph.
type reader struct {
	name   string
	judges []reads
}

// policiesRead: every finding comes from the rules of the namespace's
// GovernancePolicies (the integrity check's aside).
var policiesRead = func() reader {
	r := reader{name: "GovernancePolicies"}
	for _, k := range judgedKinds {
		r.judges = append(r.judges, on(k, dep("rules, match, params", inNamespace(orgv1.KindGovernancePolicy))))
	}
	return r
}()

// summariesRead are the roll-ups of a whole namespace.
var summariesRead = reader{name: "status.summary, status.rules", judges: []reads{
	on(orgv1.KindOrganization, dep("objects and violations by severity", findings())),
	on(orgv1.KindGovernancePolicy, dep("what each rule judged and found", findings())),
}}

// readers lists every reader, in the order of the package doc's table.
func readers() []reader {
	out := []reader{policiesRead, integrityRead}
	for _, t := range slices.Sorted(maps.Keys(ruleDefs)) {
		out = append(out, reader{name: string(t), judges: ruleDefs[t].judges})
	}
	return append(out, modelRead, martechRead, transitionRead, coverageRead, summariesRead)
}

// relation is a kind and one path that judging or summarizing it reads.
type relation struct {
	kind orgv1.Kind
	path []step
}

// relations are every reader's, each once however many readers declare it
// (most rules read a Platform's teams): what ImpactOf walks.
var relations = func() []relation {
	var out []relation
	seen := map[string]bool{}
	for _, r := range readers() {
		for _, rd := range r.judges {
			for _, d := range rd.deps {
				if key := fmt.Sprint(rd.kind, d.path); !seen[key] {
					seen[key] = true
					out = append(out, relation{kind: rd.kind, path: d.path})
				}
			}
		}
	}
	return out
}()

// Index answers the reverse lookups that walking a dependency backward
// needs, over the objects as they are after a change: the controller's
// informer cache with its field index, or a MemoryGraph.
type Index interface {
	// Referrers lists the objects of kind that reference ref (References).
	Referrers(kind orgv1.Kind, ref ObjectRef) []ObjectRef
	// InNamespace lists the objects of kind in namespace.
	InNamespace(kind orgv1.Kind, namespace string) []ObjectRef
	// Children lists the teams whose parentRef names team (ParentKey),
	// whether or not team exists.
	Children(team ObjectRef) []ObjectRef
}

// Impact is what a change to one object may change.
type Impact struct {
	// Objects are those whose findings or status may change, of every kind,
	// the changed object among them; sorted.
	Objects []ObjectRef
	// Namespaces are those whose summaries may change (their Organizations'
	// and GovernancePolicies' status, their policy reports); sorted.
	Namespaces []string
}

// ImpactOf walks every declared dependency backward from a changed object.
// versions are the object before and after the change (on a creation or
// deletion, the one that exists); ix holds the objects after the change.
// Objects of other types, and nil ones, are ignored.
func ImpactOf(ix Index, versions ...metav1.Object) Impact {
	w := &walk{ix: ix, found: map[ObjectRef]bool{}, below: map[ObjectRef][]ObjectRef{}}
	var changed []metav1.Object
	for _, v := range versions {
		if kind, ok := orgv1.KindOf(v); ok && !isNil(v) {
			w.found[ObjectRef{Kind: kind, Namespace: v.GetNamespace(), Name: v.GetName()}] = true
			changed = append(changed, v)
		}
	}
	for _, v := range changed {
		for _, rel := range relations {
			w.dependents(v, rel.kind, rel.path)
		}
	}
	nss := map[string]bool{}
	for o := range w.found {
		nss[o.Namespace] = true
	}
	for _, rel := range relations {
		if rel.path[0].op == opFindings {
			for ns := range nss {
				w.add(ix.InNamespace(rel.kind, ns))
			}
		}
	}
	return Impact{Objects: slices.SortedFunc(maps.Keys(w.found), compareRefs), Namespaces: slices.Sorted(maps.Keys(nss))}
}

// walk is the state of one ImpactOf.
type walk struct {
	ix    Index
	found map[ObjectRef]bool
	below map[ObjectRef][]ObjectRef // descendants, memoized
}

func (w *walk) add(refs []ObjectRef) {
	for _, r := range refs {
		w.found[r] = true
	}
}

// dependents adds the objects of kind judged whose dependency path reaches
// changed, at any hop: the hop's own fields lead to the next, so a change to
// an object on the way matters as much as one at the end.
func (w *walk) dependents(changed metav1.Object, judged orgv1.Kind, path []step) {
	kind, _ := orgv1.KindOf(changed)
	self := ObjectRef{Kind: kind, Namespace: changed.GetNamespace(), Name: changed.GetName()}
	for i, st := range path {
		if st.op == opFindings || st.kind != kind {
			continue
		}
		at := []ObjectRef{self}
		for j := i; j >= 0 && len(at) > 0; j-- {
			from := judged
			if j > 0 {
				from = path[j-1].kind
			}
			var prev []ObjectRef
			for _, x := range at {
				prev = append(prev, w.back(path[j], from, x, changed, j == i)...)
			}
			at = prev
		}
		w.add(at)
	}
}

// back lists the objects of kind from that reach x in one step st. obj is
// the changed object, which x is when isChanged.
func (w *walk) back(st step, from orgv1.Kind, x ObjectRef, obj metav1.Object, isChanged bool) []ObjectRef {
	switch st.op {
	case opRefs:
		return w.ix.Referrers(from, x)
	case opReferrers:
		if !isChanged {
			panic("policy: a referrers step that is not a path's last") // TestDeclarations rules it out
		}
		var out []ObjectRef
		for _, r := range References(obj) {
			if r.Kind == from {
				out = append(out, r)
			}
		}
		return out
	case opAncestors:
		return w.descendants(x)
	case opNamespace:
		if p, ok := obj.(*orgv1.GovernancePolicy); ok && isChanged && !judgesKind(p, from) {
			// A policy changes the findings of the kinds its rules judge only.
			return nil
		}
		return w.ix.InNamespace(from, x.Namespace)
	}
	return nil
}

// descendants lists the teams below a team along parentRefs (the solid
// line that opAncestors walks up), stopping where it has been. Only
// parentRefs: the other references between teams (dotted lines, members'
// teams) connect most of an organization, and walking them made the
// fan-out of one team's change thousands of objects.
func (w *walk) descendants(team ObjectRef) []ObjectRef {
	if d, ok := w.below[team]; ok {
		return d
	}
	var out []ObjectRef
	seen := map[ObjectRef]bool{team: true}
	for queue := []ObjectRef{team}; len(queue) > 0; queue = queue[1:] {
		for _, child := range w.ix.Children(queue[0]) {
			if !seen[child] {
				seen[child] = true
				out = append(out, child)
				queue = append(queue, child)
			}
		}
	}
	w.below[team] = out
	return out
}

// judgesKind reports whether a rule of the policy judges objects of kind (by
// rule type and match.kinds; label selectors are not considered).
func judgesKind(p *orgv1.GovernancePolicy, kind orgv1.Kind) bool {
	for i := range p.Spec.Rules {
		if slices.Contains(ruleKinds(&p.Spec.Rules[i]), kind) {
			return true
		}
	}
	return false
}
