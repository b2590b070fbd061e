package policy

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/testing/builders"
)

// scopedGraph is a MemoryGraph that watches some namespaces only, as the
// controller's graph does under --watch-namespaces: it holds their objects
// and nothing else.
type scopedGraph struct {
	*MemoryGraph
	watched []string
}

func (g scopedGraph) Watches(namespace string) bool { return slices.Contains(g.watched, namespace) }

// TestUnwatchedReferences: a reference into a namespace that the graph does
// not watch reads as outside the watched namespaces, in reference integrity
// and in the rules that report a missing reference, with their severities;
// one that is missing from a watched namespace, or from a graph that watches
// everything (kubectl org check's), still reads as not found.
func TestUnwatchedReferences(t *testing.T) {
	const outside = ` is in a namespace this controller does not watch (--watch-namespaces), so it cannot be resolved`
	pol := builders.MakeGovernancePolicy("gov", ns).Rules(
		builders.MakeRule("structure", orgv1.RuleTeamStructure).Severity(orgv1.SeverityLow).Obj(),
		builders.MakeRule("owned", orgv1.RulePlatformOwnership).Severity(orgv1.SeverityHigh).Obj(),
		builders.MakeRule("governed", orgv1.RulePlatformGoverned).Severity(orgv1.SeverityMedium).Obj(),
		builders.MakeRule("privacy", orgv1.RulePrivacyOwner).Severity(orgv1.SeverityCritical).Obj(),
		builders.MakeRule("raci", orgv1.RuleResponsibilityAssignment).Severity(orgv1.SeverityMedium).Obj(),
	).Obj()
	platform := builders.MakePlatform("crm", ns).Owner("other/owner").Committee("other/steer").
		PersonalData().PrivacyOwner(builders.Person("Dee", "other/dpo")).Obj()
	cases := []struct {
		name    string
		watched []string // nil: a graph that watches every namespace
		objs    []metav1.Object
		obj     ObjectRef
		want    []orgv1.Violation
	}{{
		name:    "team parentRef into an unwatched namespace",
		watched: []string{ns},
		objs:    objs(pol, builders.MakeTeam("a", ns).Parent("other/x").Obj()),
		obj:     teamRef("a"),
		want: []orgv1.Violation{
			builtin(`team "a": spec.parentRef: team "other/x"` + outside),
			v("structure", orgv1.SeverityLow, `team "a": spec.parentRef: parent team "other/x"`+outside),
		},
	}, {
		name: "the same, over a graph that watches everything",
		objs: objs(pol, builders.MakeTeam("a", ns).Parent("other/x").Obj()),
		obj:  teamRef("a"),
		want: []orgv1.Violation{
			builtin(`team "a": spec.parentRef: team "other/x" not found`),
			v("structure", orgv1.SeverityLow, `team "a": spec.parentRef: parent team "other/x" not found`),
		},
	}, {
		name:    "missing from a watched namespace is not found",
		watched: []string{ns, "shared"},
		objs:    objs(pol, builders.MakeTeam("a", ns).Parent("shared/x").Members(builders.Person("Bo", "gone")).Obj()),
		obj:     teamRef("a"),
		want: []orgv1.Violation{
			builtin(`team "a": spec.members[0].teamRef: team "gone" not found`),
			builtin(`team "a": spec.parentRef: team "shared/x" not found`),
			v("structure", orgv1.SeverityLow, `team "a": spec.parentRef: parent team "shared/x" not found`),
		},
	}, {
		name:    "references into a watched namespace resolve",
		watched: []string{ns, "shared"},
		objs:    objs(pol, builders.MakeTeam("x", "shared").Obj(), builders.MakeTeam("a", ns).Parent("shared/x").Obj()),
		obj:     teamRef("a"),
	}, {
		name:    "platform refs",
		watched: []string{ns},
		objs:    objs(pol, platform),
		obj:     platformRef("crm"),
		want: []orgv1.Violation{
			v("privacy", orgv1.SeverityCritical, `platform "crm": spec.privacyOwner.teamRef: team "other/dpo"`+outside),
			builtin(`platform "crm": spec.ownerRef: team "other/owner"` + outside),
			builtin(`platform "crm": spec.privacyOwner.teamRef: team "other/dpo"` + outside),
			builtin(`platform "crm": spec.steeringCommitteeRef: steering committee "other/steer"` + outside),
			v("owned", orgv1.SeverityHigh, `platform "crm": spec.ownerRef: owner team "other/owner"`+outside),
			v("governed", orgv1.SeverityMedium, `platform "crm": spec.steeringCommitteeRef: steering committee "other/steer"`+outside),
		},
	}, {
		name:    "matrix refs",
		watched: []string{ns},
		objs: objs(pol, builders.MakeTeam("ops", ns).Obj(), builders.MakeResponsibilityMatrix("m", ns).Platform("other/crm").
			Activities(builders.MakeActivity("Run").Responsible("ops").Accountable("other/lead").Obj()).Obj()),
		obj: mRef,
		want: []orgv1.Violation{
			builtin(`responsibility matrix "m": spec.activities[0].accountable: team "other/lead"` + outside),
			builtin(`responsibility matrix "m": spec.platformRef: platform "other/crm"` + outside),
			v("raci", orgv1.SeverityMedium, `responsibility matrix "m": spec.activities[0].accountable: team "other/lead"`+outside),
		},
	}, {
		name:    "committee and organization refs",
		watched: []string{ns},
		objs:    objs(builders.MakeSteeringCommittee("steer", ns).Members("other/t").Obj()),
		obj:     steerRef,
		want:    []orgv1.Violation{builtin(`steering committee "steer": spec.members[0].teamRef: team "other/t"` + outside)},
	}, {
		name:    "organization executives",
		watched: []string{ns},
		objs:    objs(builders.MakeOrganization("acme", ns).Executive("CIO", builders.Person("Bo", "other/it")).Obj()),
		obj:     acmeRef,
		want:    []orgv1.Violation{builtin(`organization "acme": spec.executives[0].person.teamRef: team "other/it"` + outside)},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var g Graph = graph(t, tc.objs...)
			if tc.watched != nil {
				g = scopedGraph{MemoryGraph: g.(*MemoryGraph), watched: tc.watched}
			}
			got := newEngine(t).EvaluateObject(g, tc.obj, now).Object(tc.obj).Violations()
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("violations (-want +got):\n%s", diff)
			}
		})
	}
}

