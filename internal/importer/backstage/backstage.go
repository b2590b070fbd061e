// Package backstage reads a Backstage software catalog (catalog-info.yaml
// files of backstage.io/v1alpha1 entities) as an importer.Source: each
// Group a team, its members from the Users it lists and the Users that list
// it, and the Systems (or the kinds and types --platforms selects) as
// platforms owned by the group their spec.owner names. Entity references
// are resolved as the catalog resolves them (ParseRef), each relative to
// the namespace of the entity that writes it.
package backstage

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/orgplane/orgplane/internal/importer"
)

// Annotations that `kubectl org export -o backstage` writes so that what
// Backstage has no field for comes back on import.
const (
	AnnotationFunction = "orgplane.io/function"
	AnnotationLead     = "orgplane.io/lead"
)

// Selector picks the entities read as platforms: a kind, and a spec.type
// when Type is set, compared in any case.
type Selector struct {
	Kind, Type string
}

// DefaultPlatforms reads every System as a platform.
var DefaultPlatforms = []Selector{{Kind: "System"}}

// ParseSelectors reads --platforms: KIND or KIND:TYPE, comma-separated.
func ParseSelectors(args []string) ([]Selector, error) {
	var out []Selector
	for _, arg := range args {
		for s := range strings.SplitSeq(arg, ",") {
			kind, typ, _ := strings.Cut(strings.TrimSpace(s), ":")
			if !slices.ContainsFunc([]string{"System", "Component", "Resource", "API", "Domain"}, func(k string) bool { return strings.EqualFold(k, kind) }) {
				return nil, fmt.Errorf("--platforms: %q: the kind must be System, Component, Resource, API or Domain", s)
			}
			out = append(out, Selector{Kind: kind, Type: typ})
		}
	}
	return out, nil
}

func (s Selector) matches(kind, typ string) bool {
	return strings.EqualFold(s.Kind, kind) && (s.Type == "" || strings.EqualFold(s.Type, typ))
}

// entity is what the reader keeps of one entity.
type entity struct {
	file string
	node *yaml.Node
	ref  Ref
}

// Read reads the catalog files; platforms selects the entities read as
// platforms. Malformed input is an error joining *manifest.Error values,
// each at its file and line.
func Read(inputs []importer.Input, platforms []Selector) (*importer.Source, error) {
	r := &reader{users: map[string]*entity{}, groups: map[string]*entity{}}
	err := importer.EachDocument(inputs, func(file string, doc *yaml.Node) error {
		return r.document(file, doc, platforms)
	})
	if err != nil {
		return nil, err
	}
	return r.source()
}

type reader struct {
	users, groups map[string]*entity // by Ref.Key
	groupOrder    []*entity
	platforms     []*entity
	src           importer.Source
}

func (r *reader) document(file string, n *yaml.Node, platforms []Selector) error {
	if n.Kind != yaml.MappingNode {
		return importer.Errorf(file, n, "an entity must be a YAML mapping")
	}
	apiVersion, err := importer.String(file, n, "apiVersion")
	if err != nil {
		return err
	}
	kind, err := importer.String(file, n, "kind")
	if err != nil {
		return err
	}
	if apiVersion == "" || kind == "" {
		return importer.Errorf(file, n, "apiVersion and kind are required")
	}
	if !strings.HasPrefix(apiVersion, "backstage.io/") {
		return nil // another catalog's entities, or Kubernetes objects
	}
	name, err := importer.String(file, n, "metadata", "name")
	if err != nil {
		return err
	}
	if name == "" {
		return importer.Errorf(file, n, "%s: metadata.name is required", kind)
	}
	ns, err := importer.String(file, n, "metadata", "namespace")
	if err != nil {
		return err
	}
	if ns == "" {
		ns = DefaultNamespace
	}
	e := &entity{file: file, node: n, ref: Ref{Kind: kind, Namespace: ns, Name: name}}
	byKey := map[string]map[string]*entity{"group": r.groups, "user": r.users}[strings.ToLower(kind)]
	if byKey != nil {
		if prev := byKey[e.ref.Key()]; prev != nil {
			return importer.Errorf(file, n, "%s is already defined at %s", e.ref, importer.At(prev.file, prev.node))
		}
		byKey[e.ref.Key()] = e
		if strings.EqualFold(kind, "group") {
			r.groupOrder = append(r.groupOrder, e)
		}
		return nil
	}
	typ, err := importer.String(file, n, "spec", "type")
	if err != nil {
		return err
	}
	for _, s := range platforms {
		if s.matches(kind, typ) {
			r.platforms = append(r.platforms, e)
			break
		}
	}
	return nil
}

