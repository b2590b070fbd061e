package backstage

import (
	"bytes"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/importer"
	bsimport "github.com/orgplane/orgplane/internal/importer/backstage"
	"github.com/orgplane/orgplane/internal/importer/importtest"
	"github.com/orgplane/orgplane/internal/manifest"
	"github.com/orgplane/orgplane/internal/orggen"
	"github.com/orgplane/orgplane/internal/policy"
	"github.com/orgplane/orgplane/internal/testing/builders"
	"github.com/orgplane/orgplane/internal/testing/catalog"
	"github.com/orgplane/orgplane/internal/testing/repo"
)

// now is a fixed time, so that the engine's judgement does not move.
var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// samples is config/samples in namespace acme.
func samples(t testing.TB) *policy.MemoryGraph {
	t.Helper()
	set, err := manifest.Load([]string{repo.Path("config", "samples")}, manifest.Options{Namespace: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	g, err := set.Graph()
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// accents is an org whose names people write in their own scripts, with
// long names, a cross-namespace parent, a parent that does not exist, people
// without e-mail, two people of one e-mail local part, and an unowned
// platform.
func accents(t testing.TB) *policy.MemoryGraph {
	t.Helper()
	long := strings.Repeat("plateforme-", 8) + "donnees"
	objs := []metav1.Object{
		builders.MakeOrganization("groupe", "fr").DisplayName("Groupe Données & Cie").Model(orgv1.ModelCentralized).Obj(),
		builders.MakeTeam("direction", "fr").DisplayName("Direction Générale").Function("Executive").Type("Department").
			Lead(orgv1.Person{Name: "Anaïs Lefèvre", Email: "anais@example.fr"}).
			Members(orgv1.Person{Name: "Anaïs Lefèvre", Email: "anais@example.fr"}).Obj(),
		builders.MakeTeam("equipe-donnees", "fr").DisplayName("Équipe Données").Function("Data").Type("CenterOfExcellence").Parent("direction").
			Members(orgv1.Person{Name: "Zoë Dubois"}, orgv1.Person{Name: "陈伟", Email: "chen@example.cn"}, orgv1.Person{Name: "Chen Wei", Email: "chen@example.fr"}).Obj(),
		builders.MakeTeam(long, "fr").DisplayName("Plateforme").Function("IT").Type("Department").Parent("equipe-donnees").Obj(),
		builders.MakeTeam("fantome", "fr").Function("Other").Type("Department").Parent("nulle-part").Obj(),
		builders.MakeTeam("vertrieb-sud", "de").DisplayName("Vertrieb Süd").Function("Sales").Type("BusinessUnit").Parent("fr/direction").Obj(),
		builders.MakePlatform("cdp", "fr").DisplayName("Plateforme Clients").Category("CDP").Owner("equipe-donnees").Obj(),
		builders.MakePlatform("orphan", "fr").Category("CMS").Obj(),
	}
	g, err := policy.NewMemoryGraph(objs...)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// large is a generated enterprise org of about n objects.
func large(t testing.TB, n int) *policy.MemoryGraph {
	t.Helper()
	var objs []metav1.Object
	for _, o := range orggen.Generate(orggen.Enterprise("big", n, 7)) {
		objs = append(objs, o)
	}
	g, err := policy.NewMemoryGraph(objs...)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func export(t testing.TB, g policy.Graph, opts Options) ([]byte, []Warning) {
	t.Helper()
	engine, err := policy.NewEngine(policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	warnings, err := Export(&b, g, FromEvaluation(engine.Evaluate(g, now)), opts)
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), warnings
}

// TestGolden compares the catalogs of the samples and of the accents org
// with testdata (go test -update rewrites them), and holds the output to
// the same bytes on a second run.
func TestGolden(t *testing.T) {
	link, err := ParseLinkTemplate("https://orgplane.example.com/{{.Namespace}}/{{.Kind}}/{{.Name}}")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name     string
		g        func(testing.TB) *policy.MemoryGraph
		opts     Options
		warnings []string
	}{
		{name: "samples", g: samples, warnings: []string{"Platform acme/web-analytics: no spec.ownerRef that names a team, and a Backstage System needs an owner: not exported"}},
		{name: "accents", g: accents, opts: Options{Link: link}, warnings: []string{
			"Team fr/fantome: spec.parentRef: team fr/nulle-part does not exist; the group is exported without a parent",
			"Platform fr/orphan: no spec.ownerRef that names a team, and a Backstage System needs an owner: not exported",
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, warnings := export(t, c.g(t), c.opts)
			again, _ := export(t, c.g(t), c.opts)
			if !bytes.Equal(got, again) {
				t.Errorf("two exports differ:\n%s", cmp.Diff(string(got), string(again)))
			}
			var ws []string
			for _, w := range warnings {
				ws = append(ws, w.String())
			}
			if diff := cmp.Diff(c.warnings, ws); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
			importtest.Golden(t, filepath.Join("testdata", c.name+".yaml"), got)
		})
	}
}

// TestValidInBackstage validates every exported entity with Backstage's own
// validators and requires zero errors: the samples, the accents org (names
// in other scripts, long names, links), and a large generated org.
func TestValidInBackstage(t *testing.T) {
	link, _ := ParseLinkTemplate("https://orgplane.example.com/{{.Namespace}}/{{.Kind}}/{{.Name}}")
	for _, c := range []struct {
		name string
		g    func(testing.TB) *policy.MemoryGraph
		opts Options
	}{
		{name: "samples", g: samples},
		{name: "accents", g: accents, opts: Options{Link: link}},
		{name: "large", g: func(t testing.TB) *policy.MemoryGraph { return large(t, 3000) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			data, _ := export(t, c.g(t), c.opts)
			want := bytes.Count(data, []byte("\nkind: "))
			n, errs := catalog.Validate(t, data)
			if len(errs) > 0 {
				t.Errorf("%d of Backstage's errors, the first: %s", len(errs), strings.Join(errs[:min(len(errs), 10)], "\n"))
			}
			if n != want {
				t.Errorf("Backstage read %d entities, %d were written", n, want)
			}
		})
	}
}

// kept is what a round trip through Backstage keeps of a Team: its
// name (cut to Backstage's 63 characters, EntityName), display name, function, type, parent (when it resolves in its
// namespace), lead and members; docs/interop.md lists what it drops.
type kept struct {
	Name, DisplayName, Function, Type, Parent string
	Lead                                      *orgv1.Person
	Members                                   []orgv1.Person
}

func keep(t *orgv1.Team, resolves func(string) bool) kept {
	c := kept{Name: EntityName(t.Name), DisplayName: t.Spec.DisplayName, Function: string(t.Spec.Function), Type: string(t.Spec.Type), Lead: t.Spec.Lead}
	if p := t.Spec.ParentRef; p != nil && (p.Namespace == "" || p.Namespace == t.Namespace) && resolves(p.Name) {
		c.Parent = EntityName(p.Name)
	}
	seen := map[string]bool{}
	add := func(p orgv1.Person) {
		if !seen[p.Name] {
			seen[p.Name] = true
			c.Members = append(c.Members, orgv1.Person{Name: p.Name, Email: p.Email})
		}
	}
	for _, m := range t.Spec.Members {
		add(m)
	}
	if t.Spec.Lead != nil {
		lead := orgv1.Person{Name: t.Spec.Lead.Name, Email: t.Spec.Lead.Email}
		c.Lead = &lead
		add(lead)
	}
	slices.SortFunc(c.Members, func(a, b orgv1.Person) int { return strings.Compare(a.Name, b.Name) })
	return c
}

// TestRoundTrip exports each org to Backstage and imports the catalog
// back: every namespace's Teams come back the same, with no guess about a
// team's function or type.
func TestRoundTrip(t *testing.T) {
	for _, c := range []struct {
		name string
		g    func(testing.TB) *policy.MemoryGraph
	}{
		{"samples", samples}, {"accents", accents}, {"large", func(t testing.TB) *policy.MemoryGraph { return large(t, 1000) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := c.g(t)
			published, _ := export(t, g, Options{})
			for _, ns := range g.Namespaces() {
				var want []kept
				for _, tm := range g.Teams(ns) {
					want = append(want, keep(tm, func(n string) bool { return g.Team(ns, n) != nil }))
				}
				slices.SortFunc(want, func(a, b kept) int { return strings.Compare(a.Name, b.Name) })
				src, err := bsimport.Read([]importer.Input{{Name: "catalog-info.yaml", Data: published}}, bsimport.DefaultPlatforms)
				if err != nil {
					t.Fatal(err)
				}
				// One namespace at a time, as a catalog of several is
				// imported into one namespace each.
				src.Teams = slices.DeleteFunc(src.Teams, func(tm importer.Team) bool { return !strings.Contains(tm.Key, ":"+ns+"/") })
				res := importer.Build(src, importer.Options{Namespace: ns})
				var got []kept
				for _, tm := range res.Teams {
					got = append(got, keep(tm, func(string) bool { return true }))
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("namespace %s (-exported +imported):\n%s", ns, diff)
				}
				for _, gs := range res.Guesses {
					if strings.Contains(gs.Msg, ": function ") || strings.Contains(gs.Msg, ": type ") {
						t.Errorf("a guess after a round trip: %s", gs)
					}
				}
			}
		})
	}
}

// BenchmarkExport exports a generated org of 10,000 objects, and imports
// the catalog back (go test -bench . -benchtime 1x for one run).
func BenchmarkExport(b *testing.B) {
	g := large(b, 10000)
	engine, err := policy.NewEngine(policy.Options{})
	if err != nil {
		b.Fatal(err)
	}
	j := FromEvaluation(engine.Evaluate(g, now))
	var published bytes.Buffer
	b.Run("export", func(b *testing.B) {
		for b.Loop() {
			published.Reset()
			if _, err := Export(&published, g, j, Options{}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(bytes.Count(published.Bytes(), []byte("\nkind: "))), "entities")
	})
	b.Run("import", func(b *testing.B) {
		for b.Loop() {
			src, err := bsimport.Read([]importer.Input{{Name: "catalog-info.yaml", Data: published.Bytes()}}, bsimport.DefaultPlatforms)
			if err != nil {
				b.Fatal(err)
			}
			importer.Build(src, importer.Options{Namespace: "big"})
		}
	})
}
