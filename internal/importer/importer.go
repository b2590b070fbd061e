// Package importer turns an organization as another system describes it
// (a Backstage catalog, a Peribolos org config, an HR export: see the
// subpackages that read each) into orgplane Teams and Platforms. The
// readers only say what the source says, as a Source; Build names the
// objects (package naming), resolves parents and owners, and chooses each
// team's function and type and each platform's category from the maps the
// user gives, a documented table, or the defaults, listing every choice the
// source did not make itself as a Guess for a person to review. The same
// Source and Options always give the same objects, guesses and warnings.
package importer

import (
	"cmp"
	"fmt"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"unicode"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/importer/naming"
)

// Location is where a source wrote something.
type Location struct {
	File string
	Line int
}

func (l Location) String() string {
	if l.Line == 0 {
		return l.File
	}
	return l.File + ":" + strconv.Itoa(l.Line)
}

// Person is a lead or member as the source names them.
type Person struct {
	Name, Email string
}

// Team is a team as the source describes it.
type Team struct {
	// Key identifies the team in the source (a Backstage entity reference,
	// a Peribolos team path); parents and owners name teams by it.
	Key string
	// Name is the source's name of the team, which its object name is made
	// from; DisplayName is what people call it, when the source says.
	Name, DisplayName string
	// Parent is the parent's Key; ParentAt where the source names it.
	Parent   string
	ParentAt Location
	// Function and Type are the source's words for them, if any.
	Function, Type string
	// Leads are the candidates for lead, the most likely first;
	// LeadGuessed says the source names candidates (GitHub maintainers),
	// not a lead.
	Leads       []Person
	LeadGuessed bool
	Members     []Person
	At          Location
}

// Platform is a system, component or resource as the source describes it.
type Platform struct {
	// Key identifies the platform in the source.
	Key               string
	Name, DisplayName string
	// Owner is the owning team's Key, or "" for none; OwnerAt where the
	// source names it.
	Owner   string
	OwnerAt Location
	// Kinds are the source's words for what it is, most specific first
	// (component:website, component), which --category-map looks up.
	Kinds []string
	At    Location
}

// Source is what a reader read.
type Source struct {
	Teams     []Team
	Platforms []Platform
	// Notes are the reader's own warnings (a member that names no user).
	Notes []Note
}

// Note is a guess or a warning about the source, at a place in it.
type Note struct {
	At  Location
	Msg string
}

func (n Note) String() string { return n.At.String() + ": " + n.Msg }

// Options tune Build.
type Options struct {
	// Namespace, when set, is written into every object; references then
	// stay within it either way.
	Namespace string
	// FunctionMap, TypeMap and CategoryMap map a source's word (its
	// function or type, or a team's or platform's name, as written or as
	// made) to orgplane's value; keys are compared in lower case.
	FunctionMap map[string]orgv1.TeamFunction
	TypeMap     map[string]orgv1.TeamType
	CategoryMap map[string]orgv1.PlatformCategory
}

// Result is what Build made.
type Result struct {
	// Teams and Platforms, sorted by name.
	Teams     []*orgv1.Team
	Platforms []*orgv1.Platform
	// Guesses are the choices the source did not make (a default function,
	// a type from the table, a renamed team, the first of several lead
	// candidates), in source order; Warnings what could not be carried
	// over (a parent that names no team).
	Guesses, Warnings []Note
}

