// Package backstage publishes the org that orgplane governs to a Backstage
// software catalog: a Group entity per Team (its type, parent, children,
// members and profile), a User per person (named from the e-mail address or
// the name, with memberOf), a System per Platform owned by its team, and a
// Domain per Organization, each with orgplane's compliance as annotations
// and a link back. The output is a multi-document catalog-info.yaml; the
// same graph and judgement always give the same bytes.
package backstage

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template"

	"go.yaml.in/yaml/v3"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/importer"
	"github.com/orgplane/orgplane/internal/importer/backstage"
	"github.com/orgplane/orgplane/internal/importer/naming"
	"github.com/orgplane/orgplane/internal/policy"
)

// APIVersion is the Backstage catalog's entity API version.
const APIVersion = "backstage.io/v1alpha1"

// Annotations that carry orgplane's judgement and what Backstage has no
// field for (the import reads back function and lead).
const (
	AnnotationCompliant     = "orgplane.io/compliant"
	AnnotationViolations    = "orgplane.io/violations"
	AnnotationInferredModel = "orgplane.io/inferred-model"
	AnnotationModel         = "orgplane.io/model"
	AnnotationFunction      = backstage.AnnotationFunction
	AnnotationLead          = backstage.AnnotationLead
	AnnotationCategory      = "orgplane.io/category"
	AnnotationTier          = "orgplane.io/tier"
	// AnnotationKubectl is the command that shows the object, the link
	// back when no --link-template is given.
	AnnotationKubectl = "orgplane.io/kubectl"
)

// Judgement is orgplane's verdict on the objects: from the policy engine
// over manifests, or from the status the controller wrote.
type Judgement struct {
	// Violations counts an object's violations.
	Violations func(policy.ObjectRef) int
	// InferredModel is the model a namespace's structure shows; "" when
	// unknown.
	InferredModel func(namespace string) orgv1.OrganizationModel
}

// FromEvaluation is the policy engine's judgement, from one evaluation
// of the graph.
func FromEvaluation(ev *policy.Evaluation) Judgement {
	counts := map[policy.ObjectRef]int{}
	for _, o := range ev.Objects {
		counts[o.Ref] = len(o.Findings())
	}
	models := map[string]orgv1.OrganizationModel{}
	for _, n := range ev.Namespaces {
		models[n.Namespace] = n.Model.Model
	}
	return Judgement{
		Violations:    func(r policy.ObjectRef) int { return counts[r] },
		InferredModel: func(ns string) orgv1.OrganizationModel { return models[ns] },
	}
}

// Options tune Export.
type Options struct {
	// Link, when set, makes each entity's link back to orgplane; it sees
	// .Kind, .Namespace and .Name (ParseLinkTemplate).
	Link *template.Template
}

// Warning is an object that could not be exported as it is.
type Warning struct {
	Object policy.ObjectRef
	Msg    string
}

func (w Warning) String() string {
	return fmt.Sprintf("%s %s/%s: %s", w.Object.Kind, w.Object.Namespace, w.Object.Name, w.Msg)
}

// ParseLinkTemplate reads --link-template, a Go template of a URL such as
// https://orgplane.example.com/{{.Namespace}}/{{.Kind}}/{{.Name}}.
func ParseLinkTemplate(s string) (*template.Template, error) {
	t, err := template.New("link").Option("missingkey=error").Parse(s)
	if err != nil {
		return nil, err
	}
	if err := t.Execute(io.Discard, linkData{"Team", "ns", "name"}); err != nil {
		return nil, err
	}
	return t, nil
}

type linkData struct{ Kind, Namespace, Name string }

// Entity is a Backstage catalog entity, its fields in the order the
// catalog's documentation writes them.
type Entity struct {
	APIVersion string   `yaml:"apiVersion"`
	Kind       string   `yaml:"kind"`
	Metadata   Metadata `yaml:"metadata"`
	Spec       Spec     `yaml:"spec"`
}

// Metadata is an entity's metadata.
type Metadata struct {
	Name        string            `yaml:"name"`
	Namespace   string            `yaml:"namespace"`
	Title       string            `yaml:"title,omitempty"`
	Description string            `yaml:"description,omitempty"`
	Annotations map[string]string `yaml:"annotations,omitempty"`
	Links       []Link            `yaml:"links,omitempty"`
}

