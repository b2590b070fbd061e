package check

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/manifest"
	"github.com/orgplane/orgplane/internal/orggen"
	"github.com/orgplane/orgplane/internal/policy"
	"github.com/orgplane/orgplane/internal/testing/builders"
)

// BenchmarkCheck times what `kubectl org check -f DIR -o json` does, from
// reading the files to writing the findings, on a directory of copies of
// testdata/org/acme.yaml (7 objects and a policy), one namespace and one
// file each. Results are in docs/performance.md.
func BenchmarkCheck(b *testing.B) {
	acme, err := os.ReadFile("testdata/org/acme.yaml")
	if err != nil {
		b.Fatal(err)
	}
	for _, copies := range []int{100, 1000} {
		b.Run(fmt.Sprintf("files=%d", copies), func(b *testing.B) {
			dir := b.TempDir()
			for i := range copies {
				doc := strings.ReplaceAll(string(acme), "\nmetadata:\n", fmt.Sprintf("\nmetadata:\n  namespace: org-%d\n", i))
				if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("org-%04d.yaml", i)), []byte(doc), 0o600); err != nil {
					b.Fatal(err)
				}
			}
			benchmarkCheck(b, dir)
		})
	}
}

// BenchmarkCheckEnterprise times the same on one file holding a generated
// org of 10,000 objects in one namespace (orggen.Enterprise, the org that
// test/peer runs OPA and conftest on).
func BenchmarkCheckEnterprise(b *testing.B) {
	benchmarkCheck(b, writeOrg(b, orggen.Generate(orggen.Enterprise("acme", 10000, 1))))
}

// BenchmarkCheckHierarchy times the same on one file holding nothing but a
// hierarchy of 100,000 teams and a policy with the TeamStructure rule: a
// chain of parentRefs 100,000 deep, and one cycle through every team.
func BenchmarkCheckHierarchy(b *testing.B) {
	const n = 100000
	for _, shape := range []string{"chain", "cycle"} {
		b.Run(fmt.Sprintf("%s=%d", shape, n), func(b *testing.B) {
			objs := []orgv1.Object{builders.MakeGovernancePolicy("gov", "acme").Rules(
				builders.MakeRule("structure", orgv1.RuleTeamStructure).Obj()).Obj()}
			for i := range n {
				t := builders.MakeTeam(fmt.Sprintf("team-%d", i), "acme")
				switch {
				case shape == "cycle":
					t.Parent(fmt.Sprintf("team-%d", (i+1)%n))
				case i > 0:
					t.Parent(fmt.Sprintf("team-%d", i-1))
				}
				objs = append(objs, t.Obj())
			}
			benchmarkCheck(b, writeOrg(b, objs))
		})
	}
}

// writeOrg writes objs into one block-style YAML file, each with its
// namespace, and returns its path.
func writeOrg(b *testing.B, objs []orgv1.Object) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "org.yaml")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := orggen.WriteYAML(f, objs, true); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// benchmarkCheck times reading path, judging it and writing JSON.
func benchmarkCheck(b *testing.B, path string) {
	b.Helper()
	engine, err := policy.NewEngine(policy.Options{})
	if err != nil {
		b.Fatal(err)
	}
	var objects, findings int
	b.ReportAllocs()
	for b.Loop() {
		set, err := manifest.Load([]string{path}, manifest.Options{Namespace: "default"})
		if err != nil {
			b.Fatal(err)
		}
		res, err := Evaluate(set, engine, now)
		if err != nil {
			b.Fatal(err)
		}
		if err := Formats["json"](io.Discard, res, Options{FailOn: FailOnEnforce}); err != nil {
			b.Fatal(err)
		}
		objects, findings = res.Read, len(res.Findings())
	}
	b.ReportMetric(float64(objects), "objects")
	b.ReportMetric(float64(findings), "findings")
}
