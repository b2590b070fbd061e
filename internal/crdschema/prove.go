package crdschema

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/types"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel/model"
	"k8s.io/kube-openapi/pkg/validation/strfmt"
)

// A prover answers, for an object the apiserver's code would find valid,
// "certainly valid" in one walk over the object and its schema, at a
// fraction of that code's cost: the kube-openapi validator builds a
// validator per field on every call, and the CEL adapter copies the schemas
// of every sibling property on each field a rule reads. It answers "not
// sure" wherever it is not certain, and Validate then runs the apiserver's
// code, which alone words the errors: a schema keyword it does not know, a
// value of a shape it does not check, or a CEL rule outside the small part
// of CEL it evaluates (field selections, has, ==, !=, !, &&, ||, size,
// integer comparisons and all, over strings without a format, integers,
// booleans, objects and lists). FuzzProve and TestProve hold it to that:
// what it proves valid, the apiserver's code finds no fault with.
type prover struct {
	// By what the copies of a schema node share (Structural's properties
	// are values, copied on every lookup): its value validation, and the
	// first of its rules.
	patterns map[*structuralschema.ValueValidation]*regexp.Regexp
	rules    map[*apiextensionsv1.ValidationRule][]rule
	// celRoot is the root's schema as the rules see it, with the
	// metadata fields they may read (name and generateName).
	celRoot *structuralschema.Structural
}

// rule is one x-kubernetes-validations rule parsed for evaluation; expr is
// nil for one the prover cannot evaluate.
type rule struct{ expr ast.Expr }

// maxProvedItems bounds the lists a rule may walk: the apiserver's cost
// budget is far beyond it, so a rule over a list this short never runs out.
const maxProvedItems = 1000

// newProver prepares the patterns and rules of a schema, once.
func newProver(s *structuralschema.Structural) (*prover, error) {
	env, err := cel.NewEnv(cel.ClearMacros())
	if err != nil {
		return nil, err
	}
	p := &prover{patterns: map[*structuralschema.ValueValidation]*regexp.Regexp{}, rules: map[*apiextensionsv1.ValidationRule][]rule{},
		celRoot: model.WithTypeAndObjectMeta(s)}
	var walk func(s *structuralschema.Structural)
	walk = func(s *structuralschema.Structural) {
		if s == nil {
			return
		}
		if vv := s.ValueValidation; vv != nil && vv.Pattern != "" {
			if re, err := regexp.Compile(vv.Pattern); err == nil {
				p.patterns[vv] = re
			}
		}
		for _, v := range s.XValidations {
			var r rule
			if parsed, iss := env.Parse(v.Rule); iss.Err() == nil && !strings.Contains(v.Rule, "oldSelf") {
				r.expr = parsed.NativeRep().Expr()
			}
			p.rules[&s.XValidations[0]] = append(p.rules[&s.XValidations[0]], r)
		}
		for _, prop := range s.Properties {
			walk(&prop)
		}
		walk(s.Items)
		if s.AdditionalProperties != nil {
			walk(s.AdditionalProperties.Structural)
		}
	}
	walk(s)
	return p, nil
}

// valid reports whether v, an object's value under schema s (after the
// apiserver's defaulting), is certainly valid by the schema and its rules;
// false when it may not be. metadata is the root's, which ObjectMeta's
// own validation judges: the prover does not look into it.
func (p *prover) valid(v any, s *structuralschema.Structural, root bool) bool {
	if s == nil || !simple(s) {
		return false
	}
	switch s.Type {
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			return false
		}
		if vv := s.ValueValidation; vv != nil {
			for _, k := range vv.Required {
				if _, ok := m[k]; !ok {
					return false
				}
			}
		}
		for k, fv := range m {
			prop, ok := s.Properties[k]
			if s.AdditionalProperties != nil {
				prop, ok = *s.AdditionalProperties.Structural, true
			}
			switch {
			case root && k == "metadata":
				if _, ok := fv.(map[string]any); !ok {
					return false
				}
			case !ok || fv == nil && !prop.Nullable:
				return false
			case fv == nil:
			case !p.valid(fv, &prop, false):
				return false
			}
		}
	case "array":
		l, ok := v.([]any)
		if !ok || !p.validItems(l, s) {
			return false
		}
	case "string":
		str, ok := v.(string)
		if !ok || !p.validString(str, s) {
			return false
		}
	case "integer":
		i, ok := v.(int64)
		if !ok || !validInteger(i, s) {
			return false
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return false
		}
	default:
		return false
	}
	if len(s.XValidations) == 0 {
		return true
	}
	self := value{v, s}
	if root {
		self.s = p.celRoot
	}
	for _, r := range p.rules[&s.XValidations[0]] {
		if r.expr == nil {
			return false
		}
		if res, ok := p.eval(r.expr, map[string]value{"self": self}); !ok || res.v != true {
			return false
		}
	}
	return true
}

