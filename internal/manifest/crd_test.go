package manifest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/orgplane/orgplane/internal/testing/repo"
)

// The loader reads required fields off the Go types and applies defaults in
// Go, rather than carrying a copy of the CRDs; these tests hold both to the
// generated CRDs, so that the plugin rejects and defaults exactly what the
// apiserver does.

// crdSchema is one kind's openAPIV3Schema from config/crd/bases.
type crdSchema struct {
	kind   string
	schema map[string]any
}

func crdSchemas(t *testing.T) []crdSchema {
	t.Helper()
	files, err := filepath.Glob(repo.Path("config", "crd", "bases", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no CRDs: %v", err)
	}
	var out []crdSchema
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var crd struct {
			Spec struct {
				Names    struct{ Kind string }
				Versions []struct {
					Name   string
					Schema struct {
						OpenAPIV3Schema map[string]any `json:"openAPIV3Schema"`
					}
				}
			}
		}
		if err := sigsyaml.Unmarshal(data, &crd); err != nil {
			t.Fatal(err)
		}
		for _, v := range crd.Spec.Versions {
			if v.Name == "v1alpha1" {
				out = append(out, crdSchema{crd.Spec.Names.Kind, v.Schema.OpenAPIV3Schema})
			}
		}
	}
	return out
}

// walkSchema calls visit for every property below s, with its path
// ("[]" for array items) and its schema, and whether its parent requires it.
func walkSchema(s map[string]any, path []string, visit func(path []string, s map[string]any, required bool)) {
	if items, ok := s["items"].(map[string]any); ok {
		walkSchema(items, append(slices.Clone(path), "[]"), visit)
	}
	props, _ := s["properties"].(map[string]any)
	req, _ := s["required"].([]any)
	for name, p := range props {
		if len(path) == 0 && (name == "metadata" || name == "status") {
			continue
		}
		child := append(slices.Clone(path), name)
		ps := p.(map[string]any)
		visit(child, ps, slices.Contains(req, any(name)))
		walkSchema(ps, child, visit)
	}
}

func TestRequiredFieldsMatchCRDs(t *testing.T) {
	for _, crd := range crdSchemas(t) {
		var want []string
		walkSchema(crd.schema, nil, func(path []string, _ map[string]any, required bool) {
			if required {
				want = append(want, strings.Join(path, "."))
			}
		})
		var got []string
		for _, p := range requiredFields(newObject(crd.kind)) {
			got = append(got, strings.Join(p, "."))
		}
		slices.Sort(want)
		slices.Sort(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: required fields (-CRD +Go types):\n%s", crd.kind, diff)
		}
	}
}

func TestDefaultsMatchCRDs(t *testing.T) {
	for _, crd := range crdSchemas(t) {
		want := map[string]any{}
		doc := map[string]any{}
		walkSchema(crd.schema, nil, func(path []string, s map[string]any, _ bool) {
			if d, ok := s["default"]; ok {
				want[strings.Join(path, ".")] = d
				makeParents(doc, path)
			}
		})
		obj := newObject(crd.kind)
		js, _ := json.Marshal(doc)
		if err := json.Unmarshal(js, obj); err != nil {
			t.Fatal(err)
		}
		applyDefaults(obj)
		var after map[string]any
		js, _ = json.Marshal(obj)
		if err := json.Unmarshal(js, &after); err != nil {
			t.Fatal(err)
		}
		got := map[string]any{}
		collectLeaves(after["spec"], "spec", got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: defaults (-CRD +applyDefaults):\n%s", crd.kind, diff)
		}
	}
}

// makeParents creates the objects and one-item lists that hold path.
func makeParents(m map[string]any, path []string) {
	for i, seg := range path[:len(path)-1] {
		if seg == "[]" {
			continue
		}
		if path[i+1] == "[]" {
			l, _ := m[seg].([]any)
			if len(l) == 0 {
				l = []any{map[string]any{}}
				m[seg] = l
			}
			m = l[0].(map[string]any)
			continue
		}
		next, _ := m[seg].(map[string]any)
		if next == nil {
			next = map[string]any{}
			m[seg] = next
		}
		m = next
	}
}

// collectLeaves records the non-zero scalars below v by path.
func collectLeaves(v any, path string, out map[string]any) {
	switch v := v.(type) {
	case map[string]any:
		for k, c := range v {
			collectLeaves(c, path+"."+k, out)
		}
	case []any:
		for _, c := range v {
			collectLeaves(c, path+".[]", out)
		}
	default:
		if v != nil && !reflect.ValueOf(v).IsZero() {
			out[path] = v
		}
	}
}
