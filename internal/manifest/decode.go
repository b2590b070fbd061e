package manifest

import (
	"encoding"
	"reflect"
	"strconv"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The reference reading of an object (decodeSlow) is Kubernetes': the YAML
// is turned into JSON by sigs.k8s.io/yaml, which reads it as YAML 1.1, and
// the JSON is decoded strictly. Doing that costs two more parses of every
// document and most of a check's time, so decodeFast decodes straight from
// the yaml.v3 node tree instead, for the input that it can prove reads the
// same both ways: mappings with string keys, sequences, strings that YAML
// 1.1 also reads as strings, decimal integers, booleans, nulls and RFC 3339
// times, into known fields. Anything else (an unknown field, a value of the
// wrong type, anchors and aliases, explicit tags, octal or YAML 1.1 words
// such as `yes`, floats) makes it give up, and the reference reading decides,
// with its exact errors. FuzzLoad holds the two to the same objects.

// decodeFast decodes the mapping n into obj (a pointer to a fresh object);
// false when it cannot be sure of reading n as decodeSlow would, obj then
// being partly written.
func decodeFast(n *yaml.Node, obj any) bool {
	return decodeValue(n, reflect.ValueOf(obj).Elem())
}

// scalarClass is what JSON value a YAML scalar becomes on the reference path.
type scalarClass int

const (
	unsure scalarClass = iota
	jsonNull
	jsonString
	jsonBool
	jsonInt
)

// yaml11Words are the plain scalars that YAML 1.1 (sigs.k8s.io/yaml's
// reader) reads as something other than a string, beyond numbers.
var yaml11Words = map[string]bool{
	"y": true, "Y": true, "yes": true, "Yes": true, "YES": true, "on": true, "On": true, "ON": true,
	"n": true, "N": true, "no": true, "No": true, "NO": true, "off": true, "Off": true, "OFF": true,
	"true": true, "True": true, "TRUE": true, "false": true, "False": true, "FALSE": true,
	"null": true, "Null": true, "NULL": true, "~": true, "<<": true,
}

// classify says what JSON value the reference path makes of scalar n.
func classify(n *yaml.Node) scalarClass {
	if n.Kind != yaml.ScalarNode || n.Anchor != "" || n.Style&yaml.TaggedStyle != 0 {
		return unsure
	}
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		if n.Tag == "!!str" {
			return jsonString
		}
		return unsure
	}
	v := n.Value
	switch n.Tag {
	case "!!null":
		if v == "" || v == "~" || v == "null" || v == "Null" || v == "NULL" {
			return jsonNull
		}
	case "!!bool":
		switch v {
		case "true", "True", "TRUE", "false", "False", "FALSE":
			return jsonBool
		}
	case "!!int":
		if isDecimal(v) {
			return jsonInt
		}
	case "!!timestamp":
		// YAML 1.1 reads it as a timestamp too, which sigs.k8s.io/yaml
		// keeps as its text.
		return jsonString
	case "!!str":
		// YAML 1.1 reads more plain scalars as numbers, times and words
		// than YAML 1.2 does; those starting with a letter are safe but
		// for its words.
		if v == "" || yaml11Words[v] {
			return unsure
		}
		switch c := v[0]; {
		case c >= '0' && c <= '9', c == '+', c == '-', c == '.':
			return unsure
		}
		return jsonString
	}
	return unsure
}

