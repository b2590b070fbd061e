package orggen

import (
	"bufio"
	"encoding/json"
	"io"

	sigsyaml "sigs.k8s.io/yaml"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

// Manifest is an object as a user writes it: apiVersion and kind set, no
// status, no server-set metadata, and the namespace only when explicitNS.
func Manifest(o orgv1.Object, explicitNS bool) (map[string]any, error) {
	kind, _ := orgv1.KindOf(o)
	o.GetObjectKind().SetGroupVersionKind(orgv1.GroupVersion.WithKind(string(kind)))
	js, err := json.Marshal(o)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(js, &m); err != nil {
		return nil, err
	}
	delete(m, "status")
	md := m["metadata"].(map[string]any)
	delete(md, "creationTimestamp")
	if !explicitNS {
		delete(md, "namespace")
	}
	return m, nil
}

// WriteYAML writes objects as one multi-document stream of ordinary
// block-style YAML, as kubectl and most editors write it.
func WriteYAML(w io.Writer, objs []orgv1.Object, explicitNS bool) error {
	bw := bufio.NewWriter(w)
	for i, o := range objs {
		m, err := Manifest(o, explicitNS)
		if err != nil {
			return err
		}
		y, err := sigsyaml.Marshal(m)
		if err != nil {
			return err
		}
		if i > 0 {
			_, _ = bw.WriteString("---\n") // a bufio.Writer's error returns from Flush
		}
		_, _ = bw.Write(y)
	}
	return bw.Flush()
}

// WriteCombinedJSON writes objects as one JSON document in the shape that
// `conftest test --combine` gives its policies as input: a list of
// {"path": file, "contents": object}, so that one Rego policy reads both.
func WriteCombinedJSON(w io.Writer, file string, objs []orgv1.Object, explicitNS bool) error {
	type doc struct {
		Path     string         `json:"path"`
		Contents map[string]any `json:"contents"`
	}
	docs := make([]doc, len(objs))
	for i, o := range objs {
		m, err := Manifest(o, explicitNS)
		if err != nil {
			return err
		}
		docs[i] = doc{Path: file, Contents: m}
	}
	bw := bufio.NewWriter(w)
	if err := json.NewEncoder(bw).Encode(docs); err != nil {
		return err
	}
	return bw.Flush()
}
