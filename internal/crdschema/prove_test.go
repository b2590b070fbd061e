package crdschema

import (
	"encoding/binary"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/util/json"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/orggen"
	"github.com/orgplane/orgplane/internal/testing/builders"
)

// proves runs the prover and the apiserver's code on a copy of obj, as
// Validate does, and fails when the prover finds valid what that code
// faults. It returns the prover's answer.
func proves(t testing.TB, obj map[string]any) bool {
	t.Helper()
	js, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	var o map[string]any
	if err := json.Unmarshal(js, &o); err != nil {
		t.Fatal(err)
	}
	v, _ := decoded(o)
	if v == nil {
		return false
	}
	meta := v.validateObjectMeta(t.Context(), o)
	proved := len(meta) == 0 && v.prover.valid(o, v.structural, true)
	if errs := v.reference(t.Context(), o, meta); proved && len(errs) > 0 {
		t.Errorf("the prover finds valid what the apiserver's code faults (%v):\n%s", errs.ToAggregate(), js)
	}
	return proved
}

// TestProve: the prover proves every object of a generated enterprise org
// and of config/samples valid (so that check pays little for valid
// input), and proves valid none of the thousands of variants of them that
// mutate (mutate) makes, unless the apiserver's code finds no fault in it
// either.
func TestProve(t *testing.T) {
	objs := samples(t)
	for _, o := range orggen.Generate(orggen.Enterprise("ns", 500, 1)) {
		objs = append(objs, unstructuredOf(t, o))
	}
	kinds := map[string]bool{}
	for _, o := range objs {
		if !proves(t, o) {
			t.Errorf("%s %v: not proved valid", o["kind"], o["metadata"])
		}
		kinds[o["kind"].(string)] = true
	}
	if len(kinds) != len(orgv1.Kinds) {
		t.Errorf("proved kinds %v, want all %d", kinds, len(orgv1.Kinds))
	}
	// Each CRD rule broken: the prover must leave every one to the
	// apiserver's code.
	by := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, o := range []orgv1.Object{
		builders.MakeTeam("team", "ns").Parent("team").Obj(),
		builders.MakeTeam("team", "ns").Successor("team").Obj(),
		builders.MakeTeam("team", "ns").DottedLines("data", "team").Obj(),
		builders.MakeOrganization("org", "ns").Model(orgv1.ModelHybrid).Transition(orgv1.ModelHybrid, "", by, "none").Obj(),
		builders.MakeGovernancePolicy("gov", "ns").Rules(builders.MakeRule("no-cel", orgv1.RuleCEL).Obj()).Obj(),
		builders.MakeGovernancePolicy("gov", "ns").Rules(builders.MakeCELRule("no-kinds", "true", "").Obj()).Obj(),
		builders.MakeGovernancePolicy("gov", "ns").Rules(builders.MakeRule("cel-too", orgv1.RulePrivacyOwner).CEL("true", "").Obj()).Obj(),
	} {
		if obj := unstructuredOf(t, o); proves(t, obj) {
			t.Errorf("%s %s breaks a rule, but the prover proved it valid", obj["kind"], o.GetName())
		}
	}
	proved, tried := 0, 0
	for i, o := range objs[:min(len(objs), 120)] {
		for m := range uint32(64) {
			mutated := mutate(o, binary.LittleEndian.AppendUint32([]byte{byte(m)}, m*2654435761+uint32(i)))
			tried++
			if proves(t, mutated) {
				proved++
			}
		}
	}
	t.Logf("%d mutated objects, %d proved valid", tried, proved)
}

// FuzzProve holds the prover to the apiserver's code on objects of every
// kind that the fuzzer's bytes mutate (mutate): what it proves valid, the
// apiserver's code finds no fault with. The seeds (testdata/fuzz/FuzzProve)
// pick each sample and a mutation of each shape.
func FuzzProve(f *testing.F) {
	t := &testing.T{}
	objs := samples(t)
	for i := range objs {
		for shape := range byte(len(mutations)) {
			f.Add(uint8(i), []byte{shape, byte(i), 7})
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, how []byte) {
		proves(t, mutate(objs[int(which)%len(objs)], how))
	})
}

