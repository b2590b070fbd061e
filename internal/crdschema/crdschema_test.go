package crdschema

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/util/json"
	"k8s.io/apimachinery/pkg/util/validation/field"
	sigsyaml "sigs.k8s.io/yaml"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/testing/builders"
	"github.com/orgplane/orgplane/internal/testing/repo"
)

// unstructuredOf is obj as the apiserver decodes it from JSON.
func unstructuredOf(t *testing.T, obj orgv1.Object) map[string]any {
	t.Helper()
	k, ok := orgv1.KindOf(obj)
	if !ok {
		t.Fatalf("%T is no orgplane kind", obj)
	}
	obj.GetObjectKind().SetGroupVersionKind(orgv1.GroupVersion.WithKind(string(k)))
	js, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	return jsonObject(t, js)
}

// jsonObject decodes a JSON object as the apiserver hands it to validation.
func jsonObject(t *testing.T, js []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(js, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// samples are the documents of config/samples, each in namespace default.
func samples(t *testing.T) []map[string]any {
	t.Helper()
	files, err := filepath.Glob(repo.Path("config", "samples", "org_*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no samples: %v", err)
	}
	var out []map[string]any
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for {
			var doc yaml.Node
			if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			text, err := yaml.Marshal(&doc)
			if err != nil {
				t.Fatal(err)
			}
			js, err := sigsyaml.YAMLToJSONStrict(text)
			if err != nil {
				t.Fatal(err)
			}
			m := jsonObject(t, js)
			m["metadata"].(map[string]any)["namespace"] = "default"
			out = append(out, m)
		}
	}
	return out
}

// TestValidObjectsPass: every sample of config/samples and a builder's
// object of each kind pass, so every kind has a validator and valid input
// is not rejected.
func TestValidObjectsPass(t *testing.T) {
	objs := samples(t)
	for _, o := range []orgv1.Object{
		builders.MakeOrganization("org", "ns").Obj(),
		builders.MakeTeam("team", "ns").Parent("root").DottedLines("data").
			Lead(builders.Person("Ann", "")).Members(builders.Person("Ann", ""), builders.Person("Bob", "other/team")).Obj(),
		builders.MakePlatform("cdp", "ns").Owner("marketing").Committee("steering").Obj(),
		builders.MakeSteeringCommittee("board", "ns").Obj(),
		builders.MakeResponsibilityMatrix("raci", "ns").Obj(),
		builders.MakeGovernancePolicy("gov", "ns").Rules(
			builders.MakeRule("owned", orgv1.RulePlatformOwnership).Obj(),
			builders.MakeCELRule("cel", "has(object.spec)", "no spec").MatchKinds(orgv1.KindTeam).Obj()).Obj(),
	} {
		objs = append(objs, unstructuredOf(t, o))
	}
	kinds := map[string]bool{}
	for _, o := range objs {
		kinds[o["kind"].(string)] = true
		meta := o["metadata"].(map[string]any)
		if errs := Validate(t.Context(), o); len(errs) > 0 {
			t.Errorf("%s %s: %v", o["kind"], meta["name"], errs.ToAggregate())
		}
	}
	if len(kinds) != len(orgv1.Kinds) {
		t.Errorf("judged kinds %v, want all %d", kinds, len(orgv1.Kinds))
	}
}

// problem is one error as the apiserver reports it: its field and type.
type problem struct {
	Field string
	Type  field.ErrorType
}

// TestViolations: each kind of schema violation is the apiserver's error at
// the apiserver's field path.
func TestViolations(t *testing.T) {
	team := func(edit func(spec map[string]any)) func(*testing.T) map[string]any {
		return func(t *testing.T) map[string]any {
			o := unstructuredOf(t, builders.MakeTeam("team", "ns").Obj())
			edit(o["spec"].(map[string]any))
			return o
		}
	}
	policy := func(rule map[string]any) func(*testing.T) map[string]any {
		return func(t *testing.T) map[string]any {
			o := unstructuredOf(t, builders.MakeGovernancePolicy("gov", "ns").Obj())
			o["spec"].(map[string]any)["rules"] = []any{rule}
			return o
		}
	}
	refs := func(n int) []any {
		var l []any
		for i := range n {
			l = append(l, map[string]any{"name": "t" + strings.Repeat("x", i)})
		}
		return l
	}
	invalid := field.ErrorTypeInvalid
	// notChecked is the apiserver's note, at no field, that the CEL rules
	// were not run after a blocking error.
	notChecked := problem{"<nil>", invalid}
	cases := []struct {
		name string
		obj  func(*testing.T) map[string]any
		want []problem
	}{
		{"enum", team(func(s map[string]any) { s["function"] = "Wizardry" }),
			[]problem{{"spec.function", field.ErrorTypeNotSupported}, notChecked}},
		{"maxItems", team(func(s map[string]any) { s["dottedLineRefs"] = refs(33) }),
			[]problem{{"spec.dottedLineRefs", field.ErrorTypeTooMany}, notChecked}},
		{"maxLength", team(func(s map[string]any) { s["displayName"] = strings.Repeat("x", 257) }),
			[]problem{{"spec.displayName", field.ErrorTypeTooLong}, notChecked}},
		{"pattern", team(func(s map[string]any) { s["parentRef"] = map[string]any{"name": "Bad_Name"} }),
			[]problem{{"spec.parentRef.name", invalid}}},
		{"email format", team(func(s map[string]any) { s["lead"] = map[string]any{"name": "Ann", "email": "not-an-email"} }),
			[]problem{{"spec.lead.email", field.ErrorTypeTypeInvalid}, notChecked}},
		{"duplicate list-map key", team(func(s map[string]any) {
			s["members"] = []any{map[string]any{"name": "Ann"}, map[string]any{"name": "Ann", "email": "ann@example.com"}}
		}), []problem{{"spec.members[1]", field.ErrorTypeDuplicate}}},
		{"CEL rule of the CRD", team(func(s map[string]any) { s["parentRef"] = map[string]any{"name": "team"} }),
			[]problem{{"spec.parentRef.name", invalid}}},
		{"null of a non-nullable field is dropped, as the apiserver does", team(func(s map[string]any) { s["members"] = nil }), nil},
		{"minimum", policy(map[string]any{"name": "temp", "type": "TemporaryTeam", "params": map[string]any{"noticeDays": int64(-1)}}),
			[]problem{{"spec.rules[0].params.noticeDays", invalid}}},
		{"CEL rule on a list item", policy(map[string]any{"name": "r", "type": "TeamStructure", "cel": map[string]any{"expression": "false"}}),
			[]problem{{"spec.rules[0].cel", field.ErrorTypeForbidden}}},
		{"CEL rule without kinds", policy(map[string]any{"name": "r", "type": "CEL", "cel": map[string]any{"expression": "true"}}),
			[]problem{{"spec.rules[0].match.kinds", field.ErrorTypeRequired}}},
		{"invalid name", func(t *testing.T) map[string]any {
			return unstructuredOf(t, builders.MakeTeam("Bad_Name", "ns").Obj())
		}, []problem{{"metadata.name", invalid}}},
		{"overlong name", func(t *testing.T) map[string]any {
			return unstructuredOf(t, builders.MakeTeam(strings.Repeat("n", 254), "ns").Obj())
		}, []problem{{"metadata.name", invalid}}},
		{"annotations over 256 KiB", func(t *testing.T) map[string]any {
			o := unstructuredOf(t, builders.MakeTeam("team", "ns").Obj())
			o["metadata"].(map[string]any)["annotations"] = map[string]any{"blob": strings.Repeat("z", 300<<10)}
			return o
		}, []problem{{"metadata.annotations", field.ErrorTypeTooLong}, notChecked}},
		{"no namespace", func(t *testing.T) map[string]any {
			return unstructuredOf(t, builders.MakeTeam("team", "").Obj())
		}, []problem{{"metadata.namespace", field.ErrorTypeRequired}, notChecked}},
		{"unknown kind", func(t *testing.T) map[string]any {
			o := unstructuredOf(t, builders.MakeTeam("team", "ns").Obj())
			o["kind"] = "Tribe"
			return o
		}, []problem{{"kind", field.ErrorTypeNotSupported}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []problem
			for _, e := range Validate(t.Context(), tc.obj(t)) {
				got = append(got, problem{e.Field, e.Type})
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDefaults: the CRD's defaults are applied before judging, as the
// apiserver's decoder applies them.
func TestDefaults(t *testing.T) {
	o := unstructuredOf(t, builders.MakePlatform("cdp", "ns").Obj())
	delete(o["spec"].(map[string]any), "tier")
	if errs := Validate(t.Context(), o); len(errs) > 0 {
		t.Fatal(errs.ToAggregate())
	}
	if got := o["spec"].(map[string]any)["tier"]; got != string(orgv1.TierEngagement) {
		t.Errorf("spec.tier = %v, want the CRD's default %s", got, orgv1.TierEngagement)
	}
}