// isDecimal reports whether v is a decimal integer as JSON writes one.
func isDecimal(v string) bool {
	if v != "" && v[0] == '-' {
		v = v[1:]
	}
	if v == "" || v[0] == '0' && len(v) > 1 || len(v) > 19 {
		return false
	}
	for i := range len(v) {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return true
}

var textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()

// decodeValue decodes n into v as encoding/json would decode the JSON that
// the reference path makes of n.
func decodeValue(n *yaml.Node, v reflect.Value) bool {
	if n.Anchor != "" || n.Kind == yaml.AliasNode || n.Style&yaml.TaggedStyle != 0 {
		return false
	}
	if n.Kind == yaml.ScalarNode && classify(n) == jsonNull {
		switch v.Kind() {
		case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Interface:
			v.SetZero()
			return true
		}
		if v.Type() == timeType {
			v.SetZero() // Time.UnmarshalJSON of null
			return true
		}
		return !special(v.Type())
	}
	t := v.Type()
	if t == timeType {
		if classify(n) != jsonString {
			return false
		}
		pt, err := time.Parse(time.RFC3339, n.Value)
		if err != nil {
			return false
		}
		v.Set(reflect.ValueOf(timeOf(pt.Local())))
		return true
	}
	if special(t) {
		return false
	}
	switch t.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(t.Elem()))
		}
		return decodeValue(n, v.Elem())
	case reflect.Struct:
		return n.Kind == yaml.MappingNode && decodeStruct(n, v)
	case reflect.Map:
		if n.Kind != yaml.MappingNode || t.Key().Kind() != reflect.String || special(t.Key()) {
			return false
		}
		if v.IsNil() {
			v.Set(reflect.MakeMapWithSize(t, len(n.Content)/2))
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if classify(k) != jsonString {
				return false
			}
			e := reflect.New(t.Elem()).Elem()
			if !decodeValue(n.Content[i+1], e) {
				return false
			}
			v.SetMapIndex(reflect.ValueOf(k.Value).Convert(t.Key()), e)
		}
		return true
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode || t.Elem().Kind() == reflect.Uint8 {
			return false
		}
		s := reflect.MakeSlice(t, len(n.Content), len(n.Content))
		for i, c := range n.Content {
			if !decodeValue(c, s.Index(i)) {
				return false
			}
		}
		v.Set(s)
		return true
	case reflect.String:
		if classify(n) != jsonString {
			return false
		}
		v.SetString(n.Value)
		return true
	case reflect.Bool:
		if classify(n) != jsonBool {
			return false
		}
		v.SetBool(n.Value[0] == 't' || n.Value[0] == 'T')
		return true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if classify(n) != jsonInt {
			return false
		}
		i, err := strconv.ParseInt(n.Value, 10, t.Bits())
		if err != nil {
			return false
		}
		v.SetInt(i)
		return true
	}
	return false
}

// special reports whether values of type t decode themselves, or as JSON
// reads them in a way decodeValue does not follow.
func special(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	return p.Implements(unmarshalerType) || p.Implements(textUnmarshalerType) ||
		t.Kind() == reflect.Interface || t.Kind() == reflect.Array || t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64 ||
		t.Kind() >= reflect.Uint && t.Kind() <= reflect.Uintptr
}

func decodeStruct(n *yaml.Node, v reflect.Value) bool {
	info := structInfoOf(v.Type())
	if info == nil {
		return false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if classify(k) != jsonString {
			return false
		}
		f, ok := info[k.Value]
		if !ok {
			return false // an unknown field: the reference path reports it
		}
		if !decodeValue(n.Content[i+1], v.FieldByIndex(f)) {
			return false
		}
	}
	return true
}

// structInfos caches, per struct type, the index of each JSON field by
// name; nil for a type whose fields decodeStruct does not handle.
var structInfos sync.Map // reflect.Type -> map[string][]int

func structInfoOf(t reflect.Type) map[string][]int {
	if m, ok := structInfos.Load(t); ok {
		return m.(map[string][]int)
	}
	m := map[string][]int{}
	if !jsonFields(t, nil, m) {
		m = nil
	}
	structInfos.Store(t, m)
	return m
}

// jsonFields collects the JSON fields of struct type t, inlined structs
// included, as encoding/json names them; false when a field's tag has
// options decodeValue does not follow or two fields share a name (where
// encoding/json's precedence rules would decide).
func jsonFields(t reflect.Type, index []int, m map[string][]int) bool {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, opts := cutComma(tag)
		if name == "-" && opts == "" {
			continue
		}
		idx := append(append([]int(nil), index...), i)
		if f.Anonymous && name == "" {
			if f.Type.Kind() != reflect.Struct {
				return false
			}
			if !jsonFields(f.Type, idx, m) {
				return false
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if hasOpt(opts, "string") {
			return false
		}
		if name == "" {
			name = f.Name
		}
		if _, dup := m[name]; dup {
			return false
		}
		m[name] = idx
	}
	return true
}

// cutComma cuts s around its first comma.
func cutComma(s string) (before, after string) {
	for i := range len(s) {
		if s[i] == ',' {
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}

func hasOpt(opts, opt string) bool {
	for opts != "" {
		var o string
		o, opts = cutComma(opts)
		if o == opt {
			return true
		}
	}
	return false
}

func timeOf(t time.Time) metav1.Time { return metav1.Time{Time: t} }
