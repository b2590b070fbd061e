// Package peribolos reads a GitHub organization's configuration as
// Peribolos (kubernetes-sigs/prow) keeps it as code, as an
// importer.Source: orgs.<org>.teams, each team a team, a nested teams:
// mapping its children, maintainers then members its people (maintainers
// first, as the candidates for lead), and the description its display name.
package peribolos

import (
	"errors"
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/orgplane/orgplane/internal/importer"
)

// Read reads Peribolos org configs. Malformed input is an error joining
// *manifest.Error values, each at its file and line.
func Read(inputs []importer.Input) (*importer.Source, error) {
	src := &importer.Source{}
	if err := importer.EachDocument(inputs, func(file string, doc *yaml.Node) error { return read(src, file, doc) }); err != nil {
		return nil, err
	}
	return src, nil
}

func read(src *importer.Source, file string, doc *yaml.Node) error {
	orgs := importer.Field(doc, "orgs")
	if doc.Kind != yaml.MappingNode || orgs == nil {
		return importer.Errorf(file, doc, "a Peribolos config is a mapping with orgs: <org>: {teams: ...}")
	}
	if orgs.Kind != yaml.MappingNode {
		return importer.Errorf(file, orgs, "orgs: want a mapping of organizations")
	}
	var errs []error
	for i := 0; i+1 < len(orgs.Content); i += 2 {
		org, cfg := orgs.Content[i].Value, orgs.Content[i+1]
		if cfg.Kind != yaml.MappingNode && cfg.Tag != "!!null" {
			errs = append(errs, importer.Errorf(file, cfg, "orgs.%s: want a mapping", org))
			continue
		}
		errs = append(errs, teams(src, file, org, "", importer.Field(cfg, "teams"), "orgs."+org+".teams"))
	}
	return errors.Join(errs...)
}

// teams reads a teams: mapping, whose teams report to the team parent (a
// Key, "" at the top).
func teams(src *importer.Source, file, org, parent string, n *yaml.Node, path string) error {
	if n == nil || n.Tag == "!!null" {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return importer.Errorf(file, n, "%s: want a mapping of teams", path)
	}
	var errs []error
	for i := 0; i+1 < len(n.Content); i += 2 {
		name, cfg := n.Content[i].Value, n.Content[i+1]
		at := path + "." + name
		if cfg.Kind != yaml.MappingNode && cfg.Tag != "!!null" {
			errs = append(errs, importer.Errorf(file, cfg, "%s: want a mapping", at))
			continue
		}
		// GitHub team names are unique in an organization, nested or not.
		t := importer.Team{Key: org + "/" + name, Name: name, Parent: parent, LeadGuessed: true, At: importer.At(file, n.Content[i])}
		if parent != "" {
			t.ParentAt = t.At
		}
		var err error
		if t.DisplayName, err = importer.String(file, cfg, "description"); err != nil {
			errs = append(errs, err)
			continue
		}
		maintainers, err := importer.Strings(file, cfg, "maintainers")
		if err != nil {
			errs = append(errs, err)
			continue
		}
		members, err := importer.Strings(file, cfg, "members")
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, m := range maintainers {
			t.Leads = append(t.Leads, importer.Person{Name: m})
			t.Members = append(t.Members, importer.Person{Name: m})
		}
		for _, m := range members {
			if !slices.Contains(maintainers, m) {
				t.Members = append(t.Members, importer.Person{Name: m})
			}
		}
		src.Teams = append(src.Teams, t)
		errs = append(errs, teams(src, file, org, t.Key, importer.Field(cfg, "teams"), at+".teams"))
	}
	return errors.Join(errs...)
}
