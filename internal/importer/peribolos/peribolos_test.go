package peribolos

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/orgplane/orgplane/internal/importer"
	"github.com/orgplane/orgplane/internal/importer/importtest"
)

// TestGolden imports testdata/org.yaml and compares the manifests, guesses
// and warnings with testdata/org.golden (go test -update rewrites it).
func TestGolden(t *testing.T) {
	inputs, err := importer.ReadInputs([]string{"testdata"}, nil, ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	src, err := Read(inputs)
	if err != nil {
		t.Fatal(err)
	}
	res := importer.Build(src, importer.Options{Namespace: "acme-dev"})
	importtest.Loads(t, res)
	importtest.Golden(t, filepath.Join("testdata", "org.golden"), importtest.Render(t, res))
}

// TestMalformed: each malformed config is one error at its line.
func TestMalformed(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"syntax", "orgs:\n  a:\n    teams: {\n", "stdin:4: did not find expected node content"},
		{"no orgs", "teams: {}\n", "stdin:1: a Peribolos config is a mapping with orgs: <org>: {teams: ...}"},
		{"orgs a list", "orgs: [a]\n", "stdin:1: orgs: want a mapping of organizations"},
		{"teams a list", "orgs:\n  a:\n    teams: [x]\n", "stdin:3: orgs.a.teams: want a mapping of teams"},
		{"team a string", "orgs:\n  a:\n    teams:\n      x: y\n", "stdin:4: orgs.a.teams.x: want a mapping"},
		{"members a string", "orgs:\n  a:\n    teams:\n      x:\n        members: jo\n", "stdin:5: members: want a list of strings"},
		{"nested", "orgs:\n  a:\n    teams:\n      x:\n        teams:\n          y:\n            maintainers: [{a: b}]\n", "stdin:7: maintainers: want a list of non-empty strings"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Read([]importer.Input{{Name: "stdin", Data: []byte(c.in)}})
			if err == nil {
				t.Fatal("no error")
			}
			if diff := cmp.Diff(c.want, err.Error()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzRead holds the reader to importtest.Contract; the checked-in corpus
// (testdata/fuzz/FuzzRead) holds the fixture and malformed configs.
func FuzzRead(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) { importtest.Contract(t, data, Read) })
}