// simple reports whether the prover knows every keyword of s.
func simple(s *structuralschema.Structural) bool {
	x := s.Extensions
	if x.XPreserveUnknownFields || x.XEmbeddedResource || x.XIntOrString || (x.XMapType != nil && *x.XMapType != "atomic" && *x.XMapType != "granular") ||
		s.AdditionalProperties != nil && (s.AdditionalProperties.Structural == nil || len(s.Properties) > 0) {
		return false
	}
	vv := s.ValueValidation
	if vv == nil {
		return true
	}
	return !vv.ExclusiveMaximum && !vv.ExclusiveMinimum && vv.MultipleOf == nil && !vv.UniqueItems &&
		vv.MaxProperties == nil && vv.MinProperties == nil && len(vv.AllOf) == 0 && len(vv.OneOf) == 0 && len(vv.AnyOf) == 0 && vv.Not == nil &&
		(len(vv.Enum) == 0 || s.Type == "string")
}

func (p *prover) validItems(l []any, s *structuralschema.Structural) bool {
	if vv := s.ValueValidation; vv != nil {
		if vv.MaxItems != nil && int64(len(l)) > *vv.MaxItems || vv.MinItems != nil && int64(len(l)) < *vv.MinItems {
			return false
		}
	}
	for _, it := range l {
		if it == nil && (s.Items == nil || !s.Items.Nullable) || it != nil && !p.valid(it, s.Items, false) {
			return false
		}
	}
	lt := "atomic"
	if s.XListType != nil {
		lt = *s.XListType
	}
	switch lt {
	case "atomic":
		return true
	case "set":
		seen := make(map[any]bool, len(l))
		for _, it := range l {
			switch it.(type) {
			case string, int64, bool:
			default:
				return false
			}
			if seen[it] {
				return false
			}
			seen[it] = true
		}
		return true
	case "map":
		seen := make(map[string]bool, len(l))
		for _, it := range l {
			m, ok := it.(map[string]any)
			if !ok {
				return false
			}
			var key strings.Builder
			for _, k := range s.XListMapKeys {
				kv, ok := m[k]
				if !ok {
					return false
				}
				fmt.Fprintf(&key, "%T:%v\x00", kv, kv)
			}
			if seen[key.String()] {
				return false
			}
			seen[key.String()] = true
		}
		return true
	}
	return false
}

func (p *prover) validString(str string, s *structuralschema.Structural) bool {
	vv := s.ValueValidation
	if vv == nil {
		return true
	}
	if vv.MaxLength != nil || vv.MinLength != nil {
		n := int64(utf8.RuneCountInString(str))
		if vv.MaxLength != nil && n > *vv.MaxLength || vv.MinLength != nil && n < *vv.MinLength {
			return false
		}
	}
	if vv.Pattern != "" {
		re := p.patterns[vv]
		if re == nil || !re.MatchString(str) {
			return false
		}
	}
	if vv.Format != "" && (!strfmt.Default.ContainsName(vv.Format) || !strfmt.Default.Validates(vv.Format, str)) {
		return false
	}
	if len(vv.Enum) > 0 {
		for _, e := range vv.Enum {
			if e.Object == str {
				return true
			}
		}
		return false
	}
	return true
}

func validInteger(i int64, s *structuralschema.Structural) bool {
	vv := s.ValueValidation
	if vv == nil {
		return true
	}
	f := float64(i)
	if vv.Maximum != nil && f > *vv.Maximum || vv.Minimum != nil && f < *vv.Minimum {
		return false
	}
	switch vv.Format {
	case "", "int64":
		return true
	case "int32":
		return i >= -1<<31 && i < 1<<31
	}
	return false
}

// value is a value a rule reads, with its schema (nil for a literal).
type value struct {
	v any
	s *structuralschema.Structural
}

// eval evaluates e, a rule or part of one, as CEL over the apiserver's
// adapter would, where it is certain to: ok is false wherever it is not
// (a missing field, a type it does not handle, a function it does not
// know), and the caller then knows nothing.
func (p *prover) eval(e ast.Expr, vars map[string]value) (value, bool) {
	switch e.Kind() {
	case ast.LiteralKind:
		switch l := e.AsLiteral().(type) {
		case types.String:
			return value{v: string(l)}, true
		case types.Int:
			return value{v: int64(l)}, true
		case types.Bool:
			return value{v: bool(l)}, true
		}
	case ast.IdentKind:
		v, ok := vars[e.AsIdent()]
		return v, ok
	case ast.SelectKind:
		sel := e.AsSelect()
		if sel.IsTestOnly() {
			return value{}, false
		}
		obj, ok := p.eval(sel.Operand(), vars)
		if !ok {
			return value{}, false
		}
		return selectField(obj, sel.FieldName())
	case ast.CallKind:
		return p.call(e.AsCall(), vars)
	}
	return value{}, false
}

