package e2e

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/orgplane/orgplane/internal/testing/testenv"
)

// TestApplyOrderNeverChangesTheOutcome applies the sample org one object at a
// time, as a GitOps tool may, in several orders (children before parents,
// policies first, policies last, shuffled) and requires the same final
// status every time.
func TestApplyOrderNeverChangesTheOutcome(t *testing.T) {
	docs := sampleDocuments(t)
	isPolicy := func(d string) bool { return strings.Contains(d, "kind: GovernancePolicy") }
	orders := map[string][]string{
		"as written":         docs,
		"reversed":           reversed(docs),
		"policies first":     append(slices.DeleteFunc(slices.Clone(docs), func(d string) bool { return !isPolicy(d) }), slices.DeleteFunc(slices.Clone(docs), isPolicy)...),
		"policies last":      append(slices.DeleteFunc(slices.Clone(docs), isPolicy), slices.DeleteFunc(slices.Clone(docs), func(d string) bool { return !isPolicy(d) })...),
		"shuffled (seed 1)":  shuffled(docs, 1),
		"shuffled (seed 42)": shuffled(docs, 42),
	}
	var first map[string]any
	var firstName string
	for _, name := range slices.Sorted(maps.Keys(orders)) {
		ns := env.Namespace(t, "order-")
		dir := t.TempDir()
		for i, d := range orders[name] {
			file := filepath.Join(dir, fmt.Sprintf("%02d.yaml", i))
			if err := os.WriteFile(file, []byte(d), 0o600); err != nil {
				t.Fatal(err)
			}
			env.Kubectl(t, "apply", "-n", ns, "-f", file)
		}
		got := settledStatus(t, ns)
		if first == nil {
			first, firstName = got, name
			continue
		}
		if diff := cmp.Diff(first, got); diff != "" {
			t.Errorf("applying %q gave another outcome than %q (-%s +%s):\n%s", name, firstName, firstName, name, diff)
		}
	}
}

// sampleDocuments splits config/samples into one YAML document per object.
func sampleDocuments(t *testing.T) []string {
	t.Helper()
	var docs []string
	for _, d := range strings.Split(string(testenv.Kustomize(t, "config/samples")), "\n---\n") {
		if strings.TrimSpace(d) != "" {
			docs = append(docs, d)
		}
	}
	return docs
}

// settledStatus waits until every object's status stops changing and
// returns the statuses by kind/name, without timestamps.
func settledStatus(t *testing.T, ns string) map[string]any {
	t.Helper()
	var previous string
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		out := env.Kubectl(t, "get", "orgplane", "-n", ns, "-o", "json")
		if out == previous && !strings.Contains(out, `"observedGeneration": 0`) {
			return normalize(t, out)
		}
		previous = out
		time.Sleep(time.Second)
	}
	t.Fatalf("statuses in %s did not settle", ns)
	return nil
}

func normalize(t *testing.T, list string) map[string]any {
	t.Helper()
	var l unstructured.UnstructuredList
	if err := l.UnmarshalJSON([]byte(list)); err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	for _, item := range l.Items {
		st, _, _ := unstructured.NestedMap(item.Object, "status")
		conds, _, _ := unstructured.NestedSlice(st, "conditions")
		for _, c := range conds {
			delete(c.(map[string]any), "lastTransitionTime")
		}
		_ = unstructured.SetNestedSlice(st, conds, "conditions")
		out[item.GetKind()+"/"+item.GetName()] = st
	}
	return out
}

func reversed(s []string) []string { r := slices.Clone(s); slices.Reverse(r); return r }

func shuffled(s []string, seed uint64) []string {
	r := slices.Clone(s)
	rand.New(rand.NewPCG(seed, seed)).Shuffle(len(r), func(i, j int) { r[i], r[j] = r[j], r[i] })
	return r
}