// Link is a metadata.links item.
type Link struct {
	URL   string `yaml:"url"`
	Title string `yaml:"title"`
}

// Spec holds the spec fields of the kinds exported.
type Spec struct {
	Type     string   `yaml:"type,omitempty"`
	Owner    string   `yaml:"owner,omitempty"`
	Domain   string   `yaml:"domain,omitempty"`
	Profile  *Profile `yaml:"profile,omitempty"`
	Parent   string   `yaml:"parent,omitempty"`
	Children []string `yaml:"children,omitempty"`
	Members  []string `yaml:"members,omitempty"`
	MemberOf []string `yaml:"memberOf,omitempty"`
}

// Profile is a Group's or User's profile.
type Profile struct {
	DisplayName string `yaml:"displayName,omitempty"`
	Email       string `yaml:"email,omitempty"`
}

// Export writes the catalog entities of g's objects to w.
func Export(w io.Writer, g policy.Graph, j Judgement, opts Options) ([]Warning, error) {
	entities, warnings := Entities(g, j, opts)
	var b bytes.Buffer
	for i, e := range entities {
		if i > 0 {
			b.WriteString("---\n")
		}
		enc := yaml.NewEncoder(&b)
		enc.SetIndent(2)
		if err := enc.Encode(e.yaml()); err != nil {
			return nil, err
		}
		if err := enc.Close(); err != nil {
			return nil, err
		}
	}
	_, err := w.Write(b.Bytes())
	return warnings, err
}

// yaml is the entity as its kind's schema has it: a Group's
// spec.children and a User's spec.memberOf are required, even empty.
func (e Entity) yaml() any {
	type group struct {
		Type     string   `yaml:"type"`
		Profile  *Profile `yaml:"profile,omitempty"`
		Parent   string   `yaml:"parent,omitempty"`
		Children []string `yaml:"children"`
		Members  []string `yaml:"members,omitempty"`
	}
	type user struct {
		Profile  *Profile `yaml:"profile,omitempty"`
		MemberOf []string `yaml:"memberOf"`
	}
	var spec any = e.Spec
	switch e.Kind {
	case "Group":
		spec = group{e.Spec.Type, e.Spec.Profile, e.Spec.Parent, nonNil(e.Spec.Children), e.Spec.Members}
	case "User":
		spec = user{e.Spec.Profile, nonNil(e.Spec.MemberOf)}
	}
	return struct {
		APIVersion string   `yaml:"apiVersion"`
		Kind       string   `yaml:"kind"`
		Metadata   Metadata `yaml:"metadata"`
		Spec       any      `yaml:"spec"`
	}{e.APIVersion, e.Kind, e.Metadata, spec}
}

func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// Entities are the entities of g's objects, namespace by namespace, then
// Domains, Groups, Users and Systems, each by name; Warnings name the
// objects left out (a Platform without an owner, which Backstage
// requires).
func Entities(g policy.Graph, j Judgement, opts Options) ([]Entity, []Warning) {
	x := &exporter{g: g, j: j, opts: opts}
	var out []Entity
	for _, ns := range g.Namespaces() {
		out = append(out, x.namespace(ns)...)
	}
	return out, x.warnings
}

type exporter struct {
	g        policy.Graph
	j        Judgement
	opts     Options
	warnings []Warning
}

func (x *exporter) warn(kind orgv1.Kind, ns, name, format string, args ...any) {
	x.warnings = append(x.warnings, Warning{Object: policy.ObjectRef{Kind: kind, Namespace: ns, Name: name}, Msg: fmt.Sprintf(format, args...)})
}

// people are the namespace's users: a person is the same across teams when
// the e-mail address is (in any case), else the name.
type people struct {
	namer *naming.Namer
	users map[string]*Entity // by identity
}

func identity(p orgv1.Person) string {
	if p.Email != "" {
		return "email:" + strings.ToLower(p.Email)
	}
	return "name:" + p.Name
}