// Build makes the orgplane objects that src describes.
func Build(src *Source, opts Options) *Result {
	b := &builder{opts: opts, res: &Result{Warnings: slices.Clone(src.Notes)}, names: map[string]string{}}
	teams := slices.Clone(src.Teams)
	platforms := slices.Clone(src.Platforms)
	// Named in key order, so that which of two colliding teams keeps the
	// plain name does not depend on the order of the files.
	slices.SortStableFunc(teams, func(a, b Team) int { return cmp.Compare(a.Key, b.Key) })
	slices.SortStableFunc(platforms, func(a, b Platform) int { return cmp.Compare(a.Key, b.Key) })
	teamNamer := naming.New()
	for _, t := range teams {
		if _, dup := b.names[t.Key]; dup {
			b.warn(t.At, "team %q is defined again; the first definition is kept", t.Key)
			continue
		}
		name, renamed := teamNamer.Name(t.Key, t.Name)
		b.names[t.Key] = name
		if renamed {
			b.guess(t.At, "Team %q: named %q, because another team is named %q", t.Key, name, naming.DNSLabel(t.Name))
		}
	}
	done := map[string]bool{}
	for _, t := range teams {
		if done[t.Key] {
			continue
		}
		done[t.Key] = true
		b.res.Teams = append(b.res.Teams, b.team(t))
	}
	platformNamer := naming.New()
	for _, p := range platforms {
		if done["platform "+p.Key] {
			b.warn(p.At, "platform %q is defined again; the first definition is kept", p.Key)
			continue
		}
		done["platform "+p.Key] = true
		b.res.Platforms = append(b.res.Platforms, b.platform(p, platformNamer))
	}
	slices.SortFunc(b.res.Teams, func(x, y *orgv1.Team) int { return cmp.Compare(x.Name, y.Name) })
	slices.SortFunc(b.res.Platforms, func(x, y *orgv1.Platform) int { return cmp.Compare(x.Name, y.Name) })
	sortNotes(b.res.Guesses)
	sortNotes(b.res.Warnings)
	return b.res
}

// sortNotes orders notes by file and line, keeping the order of those at
// the same place.
func sortNotes(ns []Note) {
	slices.SortStableFunc(ns, func(a, b Note) int {
		return cmp.Or(cmp.Compare(a.At.File, b.At.File), cmp.Compare(a.At.Line, b.At.Line))
	})
}

type builder struct {
	opts  Options
	res   *Result
	names map[string]string // team key -> object name
}

func (b *builder) guess(at Location, format string, args ...any) {
	b.res.Guesses = append(b.res.Guesses, Note{At: at, Msg: fmt.Sprintf(format, args...)})
}

// warn notes a warning once, however often the thing is met (a member
// listed by a group and by the user's memberOf).
func (b *builder) warn(at Location, format string, args ...any) {
	n := Note{At: at, Msg: fmt.Sprintf(format, args...)}
	if !slices.Contains(b.res.Warnings, n) {
		b.res.Warnings = append(b.res.Warnings, n)
	}
}

func (b *builder) meta(kind orgv1.Kind, name string) (metav1.TypeMeta, metav1.ObjectMeta) {
	return metav1.TypeMeta{APIVersion: orgv1.GroupVersion.String(), Kind: string(kind)},
		metav1.ObjectMeta{Name: name, Namespace: b.opts.Namespace}
}

func (b *builder) team(t Team) *orgv1.Team {
	name := b.names[t.Key]
	out := &orgv1.Team{}
	out.TypeMeta, out.ObjectMeta = b.meta(orgv1.KindTeam, name)
	what := fmt.Sprintf("Team %q", name)
	out.Spec.DisplayName = b.text(t.At, what, "displayName", displayName(t.DisplayName, t.Name, name), maxDisplayName)
	out.Spec.Function = b.function(t, name, what)
	out.Spec.Type = b.teamType(t, name, what)
	if t.Parent != "" {
		switch parent, ok := b.names[t.Parent]; {
		case !ok:
			b.warn(cmpLocation(t.ParentAt, t.At), "%s: parent %q names no team of the input; the team is imported without a parent", what, t.Parent)
		case parent == name:
			// The CRD's CEL rule: the apiserver would reject the team.
			b.warn(cmpLocation(t.ParentAt, t.At), "%s: is its own parent; the team is imported without a parent", what)
		default:
			out.Spec.ParentRef = &orgv1.TeamRef{Name: parent}
		}
	}
	// The lead is the first member, so that it stays one when the
	// members are cut to the API's bound.
	seen := map[string]int{}
	if lead := b.person(firstLead(t.Leads), t.At, what); lead.Name != "" {
		out.Spec.Lead = &lead
		b.addMember(out, seen, t.Leads[0], t.At, what)
		if len(t.Leads) > 1 || t.LeadGuessed {
			var others []string
			for _, l := range t.Leads[1:] {
				others = append(others, strconv.Quote(l.Name))
			}
			also := ""
			if len(others) > 0 {
				also = " (also " + strings.Join(others, ", ") + ")"
			}
			b.guess(t.At, "%s: lead %q, the first of the candidates%s", what, lead.Name, also)
		}
	}
	for _, p := range t.Members {
		b.addMember(out, seen, p, t.At, what)
	}
	if n := len(out.Spec.Members); n > maxMembers {
		b.warn(t.At, "%s: %d members, more than the %d a Team holds; the first %d are kept", what, n, maxMembers, maxMembers)
		out.Spec.Members = out.Spec.Members[:maxMembers]
	}
	return out
}

