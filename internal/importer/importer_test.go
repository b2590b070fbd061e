package importer

import (
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/testing/repo"
)

// TestEnumsMatchCRDs holds Functions, Types and Categories to the enums of
// the CRDs in config/crd/bases.
func TestEnumsMatchCRDs(t *testing.T) {
	enum := func(file string, path ...string) []string {
		data, err := os.ReadFile(repo.Path("config", "crd", "bases", file))
		if err != nil {
			t.Fatal(err)
		}
		var crd map[string]any
		if err := yaml.Unmarshal(data, &crd); err != nil {
			t.Fatal(err)
		}
		n := crd["spec"].(map[string]any)["versions"].([]any)[0].(map[string]any)["schema"].(map[string]any)["openAPIV3Schema"]
		for _, p := range path {
			n = n.(map[string]any)["properties"].(map[string]any)[p]
		}
		var out []string
		for _, v := range n.(map[string]any)["enum"].([]any) {
			out = append(out, v.(string))
		}
		return out
	}
	for _, c := range []struct {
		got  []string
		want []string
	}{
		{toStrings(Functions), enum("org.orgplane.io_teams.yaml", "spec", "function")},
		{toStrings(Types), enum("org.orgplane.io_teams.yaml", "spec", "type")},
		{toStrings(Categories), enum("org.orgplane.io_platforms.yaml", "spec", "category")},
	} {
		if diff := cmp.Diff(c.want, c.got); diff != "" {
			t.Errorf("(-CRD +importer):\n%s", diff)
		}
	}
	for word, ty := range typeTable {
		if !slices.Contains(Types, ty) {
			t.Errorf("typeTable[%q] = %q, no type", word, ty)
		}
	}
}

func people(n int) []Person {
	out := make([]Person, n)
	for i := range out {
		out[i] = Person{Name: fmt.Sprintf("person %d", i)}
	}
	return out
}

func toStrings[T ~string](l []T) []string {
	out := make([]string, len(l))
	for i, v := range l {
		out[i] = string(v)
	}
	return out
}

func TestKebab(t *testing.T) {
	for in, want := range map[string]string{
		"CenterOfExcellence": "center-of-excellence", "AIML": "aiml", "CDP": "cdp", "IT": "it",
		"MarketingAutomation": "marketing-automation", "DataWarehouse": "data-warehouse", "HRTeam": "hr-team",
	} {
		if got := kebab(in); got != want {
			t.Errorf("kebab(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseMap(t *testing.T) {
	got, err := ParseMap("type-map", []string{"Squad=tigerteam, coe=CenterOfExcellence", "bu=BusinessUnit"}, Types)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]orgv1.TeamType{"squad": "TigerTeam", "coe": "CenterOfExcellence", "bu": "BusinessUnit"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, bad := range []string{"squad", "=Department", "squad=Tribe"} {
		if _, err := ParseMap("type-map", []string{bad}, Types); err == nil {
			t.Errorf("ParseMap(%q): no error", bad)
		}
	}
}

// TestBuild covers the choices Build makes, table-driven: what the source
// says wins, then the maps, then the table, then the defaults, each guess
// listed; members are unique by name; parents and owners that name no team
// are warnings.
func TestBuild(t *testing.T) {
	at := Location{File: "f", Line: 1}
	for _, c := range []struct {
		name     string
		src      Source
		opts     Options
		want     func(*Result) any
		expected any
		guesses  int
		warnings int
	}{
		{
			name: "source function and type",
			src:  Source{Teams: []Team{{Key: "a", Name: "A", Function: "legal", Type: "business-unit", At: at}}},
			want: func(r *Result) any {
				return []any{r.Teams[0].Spec.Function, r.Teams[0].Spec.Type, r.Teams[0].Spec.DisplayName}
			},
			expected: []any{orgv1.TeamFunction("Legal"), orgv1.TeamType("BusinessUnit"), "A"},
		},
		{
			name:     "maps by source word and name",
			src:      Source{Teams: []Team{{Key: "a", Name: "web", Function: "mktg", Type: "tribe", At: at}}},
			opts:     Options{FunctionMap: map[string]orgv1.TeamFunction{"mktg": "Marketing"}, TypeMap: map[string]orgv1.TeamType{"web": "DigitalUnit"}},
			want:     func(r *Result) any { return []any{r.Teams[0].Spec.Function, r.Teams[0].Spec.Type} },
			expected: []any{orgv1.TeamFunction("Marketing"), orgv1.TeamType("DigitalUnit")},
		},
		{
			name: "table and defaults are guesses",
			src:  Source{Teams: []Team{{Key: "a", Name: "web", Function: "mktg", Type: "squad", At: at}, {Key: "b", Name: "ops", At: at}}},
			want: func(r *Result) any {
				return []any{r.Teams[0].Spec.Function, r.Teams[0].Spec.Type, r.Teams[1].Spec.Function, r.Teams[1].Spec.Type}
			},
			expected: []any{orgv1.TeamFunction("Other"), orgv1.TeamType("Department"), orgv1.TeamFunction("Other"), orgv1.TeamType("Department")},
			guesses:  4,
		},
		{
			name: "members unique, lead a member, bad e-mail dropped",
			src: Source{Teams: []Team{{Key: "a", Name: "a", Function: "IT", Type: "Department", At: at,
				Leads:   []Person{{Name: "Zoë", Email: "zoe@example.com"}},
				Members: []Person{{Name: "Ann"}, {Name: "Ann", Email: "ann@example.com"}, {Name: "Bo", Email: "bo at example"}}}}},
			want:     func(r *Result) any { return r.Teams[0].Spec.Members },
			expected: []orgv1.Person{{Name: "Zoë", Email: "zoe@example.com"}, {Name: "Ann", Email: "ann@example.com"}, {Name: "Bo"}},
			warnings: 1,
		},
		{
			name: "members cut to the API's bound, the lead kept; a nameless lead is none",
			src: Source{Teams: []Team{
				{Key: "a", Name: "a", Function: "IT", Type: "Department", At: at, Leads: []Person{{Name: "Lead"}}, Members: people(600)},
				{Key: "b", Name: "b", Function: "IT", Type: "Department", At: at, Leads: []Person{{Name: "\x00"}}},
			}},
			want: func(r *Result) any {
				return []any{len(r.Teams[0].Spec.Members), r.Teams[0].Spec.Members[0].Name, r.Teams[1].Spec.Lead, len(r.Teams[1].Spec.Members)}
			},
			expected: []any{500, "Lead", (*orgv1.Person)(nil), 0},
			warnings: 2,
		},
		{
			name: "dangling parent and owner",
			src: Source{
				Teams:     []Team{{Key: "a", Name: "a", Function: "IT", Type: "Department", Parent: "nope", At: at}},
				Platforms: []Platform{{Key: "p", Name: "p", Owner: "nope", Kinds: []string{"system:cdp", "system"}, At: at}},
			},
			want: func(r *Result) any {
				return []any{r.Teams[0].Spec.ParentRef, r.Platforms[0].Spec.OwnerRef, r.Platforms[0].Spec.Category}
			},
			expected: []any{(*orgv1.TeamRef)(nil), (*orgv1.TeamRef)(nil), orgv1.PlatformCategory("CDP")},
			warnings: 2,
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := Build(&c.src, c.opts)
			if diff := cmp.Diff(c.expected, c.want(res)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if len(res.Guesses) != c.guesses || len(res.Warnings) != c.warnings {
				t.Errorf("guesses %v, warnings %v: want %d and %d", res.Guesses, res.Warnings, c.guesses, c.warnings)
			}
		})
	}
}
