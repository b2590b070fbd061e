package manifest

import (
	"context"
	"strconv"

	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/util/json"
	fielderrors "k8s.io/apimachinery/pkg/util/validation/field"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/orgplane/orgplane/internal/crdschema"
)

// validate judges a decoded object as the apiserver would judge its create,
// against the CRDs (internal/crdschema): enums, bounds, patterns, formats,
// list-map keys, the CRDs' CEL rules and the object's metadata. Each
// problem is an error at the line of the field it names, worded as the
// apiserver words it.
func (o *Object) validate(what string) []error {
	obj, err := jsonOf(o.root)
	if err != nil {
		// decodeSlow read it; this cannot fail where that did not.
		return []error{&Error{File: o.File, Line: o.Line, Msg: what + ": " + err.Error()}}
	}
	// The apiserver gives the object the namespace of the request.
	meta, _ := obj["metadata"].(map[string]any)
	if ns := o.Object.GetNamespace(); meta != nil && ns != "" {
		meta["namespace"] = ns
	}
	var errs, notes []error
	for _, e := range crdschema.Validate(context.Background(), obj) {
		switch {
		case e.Type == fielderrors.ErrorTypeRequired && e.Field == "metadata.namespace" && o.Object.GetNamespace() == "":
			// read without a namespace to give: the request's would do
		case e.Field == "<nil>":
			// About the object as a whole (that its CEL rules were not
			// run): after the errors it follows from.
			notes = append(notes, &Error{File: o.File, Line: o.Line, Msg: what + ": " + e.Detail})
		default:
			errs = append(errs, &Error{File: o.File, Line: o.LineOf(e.Field), Msg: what + ": " + e.Error()})
		}
	}
	sortByLine(errs)
	return append(errs, notes...)
}

// jsonOf is the JSON value that the apiserver decodes from the mapping n
// (int64 numbers, as Kubernetes' JSON decoding gives): straight from the
// node tree when every scalar reads the same in YAML 1.1 and 1.2 (see
// classify), else through sigs.k8s.io/yaml, as decodeSlow reads it.
func jsonOf(n *yaml.Node) (map[string]any, error) {
	if v, ok := nodeJSON(n); ok {
		if m, ok := v.(map[string]any); ok {
			return m, nil
		}
	}
	text, err := yaml.Marshal(n)
	if err != nil {
		return nil, err
	}
	js, err := sigsyaml.YAMLToJSONStrict(text)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	err = json.Unmarshal(js, &m)
	return m, err
}

// nodeJSON converts n as decodeValue decodes it; false where it gives up.
func nodeJSON(n *yaml.Node) (any, bool) {
	if n.Anchor != "" || n.Kind == yaml.AliasNode || n.Style&yaml.TaggedStyle != 0 {
		return nil, false
	}
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if classify(k) != jsonString {
				return nil, false
			}
			v, ok := nodeJSON(n.Content[i+1])
			if !ok {
				return nil, false
			}
			m[k.Value] = v
		}
		return m, true
	case yaml.SequenceNode:
		l := make([]any, len(n.Content))
		for i, c := range n.Content {
			v, ok := nodeJSON(c)
			if !ok {
				return nil, false
			}
			l[i] = v
		}
		return l, true
	}
	switch classify(n) {
	case jsonNull:
		return nil, true
	case jsonString:
		return n.Value, true
	case jsonBool:
		return n.Value[0] == 't' || n.Value[0] == 'T', true
	case jsonInt:
		i, err := strconv.ParseInt(n.Value, 10, 64)
		return i, err == nil
	}
	return nil, false
}