func (x *exporter) namespace(ns string) []Entity {
	teams := sortedBy(x.g.Teams(ns), func(t *orgv1.Team) string { return t.Name })
	platforms := sortedBy(x.g.Platforms(ns), func(p *orgv1.Platform) string { return p.Name })
	orgs := sortedBy(x.g.Organizations(ns), func(o *orgv1.Organization) string { return o.Name })

	groups := map[string]*Entity{}
	children := map[string][]string{}
	for _, t := range teams {
		groups[t.Name] = nil
		if p := t.Spec.ParentRef; p != nil && cmp.Or(p.Namespace, ns) == ns && x.g.Team(ns, p.Name) != nil {
			children[p.Name] = append(children[p.Name], groupRef(ns, t.Name))
		}
	}
	// Users are named in the order of their identities, so that a name
	// does not depend on which team lists a person first.
	pp := &people{namer: naming.New(), users: map[string]*Entity{}}
	var ids []string
	persons := map[string]orgv1.Person{}
	for _, t := range teams {
		for _, p := range teamPeople(t) {
			id := identity(p)
			if _, ok := persons[id]; !ok {
				ids = append(ids, id)
				persons[id] = p
			}
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		p := persons[id]
		want := p.Name
		if p.Email != "" {
			want, _, _ = strings.Cut(p.Email, "@")
		}
		name, _ := pp.namer.Name(id, want)
		pp.users[id] = &Entity{APIVersion: APIVersion, Kind: "User",
			Metadata: Metadata{Name: name, Namespace: ns},
			Spec:     Spec{Profile: &Profile{DisplayName: p.Name, Email: p.Email}}}
	}

	var out []Entity
	domain := ""
	for _, o := range orgs {
		e, ok := x.domain(ns, o, teams)
		if !ok {
			continue
		}
		if domain == "" {
			domain = "domain:" + ns + "/" + e.Metadata.Name
		}
		out = append(out, e)
	}
	for _, t := range teams {
		e := x.group(ns, t, children[t.Name], pp)
		out = append(out, e)
	}
	for _, id := range ids {
		u := pp.users[id]
		slices.Sort(u.Spec.MemberOf)
		u.Spec.MemberOf = slices.Compact(u.Spec.MemberOf)
		out = append(out, *u)
	}
	for _, p := range platforms {
		if e, ok := x.system(ns, p, domain); ok {
			out = append(out, e)
		}
	}
	return out
}

// teamPeople are a team's lead and members.
func teamPeople(t *orgv1.Team) []orgv1.Person {
	var out []orgv1.Person
	if t.Spec.Lead != nil {
		out = append(out, *t.Spec.Lead)
	}
	return append(out, t.Spec.Members...)
}

func groupRef(ns, name string) string { return "group:" + ns + "/" + EntityName(name) }

func (x *exporter) group(ns string, t *orgv1.Team, children []string, pp *people) Entity {
	ref := policy.ObjectRef{Kind: orgv1.KindTeam, Namespace: ns, Name: t.Name}
	e := Entity{APIVersion: APIVersion, Kind: "Group",
		// The display name is the profile's, as Backstage shows a group's.
		Metadata: x.metadata(ref, ""),
		Spec:     Spec{Type: importer.Kebab(t.Spec.Type), Children: children}}
	e.Metadata.Annotations[AnnotationFunction] = string(t.Spec.Function)
	if t.Spec.DisplayName != "" {
		e.Spec.Profile = &Profile{DisplayName: t.Spec.DisplayName}
	}
	if p := t.Spec.ParentRef; p != nil {
		pns := cmp.Or(p.Namespace, ns)
		if x.g.Team(pns, p.Name) != nil {
			e.Spec.Parent = groupRef(pns, p.Name)
		} else {
			x.warn(orgv1.KindTeam, ns, t.Name, "spec.parentRef: team %s/%s does not exist; the group is exported without a parent", pns, p.Name)
		}
	}
	for _, p := range teamPeople(t) {
		u := pp.users[identity(p)]
		userRef := "user:" + ns + "/" + u.Metadata.Name
		if !slices.Contains(e.Spec.Members, userRef) {
			e.Spec.Members = append(e.Spec.Members, userRef)
		}
		u.Spec.MemberOf = append(u.Spec.MemberOf, groupRef(ns, t.Name))
	}
	if t.Spec.Lead != nil {
		e.Metadata.Annotations[AnnotationLead] = "user:" + ns + "/" + pp.users[identity(*t.Spec.Lead)].Metadata.Name
	}
	slices.Sort(e.Spec.Members)
	slices.Sort(e.Spec.Children)
	return e
}

func (x *exporter) system(ns string, p *orgv1.Platform, domain string) (Entity, bool) {
	o := p.Spec.OwnerRef
	if o == nil || x.g.Team(cmp.Or(o.Namespace, ns), o.Name) == nil {
		x.warn(orgv1.KindPlatform, ns, p.Name, "no spec.ownerRef that names a team, and a Backstage System needs an owner: not exported")
		return Entity{}, false
	}
	ref := policy.ObjectRef{Kind: orgv1.KindPlatform, Namespace: ns, Name: p.Name}
	e := Entity{APIVersion: APIVersion, Kind: "System",
		Metadata: x.metadata(ref, p.Spec.DisplayName),
		Spec:     Spec{Type: importer.Kebab(p.Spec.Category), Owner: groupRef(cmp.Or(o.Namespace, ns), o.Name), Domain: domain}}
	e.Metadata.Annotations[AnnotationCategory] = string(p.Spec.Category)
	if p.Spec.Tier != "" {
		e.Metadata.Annotations[AnnotationTier] = string(p.Spec.Tier)
	}
	return e, true
}

// domain is an Organization's Domain, owned by its top team: the root team
// (no parent) of function Executive, else the first root team; an
// organization without teams cannot be exported, as a Domain needs an
// owner.
func (x *exporter) domain(ns string, o *orgv1.Organization, teams []*orgv1.Team) (Entity, bool) {
	var owner *orgv1.Team
	for _, t := range teams {
		if t.Spec.ParentRef != nil {
			continue
		}
		if owner == nil || (t.Spec.Function == "Executive" && owner.Spec.Function != "Executive") {
			owner = t
		}
	}
	if owner == nil {
		x.warn(orgv1.KindOrganization, ns, o.Name, "no team without a parent to own it, and a Backstage Domain needs an owner: not exported")
		return Entity{}, false
	}
	ref := policy.ObjectRef{Kind: orgv1.KindOrganization, Namespace: ns, Name: o.Name}
	e := Entity{APIVersion: APIVersion, Kind: "Domain",
		Metadata: x.metadata(ref, o.Spec.DisplayName),
		Spec:     Spec{Owner: groupRef(ns, owner.Name)}}
	e.Metadata.Annotations[AnnotationModel] = string(o.Spec.Model)
	if x.j.InferredModel != nil {
		if m := x.j.InferredModel(ns); m != "" {
			e.Metadata.Annotations[AnnotationInferredModel] = string(m)
		}
	}
	return e, true
}

// metadata is an object's entity metadata: its name, title, compliance and
// link back.
func (x *exporter) metadata(ref policy.ObjectRef, title string) Metadata {
	m := Metadata{Name: EntityName(ref.Name), Namespace: ref.Namespace, Title: title, Annotations: map[string]string{}}
	if x.j.Violations != nil {
		n := x.j.Violations(ref)
		m.Annotations[AnnotationCompliant] = strconv.FormatBool(n == 0)
		m.Annotations[AnnotationViolations] = strconv.Itoa(n)
	}
	if x.opts.Link != nil {
		var b strings.Builder
		// ParseLinkTemplate ran the template once: it cannot fail here.
		_ = x.opts.Link.Execute(&b, linkData{string(ref.Kind), ref.Namespace, ref.Name})
		m.Links = []Link{{URL: b.String(), Title: "orgplane"}}
	} else {
		m.Annotations[AnnotationKubectl] = fmt.Sprintf("kubectl get %s.%s %s -n %s", strings.ToLower(string(ref.Kind)), orgv1.GroupVersion.Group, ref.Name, ref.Namespace)
	}
	return m
}

// entityNameRE is a Backstage entity name: [a-zA-Z0-9] separated by [-_.].
var entityNameRE = regexp.MustCompile(`^[a-zA-Z0-9]+(?:[-_.][a-zA-Z0-9]+)*$`)

// EntityName is a Kubernetes object name as a Backstage entity name, which
// is at most 63 characters: longer names are cut, with a hash of the whole
// name so that two long names stay apart.
func EntityName(name string) string {
	if len(name) <= naming.MaxLength && entityNameRE.MatchString(name) {
		return name
	}
	sum := sha256.Sum256([]byte(name))
	suffix := "-" + hex.EncodeToString(sum[:])[:6]
	return strings.TrimRight(name[:naming.MaxLength-len(suffix)], "-.") + suffix
}

func sortedBy[T any](l []T, key func(T) string) []T {
	out := slices.Clone(l)
	slices.SortFunc(out, func(a, b T) int { return cmp.Compare(key(a), key(b)) })
	return out
}