func firstLead(leads []Person) Person {
	if len(leads) == 0 {
		return Person{}
	}
	return leads[0]
}

// The API's bounds on the strings an import copies.
const (
	maxDisplayName = 256
	maxPersonName  = 128
	maxEmail       = 254
	maxMembers     = 500
)

// text is a source's string as the API takes it: control characters
// (which YAML cannot write) dropped, and cut to max characters, with a
// warning.
func (b *builder) text(at Location, what, field, s string, limit int) string {
	clean := strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s))
	if r := []rune(clean); len(r) > limit {
		clean = strings.TrimSpace(string(r[:limit]))
	}
	if clean != strings.TrimSpace(s) {
		b.warn(at, "%s: %s %q is written %q (no control characters, at most %d characters)", what, field, s, clean, limit)
	}
	return clean
}

// displayName is the source's display name, else its name when the object
// name differs from it, so that what people call the team is kept.
func displayName(display, source, name string) string {
	if display != "" {
		return display
	}
	if source != name {
		return source
	}
	return ""
}

// addMember adds p to the team's members once: people are told apart by
// name (the API's list key), and a second entry of a name adds its e-mail
// when the first had none.
func (b *builder) addMember(t *orgv1.Team, seen map[string]int, p Person, at Location, what string) {
	person := b.person(p, at, what)
	if person.Name == "" {
		b.warn(at, "%s: a member without a name (%q) is left out", what, p.Name)
		return
	}
	if i, ok := seen[person.Name]; ok {
		m := &t.Spec.Members[i]
		switch {
		case m.Email == "":
			m.Email = person.Email
		case person.Email != "" && person.Email != m.Email:
			b.warn(at, "%s: member %q is listed with two e-mail addresses, %s and %s; the first is kept", what, person.Name, m.Email, person.Email)
		}
		return
	}
	seen[person.Name] = len(t.Spec.Members)
	t.Spec.Members = append(t.Spec.Members, person)
}

// person is p as the API takes it: an e-mail address that is not one is
// dropped with a warning, rather than failing the whole apply.
func (b *builder) person(p Person, at Location, what string) orgv1.Person {
	out := orgv1.Person{Name: b.text(at, what, "member name", p.Name, maxPersonName), Email: p.Email}
	if out.Email != "" {
		if a, err := mail.ParseAddress(out.Email); err != nil || a.Address != out.Email || len(out.Email) > maxEmail {
			b.warn(at, "%s: member %q: %q is not an e-mail address; it is left out", what, p.Name, p.Email)
			out.Email = ""
		}
	}
	return out
}

func (b *builder) function(t Team, name, what string) orgv1.TeamFunction {
	if f, ok := b.lookupFunction(t.Function, name, t.Name, t.DisplayName); ok {
		return f
	}
	if t.Function != "" {
		b.guess(t.At, "%s: function %s, for %q, which is no orgplane function (map it with --function-map %s=FUNCTION)", what, DefaultFunction, t.Function, strings.ToLower(t.Function))
		return DefaultFunction
	}
	// A function named in the team's name (marketing-emea, "Legal & Privacy").
	for _, word := range strings.Split(naming.DNSLabel(cmp.Or(t.DisplayName, t.Name)), "-") {
		for _, f := range Functions {
			if f != DefaultFunction && strings.EqualFold(word, string(f)) {
				b.guess(t.At, "%s: function %s, from its name (set it with --function-map %s=FUNCTION)", what, f, name)
				return f
			}
		}
	}
	b.guess(t.At, "%s: function %s, the default (set it with --function-map %s=FUNCTION)", what, DefaultFunction, name)
	return DefaultFunction
}

// lookupFunction is the function that the source's word names (an orgplane
// function, in any case) or that --function-map gives for the word or one
// of the team's names.
func (b *builder) lookupFunction(word string, names ...string) (orgv1.TeamFunction, bool) {
	for _, f := range Functions {
		if word != "" && strings.EqualFold(word, string(f)) {
			return f, true
		}
	}
	return lookup(b.opts.FunctionMap, append([]string{word}, names...))
}

