package policy

import (
	"cmp"
	"reflect"
	"strconv"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// ObjectRef names one orgplane object.
type ObjectRef struct {
	Kind      orgv1.Kind
	Namespace string
	Name      string
}

// String returns "Kind/namespace/name", the same key as IndexKey.
func (r ObjectRef) String() string { return IndexKey(r.Kind, r.Namespace, r.Name) }

// compareRefs orders refs by kind, namespace and name.
func compareRefs(a, b ObjectRef) int {
	return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
}

// IndexKey is the key under which an object that references kind/ns/name is
// indexed; it equals ObjectRef.String() so a field index built from
// References can be queried with the referenced object's coordinates.
func IndexKey(kind orgv1.Kind, namespace, name string) string {
	return string(kind) + "/" + namespace + "/" + name
}

// ParentKey is the IndexKey of the team that a team's parentRef names, for
// Index.Children; "" for any other object or a team without a parent.
func ParentKey(obj metav1.Object) string {
	t, ok := obj.(*orgv1.Team)
	if !ok || t.Spec.ParentRef == nil {
		return ""
	}
	return teamKey(t.Namespace, *t.Spec.ParentRef).String()
}

// fieldRef is one reference an object holds, with the JSON path of the field
// that holds it so integrity messages can name the field at fault.
type fieldRef struct {
	field fieldPath
	ref   ObjectRef
}

// fieldPath is a field's JSON path, head[i]rest[j] (an index left out when
// negative), kept in parts and written out only for a message: most
// references resolve, and writing every path out was most of what judging
// references allocated.
type fieldPath struct {
	head string
	i    int
	rest string
	j    int
}

// path is the path of a field of no list: spec.ownerRef.
func path(head string) fieldPath { return fieldPath{head: head, i: -1, j: -1} }

// item is the path of a field of a list's i-th item: spec.members[2].teamRef.
func item(head string, i int, rest string) fieldPath {
	return fieldPath{head: head, i: i, rest: rest, j: -1}
}

// at is the path of the k-th item of the list at f.
func (f fieldPath) at(k int) fieldPath {
	if f.i < 0 {
		f.i = k
	} else {
		f.j = k
	}
	return f
}

func (f fieldPath) String() string {
	s := f.head
	if f.i >= 0 {
		s = indexed(s, f.i)
	}
	s += f.rest
	if f.j >= 0 {
		s = indexed(s, f.j)
	}
	return s
}

// References lists every reference obj holds (Team, SteeringCommittee and
// Platform refs, including Persons' teamRefs), namespaces defaulted to obj's
// own, de-duplicated, in field order. It returns nil for anything that is not
// one of the judged orgplane kinds. The controller uses it for field indexes.
func References(obj metav1.Object) []ObjectRef {
	frs := fieldRefs(obj)
	if len(frs) == 0 {
		return nil
	}
	seen := make(map[ObjectRef]bool, len(frs))
	out := make([]ObjectRef, 0, len(frs))
	for _, fr := range frs {
		if !seen[fr.ref] {
			seen[fr.ref] = true
			out = append(out, fr.ref)
		}
	}
	return out
}

// refCollector accumulates field references with namespace defaulting.
type refCollector struct {
	ns  string
	out []fieldRef
}

func (c *refCollector) add(f fieldPath, kind orgv1.Kind, ns, name string) {
	c.out = append(c.out, fieldRef{field: f, ref: refKey(kind, c.ns, ns, name)})
}

func (c *refCollector) team(f fieldPath, r *orgv1.TeamRef) {
	if r != nil {
		c.add(f, orgv1.KindTeam, r.Namespace, r.Name)
	}
}

func (c *refCollector) teams(f fieldPath, rs []orgv1.TeamRef) {
	for i := range rs {
		c.team(f.at(i), &rs[i])
	}
}

// person collects a Person's teamRef; f is the path of the teamRef.
func (c *refCollector) person(f fieldPath, p *orgv1.Person) {
	if p != nil {
		c.team(f, p.TeamRef)
	}
}

// activity collects the RACI team refs of the i-th activity.
func (c *refCollector) activity(i int, a *orgv1.Activity) {
	c.teams(item("spec.activities", i, ".responsible"), a.Responsible)
	c.team(item("spec.activities", i, ".accountable"), a.Accountable)
	c.teams(item("spec.activities", i, ".consulted"), a.Consulted)
	c.teams(item("spec.activities", i, ".informed"), a.Informed)
}

// fieldRefs lists obj's references with the fields that hold them.
func fieldRefs(obj metav1.Object) []fieldRef { return appendFieldRefs(nil, obj) }

// appendFieldRefs appends obj's references to dst, as fieldRefs lists them.
func appendFieldRefs(dst []fieldRef, obj metav1.Object) []fieldRef {
	switch o := obj.(type) {
	case *orgv1.Organization:
		if o == nil {
			return dst
		}
		c := refCollector{ns: o.Namespace, out: dst}
		for i := range o.Spec.Executives {
			c.person(item("spec.executives", i, ".person.teamRef"), &o.Spec.Executives[i].Person)
		}
		return c.out
	case *orgv1.Team:
		if o == nil {
			return dst
		}
		c := refCollector{ns: o.Namespace, out: dst}
		c.team(path("spec.parentRef"), o.Spec.ParentRef)
		c.teams(path("spec.dottedLineRefs"), o.Spec.DottedLineRefs)
		c.person(path("spec.lead.teamRef"), o.Spec.Lead)
		for i := range o.Spec.Members {
			c.person(item("spec.members", i, ".teamRef"), &o.Spec.Members[i])
		}
		c.team(path("spec.successorRef"), o.Spec.SuccessorRef)
		return c.out
	case *orgv1.Platform:
		if o == nil {
			return dst
		}
		c := refCollector{ns: o.Namespace, out: dst}
		c.team(path("spec.ownerRef"), o.Spec.OwnerRef)
		c.teams(path("spec.operatorRefs"), o.Spec.OperatorRefs)
		c.person(path("spec.roadmapOwner.teamRef"), o.Spec.RoadmapOwner)
		if r := o.Spec.SteeringCommitteeRef; r != nil {
			c.add(path("spec.steeringCommitteeRef"), orgv1.KindSteeringCommittee, r.Namespace, r.Name)
		}
		c.person(path("spec.privacyOwner.teamRef"), o.Spec.PrivacyOwner)
		return c.out
	case *orgv1.SteeringCommittee:
		if o == nil {
			return dst
		}
		c := refCollector{ns: o.Namespace, out: dst}
		c.person(path("spec.chair.teamRef"), o.Spec.Chair)
		for i := range o.Spec.Members {
			m := &o.Spec.Members[i]
			c.team(item("spec.members", i, ".teamRef"), &m.TeamRef)
			c.person(item("spec.members", i, ".representative.teamRef"), m.Representative)
		}
		return c.out
	case *orgv1.ResponsibilityMatrix:
		if o == nil {
			return dst
		}
		c := refCollector{ns: o.Namespace, out: dst}
		if r := o.Spec.PlatformRef; r != nil {
			c.add(path("spec.platformRef"), orgv1.KindPlatform, r.Namespace, r.Name)
		}
		for i := range o.Spec.Activities {
			c.activity(i, &o.Spec.Activities[i])
		}
		return c.out
	}
	return dst
}

// isNil reports whether obj is a nil pointer in an interface.
func isNil(obj metav1.Object) bool {
	v := reflect.ValueOf(obj)
	return !v.IsValid() || v.Kind() == reflect.Pointer && v.IsNil()
}

func indexed(field string, i int) string { return field + "[" + strconv.Itoa(i) + "]" }

// refKey is the object a reference names: its namespace defaults to the
// referring object's. Every reference is resolved through it.
func refKey(kind orgv1.Kind, referrerNS, ns, name string) ObjectRef {
	if ns == "" {
		ns = referrerNS
	}
	return ObjectRef{Kind: kind, Namespace: ns, Name: name}
}

func teamKey(referrerNS string, r orgv1.TeamRef) ObjectRef {
	return refKey(orgv1.KindTeam, referrerNS, r.Namespace, r.Name)
}

// resolve looks an object of a judged kind up in g; nil (never a typed nil)
// when it does not exist.
func resolve(g Graph, r ObjectRef) metav1.Object {
	switch r.Kind {
	case orgv1.KindOrganization:
		if o := g.Organization(r.Namespace, r.Name); o != nil {
			return o
		}
	case orgv1.KindResponsibilityMatrix:
		if m := g.ResponsibilityMatrix(r.Namespace, r.Name); m != nil {
			return m
		}
	case orgv1.KindTeam:
		if t := g.Team(r.Namespace, r.Name); t != nil {
			return t
		}
	case orgv1.KindPlatform:
		if p := g.Platform(r.Namespace, r.Name); p != nil {
			return p
		}
	case orgv1.KindSteeringCommittee:
		if c := g.SteeringCommittee(r.Namespace, r.Name); c != nil {
			return c
		}
	}
	return nil
}

// lookupTeam resolves a TeamRef held by an object of namespace referrerNS;
// nil when the ref is nil or the team does not exist.
func lookupTeam(g Graph, referrerNS string, r *orgv1.TeamRef) *orgv1.Team {
	if r == nil {
		return nil
	}
	k := teamKey(referrerNS, *r)
	return g.Team(k.Namespace, k.Name)
}
