package importer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	sigsyaml "sigs.k8s.io/yaml"
)

// Formats are the output formats of Write.
var Formats = []string{"yaml", "json"}

// document is an object as an import writes it: what a person would have
// typed, without the empty status and creation time that the API types
// would write.
type document struct {
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Metadata   metadata `json:"metadata"`
	Spec       any      `json:"spec"`
}

type metadata struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace,omitempty"`
}

// documents lists res's objects by kind: Teams, then Platforms.
func documents(res *Result) [][]document {
	var teams, platforms []document
	for _, t := range res.Teams {
		teams = append(teams, document{t.APIVersion, t.Kind, metadata{t.Name, t.Namespace}, t.Spec})
	}
	for _, p := range res.Platforms {
		platforms = append(platforms, document{p.APIVersion, p.Kind, metadata{p.Name, p.Namespace}, p.Spec})
	}
	return [][]document{teams, platforms}
}

// Write writes res's objects to w as a YAML stream (format "yaml") or a
// JSON List ("json"), Teams first.
func Write(w io.Writer, res *Result, format string) error {
	var all []document
	for _, docs := range documents(res) {
		all = append(all, docs...)
	}
	data, err := encode(all, format)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// WriteDir writes one file per kind into dir (teams.yaml, platforms.yaml,
// or .json), creating dir; a kind with no object gets no file.
func WriteDir(dir string, res *Result, format string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var written []string
	for i, docs := range documents(res) {
		if len(docs) == 0 {
			continue
		}
		data, err := encode(docs, format)
		if err != nil {
			return nil, err
		}
		path := filepath.Join(dir, []string{"teams", "platforms"}[i]+"."+format)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return nil, err
		}
		written = append(written, path)
	}
	return written, nil
}

func encode(docs []document, format string) ([]byte, error) {
	var b bytes.Buffer
	switch format {
	case "yaml":
		for i, d := range docs {
			if i > 0 {
				b.WriteString("---\n")
			}
			y, err := sigsyaml.Marshal(d)
			if err != nil {
				return nil, err
			}
			b.Write(y)
		}
	case "json":
		enc := json.NewEncoder(&b)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		items := docs
		if items == nil {
			items = []document{}
		}
		if err := enc.Encode(map[string]any{"apiVersion": "v1", "kind": "List", "items": items}); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("unknown format %q", format)
	}
	return b.Bytes(), nil
}
