package manifest

import (
	"cmp"
	"encoding/json"
	"reflect"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// kindNames lists the API's kinds, sorted, for errors.
var kindNames = func() []string {
	var names []string
	for _, k := range orgv1.Kinds {
		names = append(names, string(k.Kind))
	}
	slices.Sort(names)
	return names
}()

func newObject(kind string) orgv1.Object {
	if k, ok := orgv1.KindTypeOf(orgv1.Kind(kind)); ok {
		return k.New()
	}
	return nil
}

// required holds each kind's required fields, read off the Go types once.
var required = func() map[reflect.Type][][]string {
	m := map[reflect.Type][][]string{}
	for _, k := range orgv1.Kinds {
		t := reflect.TypeOf(k.New()).Elem()
		m[t] = requiredPaths(t, nil, true)
	}
	return m
}()

func requiredFields(obj orgv1.Object) [][]string {
	return required[reflect.TypeOf(obj).Elem()]
}

var (
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	timeType        = reflect.TypeFor[metav1.Time]()
)

// requiredPaths lists the required fields below type t as path segments
// ("[]" standing for every item of a list). The API follows the kubebuilder
// convention that a field is required exactly when its JSON tag lacks
// omitempty (TestRequiredFieldsMatchCRDs holds it to the CRDs), so the types
// say it without a copy of the schema. At the top, metadata and status are
// skipped: the apiserver owns them.
func requiredPaths(t reflect.Type, prefix []string, top bool) [][]string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t.Kind() == reflect.Slice:
		return requiredPaths(t.Elem(), append(slices.Clone(prefix), "[]"), false)
	case t.Kind() != reflect.Struct || reflect.PointerTo(t).Implements(unmarshalerType):
		return nil
	}
	var out [][]string
	for f := range fields(t) {
		if top && (f.name == "metadata" || f.name == "status") {
			continue
		}
		path := append(slices.Clone(prefix), f.name)
		if !f.optional {
			out = append(out, path)
		}
		out = append(out, requiredPaths(f.Type, path, false)...)
	}
	return out
}

// field is a struct field as JSON sees it.
type field struct {
	reflect.StructField
	name     string
	optional bool
}

// fields yields the JSON fields of struct type t, those of inlined structs
// included.
func fields(t reflect.Type) func(yield func(field) bool) {
	return func(yield func(field) bool) {
		for i := range t.NumField() {
			f := t.Field(i)
			name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "-" {
				continue
			}
			if f.Anonymous && name == "" {
				for inner := range fields(f.Type) {
					if !yield(inner) {
						return
					}
				}
				continue
			}
			if !yield(field{StructField: f, name: cmp.Or(name, f.Name), optional: strings.Contains(opts, "omitempty")}) {
				return
			}
		}
	}
}

// jsonTypeAt names the JSON type that the field at path of obj takes, for
// messages about a value of the wrong type.
func jsonTypeAt(obj orgv1.Object, path string) string {
	t := reflect.TypeOf(obj)
	for _, seg := range splitPath(path) {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if strings.HasPrefix(seg, "[") {
			if t.Kind() != reflect.Slice {
				return "?"
			}
			t = t.Elem()
			continue
		}
		// The JSON decoder names a field in a list without its index.
		for t.Kind() == reflect.Slice || t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		switch {
		case t.Kind() == reflect.Map:
			t = t.Elem()
		case t.Kind() == reflect.Struct:
			var found bool
			for f := range fields(t) {
				if f.name == seg {
					t, found = f.Type, true
					break
				}
			}
			if !found {
				return "?"
			}
		default:
			return "?"
		}
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice:
		return "list"
	}
	if t == timeType {
		return "string (an RFC 3339 time)"
	}
	return "object"
}

// applyDefaults sets the defaults that the CRDs declare and the apiserver
// would set, so that CEL rules see the object as the controller does
// (object.spec.tier is "Engagement" on a platform that does not say).
// TestDefaultsMatchCRDs keeps this in step with config/crd.
func applyDefaults(obj orgv1.Object) {
	switch o := obj.(type) {
	case *orgv1.Platform:
		o.Spec.Tier = cmp.Or(o.Spec.Tier, orgv1.TierEngagement)
		o.Spec.Scope = cmp.Or(o.Spec.Scope, "Global")
	case *orgv1.GovernancePolicy:
		o.Spec.Enforcement = cmp.Or(o.Spec.Enforcement, orgv1.EnforcementAudit)
		o.Spec.Admission = cmp.Or(o.Spec.Admission, orgv1.AdmissionWarn)
		for i := range o.Spec.Rules {
			o.Spec.Rules[i].Severity = cmp.Or(o.Spec.Rules[i].Severity, orgv1.SeverityMedium)
		}
	}
}
