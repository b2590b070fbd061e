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

// fieldRef is one reference an object holds, with the JSON path of the field
// that holds it so integrity messages can name the field at fault.
type fieldRef struct {
	field string
	ref   ObjectRef
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

func (c *refCollector) add(field string, kind orgv1.Kind, ns, name string) {
	c.out = append(c.out, fieldRef{field: field, ref: refKey(kind, c.ns, ns, name)})
}

func (c *refCollector) team(field string, r *orgv1.TeamRef) {
	if r != nil {
		c.add(field, orgv1.KindTeam, r.Namespace, r.Name)
	}
}

func (c *refCollector) teams(field string, rs []orgv1.TeamRef) {
	for i := range rs {
		c.team(indexed(field, i), &rs[i])
	}
}

func (c *refCollector) person(field string, p *orgv1.Person) {
	if p != nil {
		c.team(field+".teamRef", p.TeamRef)
	}
}

// activity collects the RACI team refs of an activity.
func (c *refCollector) activity(field string, a *orgv1.Activity) {
	c.teams(field+".responsible", a.Responsible)
	c.team(field+".accountable", a.Accountable)
	c.teams(field+".consulted", a.Consulted)
	c.teams(field+".informed", a.Informed)
}

// fieldRefs lists obj's references with the fields that hold them.
func fieldRefs(obj metav1.Object) []fieldRef {
	switch o := obj.(type) {
	case *orgv1.Organization:
		if o == nil {
			return nil
		}
		c := refCollector{ns: o.Namespace}
		for i := range o.Spec.Executives {
			c.person(indexed("spec.executives", i)+".person", &o.Spec.Executives[i].Person)
		}
		return c.out
	case *orgv1.Team:
		if o == nil {
			return nil
		}
		c := refCollector{ns: o.Namespace}
		c.team("spec.parentRef", o.Spec.ParentRef)
		c.teams("spec.dottedLineRefs", o.Spec.DottedLineRefs)
		c.person("spec.lead", o.Spec.Lead)
		for i := range o.Spec.Members {
			c.person(indexed("spec.members", i), &o.Spec.Members[i])
		}
		c.team("spec.successorRef", o.Spec.SuccessorRef)
		return c.out
	case *orgv1.Platform:
		if o == nil {
			return nil
		}
		c := refCollector{ns: o.Namespace}
		c.team("spec.ownerRef", o.Spec.OwnerRef)
		c.teams("spec.operatorRefs", o.Spec.OperatorRefs)
		c.person("spec.roadmapOwner", o.Spec.RoadmapOwner)
		if r := o.Spec.SteeringCommitteeRef; r != nil {
			c.add("spec.steeringCommitteeRef", orgv1.KindSteeringCommittee, r.Namespace, r.Name)
		}
		c.person("spec.privacyOwner", o.Spec.PrivacyOwner)
		return c.out
	case *orgv1.SteeringCommittee:
		if o == nil {
			return nil
		}
		c := refCollector{ns: o.Namespace}
		c.person("spec.chair", o.Spec.Chair)
		for i := range o.Spec.Members {
			m := &o.Spec.Members[i]
			f := indexed("spec.members", i)
			c.team(f+".teamRef", &m.TeamRef)
			c.person(f+".representative", m.Representative)
		}
		return c.out
	case *orgv1.ResponsibilityMatrix:
		if o == nil {
			return nil
		}
		c := refCollector{ns: o.Namespace}
		if r := o.Spec.PlatformRef; r != nil {
			c.add("spec.platformRef", orgv1.KindPlatform, r.Namespace, r.Name)
		}
		for i := range o.Spec.Activities {
			c.activity(indexed("spec.activities", i), &o.Spec.Activities[i])
		}
		return c.out
	}
	return nil
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

// resolve looks a Team, Platform or SteeringCommittee reference up in g;
// nil (never a typed nil) when the object does not exist.
func resolve(g Graph, r ObjectRef) metav1.Object {
	switch r.Kind {
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
