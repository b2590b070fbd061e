package policy

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/testing/builders"
)

// placeView is what a test reads off a team's place: the cycle from the
// team (namespace/name), and its nearest marked teams up the solid line.
type placeView struct {
	Cycle                  []string
	BU, CoE, IT, Marketing string
}

func viewPlace(p *place) placeView {
	name := func(t teamName) string { return t.namespace + "/" + t.name }
	nearest := func(m mark) string {
		if t := p.nearest[m]; t != nil {
			return name(t.teamName)
		}
		return ""
	}
	v := placeView{BU: nearest(markBusinessUnit), CoE: nearest(markCenterOfExcellence),
		IT: nearest(markIT), Marketing: nearest(markMarketing)}
	if c := p.cycle; c != nil {
		for i := range c.teams {
			v.Cycle = append(v.Cycle, name(c.teams[(p.at+i)%len(c.teams)]))
		}
	}
	return v
}

func TestHierarchy(t *testing.T) {
	team := builders.MakeTeam // a Marketing team unless told
	teams := []*orgv1.Team{
		// A chain: d -> c -> b -> a.
		team("a", ns).Type("BusinessUnit").Function("IT").Obj(),
		team("b", ns).Function("Marketing").Parent("a").Obj(),
		team("c", ns).Function("Data").Type("CenterOfExcellence").Parent("b").Obj(),
		team("d", ns).Function("Data").Parent("c").Obj(),
		// A cycle x -> y -> z -> x, and w below it.
		team("x", ns).Function("Data").Parent("y").Obj(),
		team("y", ns).Function("Data").Type("BusinessUnit").Parent("z").Obj(),
		team("z", ns).Function("IT").Parent("x").Obj(),
		team("w", ns).Function("Marketing").Parent("x").Obj(),
		// A team that is its own parent, and one whose parent is missing.
		team("self", ns).Function("Data").Parent("self").Obj(),
		team("orphan", ns).Function("IT").Parent("ghost").Obj(),
		// Parents in another namespace: a chain, and a cycle through both.
		team("o", "other").Function("Data").Type("CenterOfExcellence").Obj(),
		team("p", ns).Function("Data").Parent("other/o").Obj(),
		team("q", ns).Function("Data").Parent("other/r").Obj(),
		team("r", "other").Function("Marketing").Parent(ns + "/q").Obj(),
	}
	want := map[string]placeView{
		"acme/a":      {BU: "acme/a", IT: "acme/a"},
		"acme/b":      {BU: "acme/a", IT: "acme/a", Marketing: "acme/b"},
		"acme/c":      {BU: "acme/a", CoE: "acme/c", IT: "acme/a", Marketing: "acme/b"},
		"acme/d":      {BU: "acme/a", CoE: "acme/c", IT: "acme/a", Marketing: "acme/b"},
		"acme/x":      {Cycle: []string{"acme/x", "acme/y", "acme/z"}, BU: "acme/y", IT: "acme/z"},
		"acme/y":      {Cycle: []string{"acme/y", "acme/z", "acme/x"}, BU: "acme/y", IT: "acme/z"},
		"acme/z":      {Cycle: []string{"acme/z", "acme/x", "acme/y"}, BU: "acme/y", IT: "acme/z"},
		"acme/w":      {BU: "acme/y", IT: "acme/z", Marketing: "acme/w"},
		"acme/self":   {Cycle: []string{"acme/self"}},
		"acme/orphan": {IT: "acme/orphan"},
		"other/o":     {CoE: "other/o"},
		"acme/p":      {CoE: "other/o"},
		"acme/q":      {Cycle: []string{"acme/q", "other/r"}, Marketing: "other/r"},
		"other/r":     {Cycle: []string{"other/r", "acme/q"}, Marketing: "other/r"},
	}
	objs := make([]metav1.Object, len(teams))
	for i, t := range teams {
		objs[i] = t
	}
	g := graph(t, objs...)
	// Places must not depend on the order teams are placed in, which
	// decides where each walk starts and stops.
	reversed := slices.Clone(teams)
	slices.Reverse(reversed)
	for _, order := range [][]*orgv1.Team{teams, reversed} {
		h := newHierarchy(g)
		got := map[string]placeView{}
		for _, tm := range order {
			got[tm.Namespace+"/"+tm.Name] = viewPlace(h.place(g.Team(tm.Namespace, tm.Name)))
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("places, starting at %s (-want +got):\n%s", order[0].Name, diff)
		}
	}
}

// TestLongCycle: a cycle of 100,000 teams is found, each team's message
// names five teams and the cycle's length, and no message grows with it.
func TestLongCycle(t *testing.T) {
	const n = 100000
	ev := newEngine(t).EvaluateNamespace(graph(t, hierarchyObjects("cycle", n)...), ns, now)
	findings := ev.Findings()
	if len(findings) != 2*n {
		t.Fatalf("%d findings, want %d (integrity and TeamStructure on every team)", len(findings), 2*n)
	}
	for _, f := range findings {
		if len(f.Violation.Message) > 200 {
			t.Fatalf("message of %d bytes: %s", len(f.Violation.Message), f.Violation.Message)
		}
	}
	got := ev.Object(teamRef("team-99998")).Violations()
	msg := `team "team-99998": spec.parentRef: team is on a cycle of parentRefs: "team-99998" -> "team-99999" -> "team-0" -> "team-1" -> "team-2" -> ... and 99,995 more; cycle of 100,000 teams`
	want := []orgv1.Violation{
		builtin(msg),
		{Policy: "gov", Rule: "structure", Severity: orgv1.SeverityMedium, Enforcement: orgv1.EnforcementAudit, Message: msg},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("violations of team-99998 (-want +got):\n%s", diff)
	}
}

// TestDeepChain: a chain of 100,000 teams is no cycle, and its deepest team
// belongs to the BusinessUnit at the top.
func TestDeepChain(t *testing.T) {
	const n = 100000
	objs := hierarchyObjects("chain", n)
	objs[1].(*orgv1.Team).Spec.Type = orgv1.TeamTypeBusinessUnit // team-0, under the policy
	g := graph(t, objs...)
	if fs := newEngine(t).EvaluateNamespace(g, ns, now).Findings(); len(fs) != 0 {
		t.Errorf("findings on a chain: %v", fs[0])
	}
	got := UnitsOf(g)(g.Team(ns, "team-99999"))
	if diff := cmp.Diff(Unit{Head: teamRef("team-0"), Type: orgv1.UnitBusinessUnit}, got); diff != "" {
		t.Errorf("unit of the deepest team (-want +got):\n%s", diff)
	}
}
