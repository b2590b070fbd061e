// Package builders makes orgplane's objects for tests, in one style (that of
// Kueue's pkg/util/testing/wrappers.go): Make<Kind>(name, namespace) returns
// a wrapper whose methods each set one thing and return the wrapper, and Obj
// returns the object.
//
//	builders.MakePlatform("cdp", ns).Owner("marketing").Committee("steering").Obj()
//	builders.MakeGovernancePolicy("baseline", ns).Enforcement(orgv1.EnforcementEnforce).
//		Rules(builders.MakeRule("owned", orgv1.RulePlatformOwnership).Severity(orgv1.SeverityHigh).Obj()).Obj()
//
// Every wrapper also sets Label, UID and Generation. A new wrapper holds the
// least a valid object needs: an Organization is Hybrid, a Team a Marketing
// Department, a Platform a CRM. Methods that name another object take "name"
// (in the object's own namespace) or "namespace/name", as kubectl and
// orgplane's messages write them. Every suite, unit or envtest, builds its
// objects here.
package builders

import (
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// Person is a person, in team (a reference as above) unless team is "".
func Person(name, team string) orgv1.Person {
	p := orgv1.Person{Name: name}
	if team != "" {
		r := teamRef(team)
		p.TeamRef = &r
	}
	return p
}

// objectMeta is the metadata of a new object.
func objectMeta(name, namespace string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Namespace: namespace}
}

// split reads "namespace/name" or "name".
func split(ref string) (namespace, name string) {
	if ns, n, ok := strings.Cut(ref, "/"); ok {
		return ns, n
	}
	return "", ref
}

func teamRef(ref string) orgv1.TeamRef {
	ns, name := split(ref)
	return orgv1.TeamRef{Name: name, Namespace: ns}
}

func teamRefs(refs []string) []orgv1.TeamRef {
	out := make([]orgv1.TeamRef, len(refs))
	for i, r := range refs {
		out[i] = teamRef(r)
	}
	return out
}

// meta sets the metadata of the object that a wrapper W wraps. Every
// wrapper embeds one, so that Label, UID and Generation are written once.
type meta[W any] struct {
	w W
	m *metav1.ObjectMeta
}

// Label sets a label.
func (b meta[W]) Label(key, value string) W {
	if b.m.Labels == nil {
		b.m.Labels = map[string]string{}
	}
	b.m.Labels[key] = value
	return b.w
}

// UID sets metadata.uid, as the apiserver would.
func (b meta[W]) UID(uid string) W {
	b.m.UID = types.UID(uid)
	return b.w
}

// Generation sets metadata.generation, as the apiserver would.
func (b meta[W]) Generation(g int64) W {
	b.m.Generation = g
	return b.w
}

// EveryKind is one compliant object of each kind in namespace, as `kubectl
// get orgplane` lists them: Organization "acme", Team "it", Platform "cdp"
// that it owns, SteeringCommittee "steering" of it, ResponsibilityMatrix
// "raci" of the platform, and GovernancePolicy "baseline" asking for owners.
func EveryKind(namespace string) []orgv1.Object {
	return []orgv1.Object{
		MakeOrganization("acme", namespace).Obj(),
		MakeTeam("it", namespace).Function("IT").Obj(),
		MakePlatform("cdp", namespace).Category("CDP").Owner("it").Obj(),
		MakeSteeringCommittee("steering", namespace).Members("it").Obj(),
		MakeResponsibilityMatrix("raci", namespace).Platform("cdp").
			Activities(MakeActivity("Operate").Accountable("it").Obj()).Obj(),
		MakeGovernancePolicy("baseline", namespace).Rules(MakeRule("owned", orgv1.RulePlatformOwnership).Obj()).Obj(),
	}
}
