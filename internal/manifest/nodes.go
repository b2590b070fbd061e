package manifest

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// mapValue is the value of key in mapping n; nil when n is not a mapping or
// has no such key.
func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// lineOf is the line of key in mapping n, 0 when absent.
func lineOf(n *yaml.Node, key string) int {
	if n == nil || n.Kind != yaml.MappingNode {
		return 0
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i].Line
		}
	}
	return 0
}

// scalar is the string value of key in mapping n, "" when absent or not a
// scalar.
func scalar(n *yaml.Node, key string) string {
	if v := mapValue(n, key); v != nil && v.Kind == yaml.ScalarNode && !isNull(v) {
		return v.Value
	}
	return ""
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// child is the node a path segment names below n, a key of a mapping or an
// index ("[2]") of a sequence, and the line where it is written: its key's,
// or the item's.
func child(n *yaml.Node, seg string) (*yaml.Node, int) {
	if i, ok := strings.CutPrefix(seg, "["); ok {
		idx, err := strconv.Atoi(strings.TrimSuffix(i, "]"))
		if err != nil || n.Kind != yaml.SequenceNode || idx < 0 || idx >= len(n.Content) {
			return nil, 0
		}
		return n.Content[idx], n.Content[idx].Line
	}
	return mapValue(n, seg), lineOf(n, seg)
}

// splitPath splits spec.activities[2].informed into spec, activities, [2],
// informed.
func splitPath(path string) []string {
	var segs []string
	for _, part := range strings.Split(path, ".") {
		for part != "" {
			i := strings.Index(part[1:], "[") + 1
			if i == 0 {
				i = len(part)
			}
			segs = append(segs, part[:i])
			part = part[i:]
		}
	}
	return segs
}

// duplicate is a key written twice in one mapping.
type duplicate struct {
	path        string
	line, first int
}

// duplicateKeys finds keys written twice in a mapping of the tree at n, which
// YAML forbids and which would otherwise be reported with lines of the
// re-encoded document, not of the file.
func duplicateKeys(n *yaml.Node, path string) []duplicate {
	var out []duplicate
	switch n.Kind {
	case yaml.MappingNode:
		seen := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			p := joinPath(path, k.Value)
			if first, ok := seen[k.Value]; ok {
				out = append(out, duplicate{path: p, line: k.Line, first: first})
				continue
			}
			seen[k.Value] = k.Line
			out = append(out, duplicateKeys(n.Content[i+1], p)...)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			out = append(out, duplicateKeys(c, path+"["+strconv.Itoa(i)+"]")...)
		}
	}
	return out
}

func joinPath(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// missingField is a required field absent from the mapping at line.
type missingField struct {
	path string
	line int
}

// missingFields checks required paths (from requiredFields) against the tree
// at n. A required field counts as missing when absent or null; one below an
// optional field that is absent is not required. Each is reported at the
// line of the field that should hold it.
func missingFields(n *yaml.Node, required [][]string) []missingField {
	var out []missingField
	for _, segs := range required {
		out = append(out, missingAt(n, segs, "", n.Line)...)
	}
	return out
}

func missingAt(n *yaml.Node, segs []string, path string, line int) []missingField {
	if segs[0] == "[]" {
		if n.Kind != yaml.SequenceNode {
			return nil // a wrong type is the decoder's to report
		}
		var out []missingField
		for i, item := range n.Content {
			out = append(out, missingAt(item, segs[1:], path+"["+strconv.Itoa(i)+"]", item.Line)...)
		}
		return out
	}
	if n.Kind != yaml.MappingNode {
		return nil
	}
	v, p := mapValue(n, segs[0]), joinPath(path, segs[0])
	switch {
	case len(segs) == 1 && (v == nil || isNull(v)):
		return []missingField{{path: p, line: line}}
	case len(segs) == 1 || v == nil:
		return nil
	}
	return missingAt(v, segs[1:], p, lineOf(n, segs[0]))
}

// findTyped finds the field at an index-less path (spec.members.name, as the
// JSON decoder names a field) whose value has the JSON type got, trying
// every item of the lists on the way; with none of that type, the first
// field at the path. It returns the field's path with indexes and its value.
func findTyped(n *yaml.Node, segs []string, path, got string) (string, *yaml.Node) {
	var firstPath string
	var first *yaml.Node
	var walk func(n *yaml.Node, segs []string, path string) (string, *yaml.Node)
	walk = func(n *yaml.Node, segs []string, path string) (string, *yaml.Node) {
		if len(segs) == 0 {
			if first == nil {
				firstPath, first = path, n
			}
			if strings.HasPrefix(got, jsonKind(n)) {
				return path, n
			}
			return "", nil
		}
		if n.Kind == yaml.SequenceNode {
			for i, item := range n.Content {
				if p, found := walk(item, segs, path+"["+strconv.Itoa(i)+"]"); found != nil {
					return p, found
				}
			}
			return "", nil
		}
		if v := mapValue(n, segs[0]); v != nil {
			return walk(v, segs[1:], joinPath(path, segs[0]))
		}
		return "", nil
	}
	if p, found := walk(n, segs, path); found != nil {
		return p, found
	}
	return firstPath, first
}

// yaml11Bools are the plain scalars that YAML 1.1, which Kubernetes' YAML
// reader follows, reads as booleans, though YAML 1.2 reads them as strings.
var yaml11Bools = map[string]bool{
	"y": true, "Y": true, "yes": true, "Yes": true, "YES": true, "on": true, "On": true, "ON": true,
	"n": true, "N": true, "no": true, "No": true, "NO": true, "off": true, "Off": true, "OFF": true,
}

// jsonKind names the JSON type of a node as the JSON decoder sees it.
func jsonKind(n *yaml.Node) string {
	switch {
	case n.Kind == yaml.MappingNode:
		return "object"
	case n.Kind == yaml.SequenceNode:
		return "array"
	case n.Tag == "!!bool" || n.Style == 0 && yaml11Bools[n.Value]:
		return "bool"
	case n.Tag == "!!int" || n.Tag == "!!float":
		return "number"
	case n.Tag == "!!null":
		return "null"
	}
	return "string"
}

// YAMLDocuments parses data, the content of the file name, as a YAML stream
// and returns its documents' root nodes, empty documents left out, so that
// readers of other formats (kubectl org import) report lines as Load does;
// a syntax error is an *Error at its line.
func YAMLDocuments(name string, data []byte) ([]*yaml.Node, error) {
	var docs []*yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			line, msg := yamlErrorLine(err)
			return nil, &Error{File: name, Line: min(line, bytes.Count(data, []byte("\n"))+1), Msg: msg}
		}
		if len(doc.Content) > 0 && !isNull(doc.Content[0]) {
			docs = append(docs, doc.Content[0])
		}
	}
}
