package backstage

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/importer"
	"github.com/orgplane/orgplane/internal/importer/importtest"
	"github.com/orgplane/orgplane/internal/testing/catalog"
)

var refCases = []struct {
	ref, kind, ns string
	want          Ref
	err           bool
}{
	{ref: "marketing", kind: "Group", want: Ref{"Group", "default", "marketing"}},
	{ref: "marketing", kind: "Group", ns: "emea", want: Ref{"Group", "emea", "marketing"}},
	{ref: "group:marketing", kind: "User", ns: "emea", want: Ref{"group", "emea", "marketing"}},
	{ref: "group:default/marketing", kind: "User", ns: "emea", want: Ref{"group", "default", "marketing"}},
	{ref: "emea/marketing", kind: "Group", want: Ref{"Group", "emea", "marketing"}},
	{ref: "Group:Default/Backstage", kind: "Group", want: Ref{"Group", "Default", "Backstage"}},
	// A colon after the slash belongs to the name.
	{ref: "emea/a:b", kind: "Group", want: Ref{"Group", "emea", "a:b"}},
	{ref: "user:emea/a:b", kind: "Group", want: Ref{"user", "emea", "a:b"}},
	{ref: "a:b:c", kind: "Group", want: Ref{"a", "default", "b:c"}},
	{ref: "", kind: "Group", err: true},
	{ref: ":marketing", kind: "Group", err: true},
	{ref: "group:/marketing", kind: "Group", err: true},
	{ref: "group:", kind: "Group", err: true},
	{ref: "emea/", kind: "Group", err: true},
	{ref: "marketing", kind: "", err: true},
}

func TestParseRef(t *testing.T) {
	for _, c := range refCases {
		got, err := ParseRef(c.ref, c.kind, c.ns)
		if (err != nil) != c.err {
			t.Errorf("ParseRef(%q, %q, %q): error %v, want error %v", c.ref, c.kind, c.ns, err, c.err)
			continue
		}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("ParseRef(%q, %q, %q) (-want +got):\n%s", c.ref, c.kind, c.ns, diff)
		}
	}
}

// TestParseRefAgreesWithCatalogModel runs every case through
// @backstage/catalog-model's own parseEntityRef (installed by make
// test-tools into bin/backstage) and requires the same reference or the
// same refusal.
func TestParseRefAgreesWithCatalogModel(t *testing.T) {
	node := catalog.Node(t)
	type in struct{ Ref, Kind, NS string }
	var ins []in
	for _, c := range refCases {
		ins = append(ins, in{c.ref, c.kind, c.ns})
	}
	data, _ := json.Marshal(ins)
	script := `const m = require(process.argv[1] + '/node_modules/@backstage/catalog-model');
const ins = JSON.parse(require('fs').readFileSync(0, 'utf8'));
console.log(JSON.stringify(ins.map((c) => {
  try { return m.parseEntityRef(c.Ref, { defaultKind: c.Kind || undefined, defaultNamespace: c.NS || undefined }); }
  catch (e) { return null; }
})));`
	cmd := exec.Command(node, "-e", script, catalog.Packages)
	cmd.Stdin = bytes.NewReader(data)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	var theirs []*struct{ Kind, Namespace, Name string }
	if err := json.Unmarshal(out, &theirs); err != nil {
		t.Fatal(err)
	}
	for i, c := range refCases {
		ours, err := ParseRef(c.ref, c.kind, c.ns)
		if (err != nil) != (theirs[i] == nil) {
			t.Errorf("%q: our error %v, catalog-model's result %+v", c.ref, err, theirs[i])
			continue
		}
		if theirs[i] != nil && ours != (Ref{theirs[i].Kind, theirs[i].Namespace, theirs[i].Name}) {
			t.Errorf("%q: we read %+v, catalog-model %+v", c.ref, ours, *theirs[i])
		}
	}
}

func read(t *testing.T, file string, platforms []Selector) *importer.Source {
	t.Helper()
	inputs, err := importer.ReadInputs([]string{file}, nil, ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	src, err := Read(inputs, platforms)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// TestGolden imports each catalog of testdata and compares the manifests,
// guesses and warnings with testdata/<name>.golden (go test -update
// rewrites them); the manifests must load as `kubectl org check` reads
// them.
func TestGolden(t *testing.T) {
	for _, c := range []struct {
		file      string
		platforms []Selector
		opts      importer.Options
	}{
		{file: "acme-org.yaml", opts: importer.Options{Namespace: "acme"}},
		{file: "dangling.yaml", platforms: []Selector{{Kind: "System"}, {Kind: "Resource", Type: "database"}},
			opts: importer.Options{TypeMap: map[string]orgv1.TeamType{"squad": "TigerTeam"}, CategoryMap: map[string]orgv1.PlatformCategory{"resource:database": "DataWarehouse"}}},
	} {
		t.Run(c.file, func(t *testing.T) {
			res := importer.Build(read(t, filepath.Join("testdata", c.file), cmpOr(c.platforms, DefaultPlatforms)), c.opts)
			importtest.Loads(t, res)
			importtest.Golden(t, filepath.Join("testdata", strings.TrimSuffix(c.file, ".yaml")+".golden"), importtest.Render(t, res))
		})
	}
}

func cmpOr(a, b []Selector) []Selector {
	if a == nil {
		return b
	}
	return a
}

// TestMalformed: each malformed catalog is one error at its file and line.
func TestMalformed(t *testing.T) {
	importtest.RejectsMalformed(t, []importtest.Malformed{
		{Name: "syntax", In: "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: [\n", Want: "stdin:4: did not find expected node content"},
		{Name: "not a mapping", In: "- a\n- b\n", Want: "stdin:1: an entity must be a YAML mapping"},
		{Name: "no kind", In: "apiVersion: backstage.io/v1alpha1\nmetadata: {name: a}\n", Want: "stdin:1: apiVersion and kind are required"},
		{Name: "no name", In: "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {}\nspec: {type: team}\n", Want: "stdin:1: Group: metadata.name is required"},
		{Name: "parent not a string", In: "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: a}\nspec:\n  type: team\n  parent: [x]\n", Want: "stdin:6: spec.parent: want a string"},
		{Name: "bad parent ref", In: "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: a}\nspec:\n  type: team\n  parent: 'group:'\n", Want: `stdin:6: spec.parent: entity reference "group:" was not on the form [<kind>:][<namespace>/]<name>`},
		{Name: "members not a list", In: "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: a}\nspec:\n  type: team\n  members: jo\n", Want: "stdin:6: spec.members: want a list of strings"},
		{Name: "twice", In: "apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata: {name: a}\n---\napiVersion: backstage.io/v1alpha1\nkind: User\nmetadata: {name: A}\n", Want: "stdin:5: User:default/A is already defined at stdin:1"},
	}, func(in []importer.Input) (*importer.Source, error) { return Read(in, DefaultPlatforms) })
}

// FuzzRead holds the reader to importtest.Contract; the checked-in corpus
// (testdata/fuzz/FuzzRead) holds the fixtures and malformed catalogs.
func FuzzRead(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		importtest.Contract(t, data, func(in []importer.Input) (*importer.Source, error) {
			return Read(in, []Selector{{Kind: "System"}, {Kind: "Component"}})
		})
	})
}
