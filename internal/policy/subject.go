package policy

import (
	"fmt"
	"strconv"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// judgedKinds are the kinds rules judge, in the order findings are listed.
var judgedKinds = []orgv1.Kind{
	orgv1.KindOrganization,
	orgv1.KindTeam,
	orgv1.KindPlatform,
	orgv1.KindSteeringCommittee,
	orgv1.KindResponsibilityMatrix,
}

// kindWords name each kind in messages.
var kindWords = map[orgv1.Kind]string{
	orgv1.KindOrganization:         "organization",
	orgv1.KindTeam:                 "team",
	orgv1.KindPlatform:             "platform",
	orgv1.KindSteeringCommittee:    "steering committee",
	orgv1.KindResponsibilityMatrix: "responsibility matrix",
}

// subject is the object being judged.
type subject struct {
	ref ObjectRef
	obj metav1.Object // one of the five judged kinds, never a nil pointer
	// place is a team's place in the hierarchy, once looked up.
	place *place
}

// problem is what a check found wrong with a subject: the field at fault
// and the whole message.
type problem struct{ field, message string }

// problem formats a problem in the package's one message format:
// `<kind> "<name>": <field>: <problem>`.
func (s *subject) problem(field, format string, args ...any) problem {
	return problem{field: field, message: s.prefix() + field + ": " + fmt.Sprintf(format, args...)}
}

// prefix is the `<kind> "<name>": ` that starts every message.
func (s *subject) prefix() string {
	return kindWords[s.ref.Kind] + " " + strconv.Quote(s.ref.Name) + ": "
}

// rel names another object as the subject sees it: its quoted name, with the
// namespace when it lies in another namespace.
func (s *subject) rel(r ObjectRef) string { return string(s.appendRel(nil, r)) }

// appendRel appends rel(r) to b.
func (s *subject) appendRel(b []byte, r ObjectRef) []byte {
	if r.Namespace == s.ref.Namespace {
		return strconv.AppendQuote(b, r.Name)
	}
	return strconv.AppendQuote(b, r.Namespace+"/"+r.Name)
}

func newSubject(kind orgv1.Kind, obj metav1.Object) *subject {
	return &subject{ref: ObjectRef{Kind: kind, Namespace: obj.GetNamespace(), Name: obj.GetName()}, obj: obj}
}

// subjects lists the judged objects of a namespace in finding order: by kind
// (judgedKinds), then by name. Nil entries a Graph might return are skipped.
func subjects(g Graph, ns string) []*subject {
	orgs, teams, platforms := g.Organizations(ns), g.Teams(ns), g.Platforms(ns)
	committees, matrices := g.SteeringCommittees(ns), g.ResponsibilityMatrices(ns)
	all := make([]subject, 0, len(orgs)+len(teams)+len(platforms)+len(committees)+len(matrices))
	out := make([]*subject, 0, cap(all))
	add := func(kind orgv1.Kind, obj metav1.Object) {
		all = append(all, subject{ref: ObjectRef{Kind: kind, Namespace: obj.GetNamespace(), Name: obj.GetName()}, obj: obj})
		out = append(out, &all[len(all)-1])
	}
	for _, o := range orgs {
		if o != nil {
			add(orgv1.KindOrganization, o)
		}
	}
	for _, o := range teams {
		if o != nil {
			add(orgv1.KindTeam, o)
		}
	}
	for _, o := range platforms {
		if o != nil {
			add(orgv1.KindPlatform, o)
		}
	}
	for _, o := range committees {
		if o != nil {
			add(orgv1.KindSteeringCommittee, o)
		}
	}
	for _, o := range matrices {
		if o != nil {
			add(orgv1.KindResponsibilityMatrix, o)
		}
	}
	return out
}

// lookupSubject finds the object ref names; nil when it does not exist.
func lookupSubject(g Graph, ref ObjectRef) *subject {
	if obj := resolve(g, ref); obj != nil {
		return newSubject(ref.Kind, obj)
	}
	return nil
}