// source resolves the references between the entities read.
func (r *reader) source() (*importer.Source, error) {
	var errs []error
	teams := map[string]*importer.Team{}
	var order []string
	// Who each group lists, then who lists each group: a membership may be
	// written on either side, as in Backstage.
	for _, g := range r.groupOrder {
		t, err := r.team(g)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		teams[g.ref.Key()] = t
		order = append(order, g.ref.Key())
	}
	if err := r.childrenAndMemberOf(teams); err != nil {
		errs = append(errs, err)
	}
	for _, p := range r.platforms {
		pl, err := r.platform(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		r.src.Platforms = append(r.src.Platforms, pl)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for _, k := range order {
		r.src.Teams = append(r.src.Teams, *teams[k])
	}
	return &r.src, nil
}

func (r *reader) team(g *entity) (*importer.Team, error) {
	f, n := g.file, g.node
	t := &importer.Team{Key: g.ref.Key(), Name: g.ref.Name, At: importer.At(f, n)}
	var err error
	get := func(path ...string) string {
		var s string
		if err == nil {
			s, err = importer.String(f, n, path...)
		}
		return s
	}
	t.DisplayName = get("spec", "profile", "displayName")
	if t.DisplayName == "" {
		t.DisplayName = get("metadata", "title")
	}
	t.Type = get("spec", "type")
	t.Function = get("metadata", "annotations", AnnotationFunction)
	parent := get("spec", "parent")
	lead := get("metadata", "annotations", AnnotationLead)
	if err != nil {
		return nil, err
	}
	if parent != "" {
		ref, err := ParseRef(parent, "Group", g.ref.Namespace)
		if err != nil {
			return nil, importer.Errorf(f, importer.Field(n, "spec", "parent"), "spec.parent: %v", err)
		}
		t.Parent, t.ParentAt = ref.Key(), importer.At(f, importer.Field(n, "spec", "parent"))
	}
	members, err := importer.Strings(f, n, "spec", "members")
	if err != nil {
		return nil, err
	}
	for i, m := range members {
		at := importer.Field(n, "spec", "members").Content[i]
		p, err := r.person(f, at, m, g.ref.Namespace)
		if err != nil {
			return nil, err
		}
		t.Members = append(t.Members, p)
	}
	if lead != "" {
		at := importer.Field(n, "metadata", "annotations", AnnotationLead)
		p, err := r.person(f, at, lead, g.ref.Namespace)
		if err != nil {
			return nil, err
		}
		t.Leads = []importer.Person{p}
	}
	return t, nil
}

// person is the user that ref names; a reference to no User entity is
// imported by its name alone, with a warning.
func (r *reader) person(file string, at *yaml.Node, ref, namespace string) (importer.Person, error) {
	u, err := ParseRef(ref, "User", namespace)
	if err != nil {
		return importer.Person{}, importer.Errorf(file, at, "%v", err)
	}
	e := r.users[u.Key()]
	if e == nil {
		r.src.Notes = append(r.src.Notes, importer.Note{At: importer.At(file, at), Msg: fmt.Sprintf("member %q names no User entity of the input; imported by name alone", ref)})
		return importer.Person{Name: u.Name}, nil
	}
	return userPerson(e)
}

func userPerson(e *entity) (importer.Person, error) {
	name, err := importer.String(e.file, e.node, "spec", "profile", "displayName")
	if err != nil {
		return importer.Person{}, err
	}
	email, err := importer.String(e.file, e.node, "spec", "profile", "email")
	if err != nil {
		return importer.Person{}, err
	}
	if name == "" {
		name = e.ref.Name
	}
	return importer.Person{Name: name, Email: email}, nil
}

// childrenAndMemberOf adds what groups' spec.children and users'
// spec.memberOf say: a parent for a child that names none, and members.
func (r *reader) childrenAndMemberOf(teams map[string]*importer.Team) error {
	var errs []error
	for _, g := range r.groupOrder {
		children, err := importer.Strings(g.file, g.node, "spec", "children")
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for i, c := range children {
			at := importer.Field(g.node, "spec", "children").Content[i]
			ref, err := ParseRef(c, "Group", g.ref.Namespace)
			if err != nil {
				errs = append(errs, importer.Errorf(g.file, at, "spec.children: %v", err))
				continue
			}
			child := teams[ref.Key()]
			switch {
			case child == nil:
				r.src.Notes = append(r.src.Notes, importer.Note{At: importer.At(g.file, at), Msg: fmt.Sprintf("child %q names no Group entity of the input", c)})
			case child.Parent == "":
				child.Parent, child.ParentAt = g.ref.Key(), importer.At(g.file, at)
			case child.Parent != g.ref.Key():
				r.src.Notes = append(r.src.Notes, importer.Note{At: importer.At(g.file, at), Msg: fmt.Sprintf("%s lists %s as a child, whose spec.parent is %s; the child's parent is kept", g.ref, ref, child.Parent)})
			}
		}
	}
	users := make([]*entity, 0, len(r.users))
	for _, u := range r.users {
		users = append(users, u)
	}
	slices.SortFunc(users, func(a, b *entity) int { return strings.Compare(a.ref.Key(), b.ref.Key()) })
	for _, u := range users {
		groups, err := importer.Strings(u.file, u.node, "spec", "memberOf")
		if err != nil {
			errs = append(errs, err)
			continue
		}
		p, err := userPerson(u)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for i, g := range groups {
			at := importer.Field(u.node, "spec", "memberOf").Content[i]
			ref, err := ParseRef(g, "Group", u.ref.Namespace)
			if err != nil {
				errs = append(errs, importer.Errorf(u.file, at, "spec.memberOf: %v", err))
				continue
			}
			t := teams[ref.Key()]
			if t == nil {
				r.src.Notes = append(r.src.Notes, importer.Note{At: importer.At(u.file, at), Msg: fmt.Sprintf("%s: memberOf %q names no Group entity of the input", u.ref, g)})
				continue
			}
			t.Members = append(t.Members, p)
		}
	}
	return errors.Join(errs...)
}

func (r *reader) platform(e *entity) (importer.Platform, error) {
	f, n := e.file, e.node
	p := importer.Platform{Key: e.ref.Key(), Name: e.ref.Name, At: importer.At(f, n)}
	title, err := importer.String(f, n, "metadata", "title")
	if err != nil {
		return p, err
	}
	typ, err := importer.String(f, n, "spec", "type")
	if err != nil {
		return p, err
	}
	owner, err := importer.String(f, n, "spec", "owner")
	if err != nil {
		return p, err
	}
	p.DisplayName = title
	kind := strings.ToLower(e.ref.Kind)
	if typ != "" {
		p.Kinds = append(p.Kinds, kind+":"+strings.ToLower(typ))
	}
	p.Kinds = append(p.Kinds, kind)
	if owner != "" {
		at := importer.Field(n, "spec", "owner")
		ref, err := ParseRef(owner, "Group", e.ref.Namespace)
		if err != nil {
			return p, importer.Errorf(f, at, "spec.owner: %v", err)
		}
		p.Owner, p.OwnerAt = ref.Key(), importer.At(f, at)
		if !strings.EqualFold(ref.Kind, "Group") {
			p.Owner = ""
			r.src.Notes = append(r.src.Notes, importer.Note{At: p.OwnerAt, Msg: fmt.Sprintf("%s: owner %q is a %s, not a Group; the platform is imported without an owner", e.ref, owner, ref.Kind)})
		}
	}
	return p, nil
}
