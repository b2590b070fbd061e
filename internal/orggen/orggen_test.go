package orggen

import (
	"bytes"
	"testing"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// TestEnterprise holds the benchmark's org to its description: about n
// objects in the stated proportions, the same bytes for the same seed.
func TestEnterprise(t *testing.T) {
	objs := Generate(Enterprise("acme", 2000, 1))
	count := map[orgv1.Kind]int{}
	for _, o := range objs {
		k, _ := orgv1.KindOf(o)
		count[k]++
	}
	if len(objs) < 1990 || len(objs) > 2010 || count[orgv1.KindTeam] != 1400 || count[orgv1.KindPlatform] != 300 ||
		count[orgv1.KindResponsibilityMatrix] != 200 || count[orgv1.KindOrganization] != 1 {
		t.Errorf("%d objects: %v", len(objs), count)
	}
	var a, b bytes.Buffer
	if err := WriteYAML(&a, objs, true); err != nil {
		t.Fatal(err)
	}
	if err := WriteYAML(&b, Generate(Enterprise("acme", 2000, 1)), true); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("the same seed wrote different YAML")
	}
}
