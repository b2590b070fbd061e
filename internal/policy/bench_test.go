package policy

import (
	"fmt"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/orggen"
	"github.com/orgplane/orgplane/internal/testing/builders"
)

// benchSizes are the organization sizes the engine's benchmarks run at;
// make bench parses their names (docs/performance.md).
var benchSizes = []int{1000, 10000, 100000}

// enterpriseGraph is orggen's Enterprise org of about n objects in namespace
// ns, the shape test/peer runs OPA and conftest on.
func enterpriseGraph(b *testing.B, n int) (*MemoryGraph, orggen.Options) {
	b.Helper()
	opts := orggen.Enterprise(ns, n, 1)
	gen := orggen.Generate(opts)
	objs := make([]metav1.Object, len(gen))
	for i, o := range gen {
		objs[i] = o
	}
	return graph(b, objs...), opts
}

// BenchmarkEvaluate judges a whole namespace: what an Organization's or a
// GovernancePolicy's reconcile and `kubectl org check` do.
func BenchmarkEvaluate(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("objects=%d", n), func(b *testing.B) {
			g, _ := enterpriseGraph(b, n)
			e := newEngine(b)
			var findings int
			b.ReportAllocs()
			for b.Loop() {
				findings = len(e.EvaluateNamespace(g, ns, now).Findings())
			}
			b.ReportMetric(float64(findings), "findings")
		})
	}
}

// BenchmarkEvaluateObject is two reconciles' worth of work, a platform's and
// a team's, in orgs of growing size: the cost must not grow with the org.
func BenchmarkEvaluateObject(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("objects=%d", n), func(b *testing.B) {
			g, opts := enterpriseGraph(b, n)
			e := newEngine(b)
			// Teams are named team-<i> (unit.<i> when i%4 == 3): take one
			// halfway down the list, as deep as a typical team.
			team, platform := teamRef(fmt.Sprintf("team-%d", opts.Teams/2/4*4)), platformRef(fmt.Sprintf("plat-%d", opts.Platforms/2))
			if g.Team(ns, team.Name) == nil || g.Platform(ns, platform.Name) == nil {
				b.Fatalf("%s or %s not generated", team, platform)
			}
			var verdicts int
			b.ReportAllocs()
			for b.Loop() {
				verdicts = len(e.EvaluateObject(g, platform, now).Object(platform).Verdicts) +
					len(e.EvaluateObject(g, team, now).Object(team).Verdicts)
			}
			b.ReportMetric(float64(verdicts), "verdicts")
		})
	}
}

// BenchmarkHierarchy judges a namespace that holds nothing but one
// hierarchy of 100,000 teams and a policy with the TeamStructure rule: a
// chain of parentRefs 100,000 deep, and one cycle through every team.
func BenchmarkHierarchy(b *testing.B) {
	const n = 100000
	for _, shape := range []string{"chain", "cycle"} {
		b.Run(fmt.Sprintf("%s=%d", shape, n), func(b *testing.B) {
			g := graph(b, hierarchyObjects(shape, n)...)
			e := newEngine(b)
			var findings int
			b.ReportAllocs()
			for b.Loop() {
				findings = len(e.EvaluateNamespace(g, ns, now).Findings())
			}
			b.ReportMetric(float64(findings), "findings")
		})
	}
}

// hierarchyObjects is n teams, team-i reporting to team-(i-1) in a chain (team-0
// at the top), or to team-(i+1 mod n) in a cycle, and a policy with the
// TeamStructure rule.
func hierarchyObjects(shape string, n int) []metav1.Object {
	out := []metav1.Object{builders.MakeGovernancePolicy("gov", ns).Rules(
		builders.MakeRule("structure", orgv1.RuleTeamStructure).Obj()).Obj()}
	for i := range n {
		t := builders.MakeTeam(fmt.Sprintf("team-%d", i), ns)
		switch {
		case shape == "cycle":
			t.Parent(fmt.Sprintf("team-%d", (i+1)%n))
		case i > 0:
			t.Parent(fmt.Sprintf("team-%d", i-1))
		}
		out = append(out, t.Obj())
	}
	return out
}