// selectField is obj's field name; not ok when it is absent.
func selectField(obj value, name string) (value, bool) {
	m, ok := obj.v.(map[string]any)
	if !ok || obj.s == nil || obj.s.Type != "object" {
		return value{}, false
	}
	prop, ok := obj.s.Properties[name]
	if !ok {
		return value{}, false
	}
	fv, ok := m[name]
	if !ok || fv == nil {
		return value{}, false
	}
	return value{fv, &prop}, true
}

func (p *prover) call(c ast.CallExpr, vars map[string]value) (value, bool) {
	args := c.Args()
	boolean := func(e ast.Expr) (bool, bool) {
		v, ok := p.eval(e, vars)
		b, isBool := v.v.(bool)
		return b, ok && isBool
	}
	switch fn := c.FunctionName(); {
	case fn == "_||_" || fn == "_&&_":
		// Both sides must be known: CEL's absorption of an error by the
		// other side is not followed here.
		a, ok := boolean(args[0])
		if !ok {
			return value{}, false
		}
		if a == (fn == "_||_") {
			return value{v: a}, true
		}
		b, ok := boolean(args[1])
		return value{v: b}, ok
	case fn == "!_":
		a, ok := boolean(args[0])
		return value{v: !a}, ok
	case fn == "has" && len(args) == 1 && args[0].Kind() == ast.SelectKind:
		sel := args[0].AsSelect()
		obj, ok := p.eval(sel.Operand(), vars)
		if !ok {
			return value{}, false
		}
		m, isMap := obj.v.(map[string]any)
		if !isMap || obj.s == nil || obj.s.Type != "object" {
			return value{}, false
		}
		if _, known := obj.s.Properties[sel.FieldName()]; !known {
			return value{}, false
		}
		fv, present := m[sel.FieldName()]
		return value{v: present && fv != nil}, true
	case fn == "_==_" || fn == "_!=_":
		a, okA := p.scalar(args[0], vars)
		b, okB := p.scalar(args[1], vars)
		if !okA || !okB || fmt.Sprintf("%T", a) != fmt.Sprintf("%T", b) {
			return value{}, false
		}
		return value{v: (a == b) == (fn == "_==_")}, true
	case fn == "_<_" || fn == "_<=_" || fn == "_>_" || fn == "_>=_":
		a, okA := p.scalar(args[0], vars)
		b, okB := p.scalar(args[1], vars)
		x, isIntA := a.(int64)
		y, isIntB := b.(int64)
		if !okA || !okB || !isIntA || !isIntB {
			return value{}, false
		}
		return value{v: map[string]bool{"_<_": x < y, "_<=_": x <= y, "_>_": x > y, "_>=_": x >= y}[fn]}, true
	case fn == "size" && len(args) == 1:
		v, ok := p.eval(args[0], vars)
		if l, isList := v.v.([]any); ok && isList {
			return value{v: int64(len(l))}, true
		}
	case fn == "all" && c.IsMemberFunction() && len(args) == 2 && args[0].Kind() == ast.IdentKind:
		target, ok := p.eval(c.Target(), vars)
		l, isList := target.v.([]any)
		if !ok || !isList || target.s == nil || target.s.Items == nil || len(l) > maxProvedItems {
			return value{}, false
		}
		inner := make(map[string]value, len(vars)+1)
		for k, v := range vars {
			inner[k] = v
		}
		for _, it := range l {
			inner[args[0].AsIdent()] = value{it, target.s.Items}
			b, ok := p.eval(args[1], inner)
			if !ok || b.v != true {
				// A false item makes the rule false; either way, not proved.
				return value{}, false
			}
		}
		return value{v: true}, true
	}
	return value{}, false
}

// scalar is e's value when it is a string without a format (a format makes
// the apiserver's adapter read a string as a timestamp, a duration or
// bytes), an integer or a boolean.
func (p *prover) scalar(e ast.Expr, vars map[string]value) (any, bool) {
	v, ok := p.eval(e, vars)
	if !ok {
		return nil, false
	}
	switch v.v.(type) {
	case string:
		if v.s != nil && (v.s.Type != "string" || v.s.ValueValidation != nil && v.s.ValueValidation.Format != "") {
			return nil, false
		}
	case int64, bool:
	default:
		return nil, false
	}
	return v.v, true
}