// TestWatches: a Graph that is not Scoped watches every namespace.
func TestWatches(t *testing.T) {
	g := graph(t)
	s := scopedGraph{MemoryGraph: g, watched: []string{ns}}
	for _, tc := range []struct {
		g    Graph
		ns   string
		want bool
	}{{g, "other", true}, {s, ns, true}, {s, "other", false}} {
		if got := Watches(tc.g, tc.ns); got != tc.want {
			t.Errorf("Watches(%T, %q) = %v, want %v", tc.g, tc.ns, got, tc.want)
		}
	}
}

// TestDangling: an object is dangling when it names an object missing from
// a namespace the graph watches, not when all it names exists or what is
// missing lies in a namespace the graph does not watch.
func TestDangling(t *testing.T) {
	it := builders.MakeTeam("it", ns).Function("IT").Obj()
	cases := []struct {
		name string
		obj  metav1.Object
		want bool
	}{
		{"every reference resolves", builders.MakePlatform("crm", ns).Owner("it").Obj(), false},
		{"no references", builders.MakeTeam("solo", ns).Function("IT").Obj(), false},
		{"a missing owner", builders.MakePlatform("crm", ns).Owner("gone").Obj(), true},
		{"a missing committee beside a present owner", builders.MakePlatform("crm", ns).Owner("it").Committee("steer").Obj(), true},
		{"a missing owner in a namespace not watched", builders.MakePlatform("crm", ns).Owner("other/gone").Obj(), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g, err := NewMemoryGraph(it, tc.obj)
			if err != nil {
				t.Fatal(err)
			}
			if got := Dangling(scopedGraph{MemoryGraph: g, watched: []string{ns}}, tc.obj); got != tc.want {
				t.Errorf("Dangling = %v, want %v", got, tc.want)
			}
		})
	}
}
