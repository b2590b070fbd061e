package backstage

import (
	"fmt"
	"strings"
)

// DefaultNamespace is the namespace of an entity that names none.
const DefaultNamespace = "default"

// Ref is an entity reference, kind:namespace/name.
type Ref struct {
	Kind, Namespace, Name string
}

// Key is the reference as the catalog compares it: in lower case.
func (r Ref) Key() string {
	return strings.ToLower(r.Kind + ":" + r.Namespace + "/" + r.Name)
}

func (r Ref) String() string { return r.Kind + ":" + r.Namespace + "/" + r.Name }

// ParseRef reads an entity reference as @backstage/catalog-model's
// parseEntityRef does: [<kind>:][<namespace>/]<name>, where a colon after
// the first slash belongs to the name, and the kind and namespace left out
// default to defaultKind and defaultNamespace (DefaultNamespace when
// empty).
func ParseRef(ref, defaultKind, defaultNamespace string) (Ref, error) {
	if ref == "" {
		return Ref{}, fmt.Errorf("entity reference must not be empty")
	}
	colon, slash := strings.Index(ref, ":"), strings.Index(ref, "/")
	if slash != -1 && slash < colon {
		colon = -1
	}
	var r Ref
	hasKind, hasNamespace := colon != -1, slash != -1
	if hasKind {
		r.Kind = ref[:colon]
	}
	if hasNamespace {
		r.Namespace = ref[colon+1 : slash]
	}
	r.Name = ref[max(colon+1, slash+1):]
	if (hasKind && r.Kind == "") || (hasNamespace && r.Namespace == "") || r.Name == "" {
		return Ref{}, fmt.Errorf("entity reference %q was not on the form [<kind>:][<namespace>/]<name>", ref)
	}
	if !hasKind {
		r.Kind = defaultKind
	}
	if !hasNamespace {
		r.Namespace = defaultNamespace
		if r.Namespace == "" {
			r.Namespace = DefaultNamespace
		}
	}
	if r.Kind == "" {
		return Ref{}, fmt.Errorf("entity reference %q had missing or empty kind (e.g. did not start with \"component:\" or similar)", ref)
	}
	return r, nil
}