// mutations are the shapes of change mutate makes at a value: each a
// value that a bound, an enum, a pattern, a format, a type or a rule may
// refuse, or accept.
var mutations = []func(v any, salt byte) any{
	func(any, byte) any { return nil },
	func(any, byte) any { return "" },
	func(_ any, s byte) any { return strings.Repeat("a", int(s)%300) },
	func(any, byte) any { return "Not-A-Name" },
	func(any, byte) any { return "x@example.com" },
	func(any, byte) any { return "2026-01-02T03:04:05Z" },
	func(any, byte) any { return "CEL" },
	func(_ any, s byte) any { return int64(s) - 3 },
	func(any, byte) any { return int64(1) << 40 },
	func(any, byte) any { return true },
	func(any, byte) any { return 1.5 },
	func(any, byte) any { return map[string]any{} },
	func(any, byte) any { return []any{} },
	func(v any, _ byte) any { // a list with its first item twice
		if l, ok := v.([]any); ok && len(l) > 0 {
			return append(slices.Clone(l), l[0])
		}
		return v
	},
	func(v any, s byte) any { // a list of many copies
		if l, ok := v.([]any); ok && len(l) > 0 {
			out := slices.Clone(l)
			for range int(s) % 600 {
				out = append(out, l[len(l)-1])
			}
			return out
		}
		return v
	},
	func(v any, _ byte) any { // an object without one of its fields
		if m, ok := v.(map[string]any); ok {
			out := map[string]any{}
			for i, k := range slices.Sorted(maps.Keys(m)) {
				if i > 0 {
					out[k] = m[k]
				}
			}
			return out
		}
		return v
	},
	func(v any, _ byte) any { // an object with an unknown field
		if m, ok := v.(map[string]any); ok {
			out := map[string]any{"unknownField": "x"}
			for k, x := range m {
				out[k] = x
			}
			return out
		}
		return v
	},
	func(any, byte) any { return "team" }, // the name of every builder's and sample's first team: self-references
}

// mutate returns a copy of obj with the value at one of its paths (how's
// first byte picks the shape, the others the path) replaced, and, for a
// Team, sometimes its name set to what its references name.
func mutate(obj map[string]any, how []byte) map[string]any {
	js, _ := json.Marshal(obj)
	var o map[string]any
	_ = json.Unmarshal(js, &o)
	if len(how) == 0 {
		return o
	}
	var paths [][]any
	var walk func(v any, path []any)
	walk = func(v any, path []any) {
		paths = append(paths, slices.Clone(path))
		switch v := v.(type) {
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(v)) {
				walk(v[k], append(path, k))
			}
		case []any:
			for i, x := range v {
				walk(x, append(path, i))
			}
		}
	}
	walk(o, nil)
	pick := 0
	for _, b := range how[1:] {
		pick = (pick*251 + int(b)) % (1 << 20)
	}
	path := paths[pick%len(paths)]
	salt := byte(pick)
	replace := mutations[int(how[0])%len(mutations)]
	if len(path) == 0 {
		return o
	}
	parent := any(o)
	for _, step := range path[:len(path)-1] {
		switch s := step.(type) {
		case string:
			parent = parent.(map[string]any)[s]
		case int:
			parent = parent.([]any)[s]
		}
	}
	switch last := path[len(path)-1].(type) {
	case string:
		m := parent.(map[string]any)
		m[last] = replace(m[last], salt)
	case int:
		l := parent.([]any)
		l[last] = replace(l[last], salt)
	}
	if o["kind"] == "Team" && salt%4 == 0 {
		if meta, ok := o["metadata"].(map[string]any); ok {
			meta["name"] = "team"
		}
	}
	return o
}
