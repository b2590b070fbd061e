package peribolos

import (
	"path/filepath"
	"testing"

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
	importtest.RejectsMalformed(t, []importtest.Malformed{
		{Name: "syntax", In: "orgs:\n  a:\n    teams: {\n", Want: "stdin:4: did not find expected node content"},
		{Name: "no orgs", In: "teams: {}\n", Want: "stdin:1: a Peribolos config is a mapping with orgs: <org>: {teams: ...}"},
		{Name: "orgs a list", In: "orgs: [a]\n", Want: "stdin:1: orgs: want a mapping of organizations"},
		{Name: "teams a list", In: "orgs:\n  a:\n    teams: [x]\n", Want: "stdin:3: orgs.a.teams: want a mapping of teams"},
		{Name: "team a string", In: "orgs:\n  a:\n    teams:\n      x: y\n", Want: "stdin:4: orgs.a.teams.x: want a mapping"},
		{Name: "members a string", In: "orgs:\n  a:\n    teams:\n      x:\n        members: jo\n", Want: "stdin:5: members: want a list of strings"},
		{Name: "nested", In: "orgs:\n  a:\n    teams:\n      x:\n        teams:\n          y:\n            maintainers: [{a: b}]\n", Want: "stdin:7: maintainers: want a list of non-empty strings"},
	}, Read)
}

// FuzzRead holds the reader to importtest.Contract; the checked-in corpus
// (testdata/fuzz/FuzzRead) holds the fixture and malformed configs.
func FuzzRead(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) { importtest.Contract(t, data, Read) })
}
