// Package csv reads an HR system's export as an importer.Source: a CSV
// file whose header row names the columns, one row per membership (a team,
// and a person in it), where the rows of a team also say its parent,
// function, type and lead. The columns are found by name (DefaultColumns,
// or others that Columns maps), in any order; a row without a member
// declares a team alone.
package csv

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/orgplane/orgplane/internal/importer"
	"github.com/orgplane/orgplane/internal/manifest"
)

// The fields a row may hold; Team is required.
const (
	Team     = "team"
	Parent   = "parent"
	Function = "function"
	Type     = "type"
	Lead     = "lead"
	Member   = "member"
	Email    = "email"
)

// Fields lists them in the order of the default header.
var Fields = []string{Team, Parent, Function, Type, Lead, Member, Email}

// ParseColumns reads --columns: FIELD=HEADER pairs, comma-separated, that
// name the header of each field whose header is not the field's own name.
func ParseColumns(args []string) (map[string]string, error) {
	out := map[string]string{}
	for _, arg := range args {
		for pair := range strings.SplitSeq(arg, ",") {
			field, header, ok := strings.Cut(pair, "=")
			field, header = strings.ToLower(strings.TrimSpace(field)), strings.TrimSpace(header)
			if !ok || header == "" || !slices.Contains(Fields, field) {
				return nil, fmt.Errorf("--columns: %q is not FIELD=HEADER with FIELD one of %s", pair, strings.Join(Fields, ", "))
			}
			out[field] = header
		}
	}
	return out, nil
}

// leadFlags are the values of the lead column that mark the row's member as
// the lead; any other value names the lead.
var leadFlags = []string{"yes", "y", "true", "x", "1", "lead"}

// Read reads HR exports; columns maps fields to the headers that hold them
// (ParseColumns). Malformed input is an error joining *manifest.Error
// values, each at its file and line.
func Read(inputs []importer.Input, columns map[string]string) (*importer.Source, error) {
	r := &reader{teams: map[string]*importer.Team{}}
	var errs []error
	for _, in := range inputs {
		errs = append(errs, r.file(in, columns))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	src := &importer.Source{Notes: r.notes}
	for _, k := range r.order {
		src.Teams = append(src.Teams, *r.teams[k])
	}
	return src, nil
}

type reader struct {
	teams map[string]*importer.Team
	order []string
	notes []importer.Note
}

func (r *reader) file(in importer.Input, columns map[string]string) error {
	cr := csv.NewReader(bytes.NewReader(in.Data))
	cr.FieldsPerRecord = 0 // every row as long as the header
	header, err := cr.Read()
	if err != nil {
		return csvError(in.Name, err)
	}
	col := map[string]int{}
	for _, f := range Fields {
		want := f
		if h, ok := columns[f]; ok {
			want = h
		}
		for i, h := range header {
			if strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")), want) {
				col[f] = i
				break
			}
		}
	}
	if _, ok := col[Team]; !ok {
		return &manifest.Error{File: in.Name, Line: 1, Msg: fmt.Sprintf("the header has no column %q for the team (name it with --columns team=HEADER)", cmp.Or(columns[Team], Team))}
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return csvError(in.Name, err)
		}
		line, _ := cr.FieldPos(0)
		get := func(f string) string {
			if i, ok := col[f]; ok {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if err := r.row(importer.Location{File: in.Name, Line: line}, get); err != nil {
			return err
		}
	}
}

func (r *reader) row(at importer.Location, get func(string) string) error {
	name := get(Team)
	if name == "" {
		if slices.ContainsFunc(Fields, func(f string) bool { return get(f) != "" }) {
			return &manifest.Error{File: at.File, Line: at.Line, Msg: "the team column is empty"}
		}
		return nil // an empty row
	}
	key := strings.ToLower(name)
	t := r.teams[key]
	if t == nil {
		t = &importer.Team{Key: key, Name: name, At: at}
		r.teams[key] = t
		r.order = append(r.order, key)
	}
	r.set(at, name, "parent", &t.Parent, strings.ToLower(get(Parent)))
	if t.Parent != "" && t.ParentAt.File == "" {
		t.ParentAt = at
	}
	r.set(at, name, "function", &t.Function, get(Function))
	r.set(at, name, "type", &t.Type, get(Type))
	member := importer.Person{Name: get(Member), Email: get(Email)}
	if member.Name == "" {
		member.Name = member.Email
	}
	if member.Name != "" {
		t.Members = append(t.Members, member)
	}
	switch lead := get(Lead); {
	case lead == "":
	case slices.Contains(leadFlags, strings.ToLower(lead)):
		if member.Name == "" {
			return &manifest.Error{File: at.File, Line: at.Line, Msg: fmt.Sprintf("lead is %q but the row has no member", lead)}
		}
		r.addLead(t, member)
	default:
		r.addLead(t, importer.Person{Name: lead})
	}
	return nil
}

// addLead adds a lead candidate once; a lead named by a member's name or
// e-mail is that member.
func (r *reader) addLead(t *importer.Team, p importer.Person) {
	for _, m := range t.Members {
		if m.Name == p.Name || (m.Email != "" && strings.EqualFold(m.Email, p.Name)) {
			p = m
			break
		}
	}
	if !slices.ContainsFunc(t.Leads, func(l importer.Person) bool { return l.Name == p.Name }) {
		t.Leads = append(t.Leads, p)
	}
}

// set sets a team's field from a row; a row that says otherwise than an
// earlier row is a warning, and the first value is kept.
func (r *reader) set(at importer.Location, team, field string, v *string, value string) {
	switch {
	case value == "" || *v == value:
	case *v == "":
		*v = value
	default:
		r.notes = append(r.notes, importer.Note{At: at, Msg: fmt.Sprintf("team %q: %s %q differs from %q in an earlier row; the first is kept", team, field, value, *v)})
	}
}

// csvError is a CSV syntax error at its line.
func csvError(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &manifest.Error{File: file, Line: pe.Line, Msg: pe.Err.Error()}
	}
	if errors.Is(err, io.EOF) {
		return &manifest.Error{File: file, Line: 1, Msg: "no header row"}
	}
	return &manifest.Error{File: file, Msg: err.Error()}
}