func (b *builder) teamType(t Team, name, what string) orgv1.TeamType {
	word := strings.ToLower(t.Type)
	for _, ty := range Types {
		if word != "" && (strings.EqualFold(word, string(ty)) || word == kebab(string(ty))) {
			return ty
		}
	}
	if ty, ok := lookup(b.opts.TypeMap, []string{t.Type, name, t.Name, t.DisplayName}); ok {
		return ty
	}
	if ty, ok := typeTable[word]; ok {
		b.guess(t.At, "%s: type %s, for %q (set it with --type-map %s=TYPE)", what, ty, t.Type, word)
		return ty
	}
	if t.Type != "" {
		b.guess(t.At, "%s: type %s, for %q, which is no orgplane type (map it with --type-map %s=TYPE)", what, DefaultType, t.Type, word)
	} else {
		b.guess(t.At, "%s: type %s, the default (set it with --type-map %s=TYPE)", what, DefaultType, name)
	}
	return DefaultType
}

// kebab writes an orgplane type as Backstage group types are written:
// CenterOfExcellence is center-of-excellence, AIML aiml.
func kebab(s string) string {
	rs := []rune(s)
	var out strings.Builder
	upper := func(i int) bool { return i >= 0 && i < len(rs) && unicode.IsUpper(rs[i]) }
	lower := func(i int) bool { return i >= 0 && i < len(rs) && unicode.IsLower(rs[i]) }
	for i, r := range rs {
		if upper(i) && (lower(i-1) || (upper(i-1) && lower(i+1))) {
			out.WriteByte('-')
		}
		out.WriteRune(unicode.ToLower(r))
	}
	return out.String()
}

// Kebab is an orgplane type or function in kebab case, as `kubectl org
// export` writes a Backstage group's type.
func Kebab[T ~string](v T) string { return kebab(string(v)) }

func (b *builder) platform(p Platform, namer *naming.Namer) *orgv1.Platform {
	name, renamed := namer.Name(p.Key, p.Name)
	what := fmt.Sprintf("Platform %q", name)
	if renamed {
		b.guess(p.At, "%s: named so, because another platform is named %q", what, naming.DNSLabel(p.Name))
	}
	out := &orgv1.Platform{}
	out.TypeMeta, out.ObjectMeta = b.meta(orgv1.KindPlatform, name)
	out.Spec.DisplayName = b.text(p.At, what, "displayName", displayName(p.DisplayName, p.Name, name), maxDisplayName)
	if c, ok := lookup(b.opts.CategoryMap, append(slices.Clone(p.Kinds), name, p.Name, p.DisplayName)); ok {
		out.Spec.Category = c
	} else if c, ok := kindCategory(p.Kinds); ok {
		out.Spec.Category = c
	} else {
		out.Spec.Category = DefaultCategory
		b.guess(p.At, "%s: category %s, the default (set it with --category-map %s=CATEGORY)", what, DefaultCategory, name)
	}
	if p.Owner != "" {
		if owner, ok := b.names[p.Owner]; ok {
			out.Spec.OwnerRef = &orgv1.TeamRef{Name: owner}
		} else {
			b.warn(cmpLocation(p.OwnerAt, p.At), "%s: owner %q names no team of the input; the platform is imported without an owner", what, p.Owner)
		}
	}
	return out
}

// kindCategory is the category that a kind's type names (system:cdp, or
// system:marketing-automation as the export writes it).
func kindCategory(kinds []string) (orgv1.PlatformCategory, bool) {
	for _, k := range kinds {
		_, typ, ok := strings.Cut(k, ":")
		if !ok {
			continue
		}
		for _, c := range Categories {
			if strings.EqualFold(typ, string(c)) || typ == kebab(string(c)) {
				return c, true
			}
		}
	}
	return "", false
}

// lookup finds the first of words (in lower case) in m.
func lookup[T any](m map[string]T, words []string) (T, bool) {
	for _, w := range words {
		if w == "" {
			continue
		}
		if v, ok := m[strings.ToLower(w)]; ok {
			return v, true
		}
	}
	var zero T
	return zero, false
}

func cmpLocation(a, b Location) Location {
	if a.File != "" {
		return a
	}
	return b
}
