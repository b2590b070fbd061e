package csv

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/importer"
	"github.com/orgplane/orgplane/internal/importer/importtest"
)

// TestGolden imports each export of testdata and compares the manifests,
// guesses and warnings with its .golden file (go test -update rewrites it).
func TestGolden(t *testing.T) {
	for _, c := range []struct {
		file    string
		columns []string
		opts    importer.Options
	}{
		{file: "hr.csv", opts: importer.Options{Namespace: "acme", TypeMap: map[string]orgv1.TeamType{"coe": "CenterOfExcellence"}}},
		{file: "workday.csv", columns: []string{"team=Supervisory Organization,parent=Superior Organization", "member=Worker,email=Work Email,lead=Is Manager"}},
	} {
		t.Run(c.file, func(t *testing.T) {
			cols, err := ParseColumns(c.columns)
			if err != nil {
				t.Fatal(err)
			}
			inputs, err := importer.ReadInputs([]string{filepath.Join("testdata", c.file)}, nil, ".csv")
			if err != nil {
				t.Fatal(err)
			}
			src, err := Read(inputs, cols)
			if err != nil {
				t.Fatal(err)
			}
			res := importer.Build(src, c.opts)
			importtest.Loads(t, res)
			importtest.Golden(t, filepath.Join("testdata", c.file+".golden"), importtest.Render(t, res))
		})
	}
}

// TestMalformed: each malformed export is one error at its line.
func TestMalformed(t *testing.T) {
	importtest.RejectsMalformed(t, []importtest.Malformed{
		{Name: "empty", In: "", Want: "stdin:1: no header row"},
		{Name: "no team column", In: "group,member\na,b\n", Want: `stdin:1: the header has no column "team" for the team (name it with --columns team=HEADER)`},
		{Name: "short row", In: "team,member\na,b\nc\n", Want: "stdin:3: wrong number of fields"},
		{Name: "quote", In: "team,member\na,\"b\n", Want: "stdin:2: extraneous or missing \" in quoted-field"},
		{Name: "no team", In: "team,member\n,b\n", Want: "stdin:2: the team column is empty"},
		{Name: "lead flag without member", In: "team,lead\na,yes\n", Want: `stdin:2: lead is "yes" but the row has no member`},
	}, func(in []importer.Input) (*importer.Source, error) { return Read(in, nil) })
}

func TestParseColumns(t *testing.T) {
	got, err := ParseColumns([]string{"Team=Dept, member=Name", "email=Mail"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"team": "Dept", "member": "Name", "email": "Mail"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, bad := range []string{"team", "boss=Manager", "team="} {
		if _, err := ParseColumns([]string{bad}); err == nil {
			t.Errorf("ParseColumns(%q): no error", bad)
		}
	}
}

// FuzzRead holds the reader to importtest.Contract; the checked-in corpus
// (testdata/fuzz/FuzzRead) holds the fixtures and malformed exports.
func FuzzRead(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		importtest.Contract(t, data, func(in []importer.Input) (*importer.Source, error) { return Read(in, nil) })
	})
}
