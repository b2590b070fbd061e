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

// ImpactOf walks every declared dependency backward from changed objects.
// versions are each changed object's versions before and after its change
// (on a creation or deletion, the one that exists), of one object or of
// many; ix holds the objects after every change. Objects of other types,
// and nil ones, are ignored. The impact of many changes together is that of
// each, found in one walk: walking each change on its own would reach the
// same objects again, and, a chain of teams created bottom-up, each
// creation's descendants again, in time quadratic in the chain.
func ImpactOf(ix Index, versions ...metav1.Object) Impact {
	w := &walk{ix: ix, found: map[ObjectRef]bool{}, children: map[ObjectRef][]ObjectRef{}, referrers: map[referrersKey][]ObjectRef{}}
	var changed []metav1.Object
	for _, v := range versions {
		if kind, ok := orgv1.KindOf(v); ok && !isNil(v) {
			w.found[ObjectRef{Kind: kind, Namespace: v.GetNamespace(), Name: v.GetName()}] = true
			changed = append(changed, v)
		}
	}
	for _, rel := range relations {
		w.dependents(changed, rel.kind, rel.path)
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

// walk is the state of one ImpactOf. It remembers the index's answers,
// which many paths, and many changes, ask again.
type walk struct {
	ix        Index
	found     map[ObjectRef]bool
	children  map[ObjectRef][]ObjectRef
	referrers map[referrersKey][]ObjectRef
}

type referrersKey struct {
	kind orgv1.Kind
	ref  ObjectRef
}

func (w *walk) add(refs []ObjectRef) {
	for _, r := range refs {
		w.found[r] = true
	}
}

// dependents adds the objects of kind judged whose dependency path reaches
// a changed object, at any hop: the hop's own fields lead to the next, so a
// change to an object on the way matters as much as one at the end. From
// the hop at a changed object on, the walk goes backward with the set of
// objects reached, each once whatever number of changes reached it.
func (w *walk) dependents(changed []metav1.Object, judged orgv1.Kind, path []step) {
	for i, st := range path {
		if st.op == opFindings {
			continue
		}
		from := func(j int) orgv1.Kind {
			if j > 0 {
				return path[j-1].kind
			}
			return judged
		}
		at, walked := map[ObjectRef]bool{}, map[ObjectRef]bool{}
		for _, c := range changed {
			kind, _ := orgv1.KindOf(c)
			if kind != st.kind {
				continue
			}
			switch p, isPolicy := c.(*orgv1.GovernancePolicy); {
			case st.op == opReferrers:
				// Back from what the change itself names, before it and after.
				for _, r := range References(c) {
					if r.Kind == from(i) {
						at[r] = true
					}
				}
			case st.op == opNamespace && isPolicy && !judgesKind(p, from(i)):
				// A policy changes the findings of the kinds its rules judge only.
			default:
				walked[ObjectRef{Kind: kind, Namespace: c.GetNamespace(), Name: c.GetName()}] = true
			}
		}
		if len(walked) > 0 {
			maps.Copy(at, w.back(st, from(i), walked))
		}
		for j := i - 1; j >= 0 && len(at) > 0; j-- {
			at = w.back(path[j], from(j), at)
		}
		for r := range at {
			w.found[r] = true
		}
	}
}

// back is the set of objects of kind from that reach an object of at in
// one step st.
func (w *walk) back(st step, from orgv1.Kind, at map[ObjectRef]bool) map[ObjectRef]bool {
	out := map[ObjectRef]bool{}
	switch st.op {
	case opRefs:
		for x := range at {
			k := referrersKey{from, x}
			refs, ok := w.referrers[k]
			if !ok {
				refs = w.ix.Referrers(from, x)
				w.referrers[k] = refs
			}
			for _, r := range refs {
				out[r] = true
			}
		}
	case opReferrers:
		panic("policy: a referrers step that is not a path's last") // TestDeclarations rules it out
	case opAncestors:
		w.descendants(at, out)
	case opNamespace:
		nss := map[string]bool{}
		for x := range at {
			nss[x.Namespace] = true
		}
		for ns := range nss {
			for _, r := range w.ix.InNamespace(from, ns) {
				out[r] = true
			}
		}
	}
	return out
}

// descendants adds to out the teams below the teams of at along parentRefs
// (the solid line that opAncestors walks up), each team once. A team of at
// is among them only if it is below one (on a cycle, below itself). Only
// parentRefs: the other references between teams (dotted lines, members'
// teams) connect most of an organization, and walking them made the
// fan-out of one team's change thousands of objects.
func (w *walk) descendants(at, out map[ObjectRef]bool) {
	queue := slices.Collect(maps.Keys(at))
	for ; len(queue) > 0; queue = queue[1:] {
		children, ok := w.children[queue[0]]
		if !ok {
			children = w.ix.Children(queue[0])
			w.children[queue[0]] = children
		}
		for _, child := range children {
			if !out[child] {
				out[child] = true
				queue = append(queue, child)
			}
		}
	}
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
