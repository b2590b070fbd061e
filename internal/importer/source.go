package importer

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/orgplane/orgplane/internal/manifest"
)

// Input is one file to read: its name as reported, and its bytes.
type Input struct {
	Name string
	Data []byte
}

// ReadInputs reads the files that paths name: files, directories (their
// files whose extension is one of exts, recursively, in lexical order) and
// manifest.Stdin for stdin. Problems are *manifest.Error, joined.
func ReadInputs(paths []string, stdin io.Reader, exts ...string) ([]Input, error) {
	var (
		out  []Input
		errs []error
	)
	fail := func(name string, err error) {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		errs = append(errs, &manifest.Error{File: name, Msg: err.Error()})
	}
	read := func(path string) {
		data, err := os.ReadFile(path)
		if err != nil {
			fail(path, err)
			return
		}
		out = append(out, Input{Name: path, Data: data})
	}
	for _, p := range paths {
		if p == manifest.Stdin {
			data, err := io.ReadAll(stdin)
			if err != nil {
				fail(manifest.StdinName, err)
			}
			out = append(out, Input{Name: manifest.StdinName, Data: data})
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			fail(p, err)
			continue
		}
		if !info.IsDir() {
			read(p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && slices.Contains(exts, strings.ToLower(filepath.Ext(path))) {
				found = append(found, path)
			}
			return err
		})
		if err == nil && len(found) == 0 {
			err = fmt.Errorf("no %s files in this directory", strings.Join(exts, " or "))
		}
		if err != nil {
			fail(p, err)
		}
		for _, f := range found {
			read(f)
		}
	}
	return out, errors.Join(errs...)
}

// EachDocument calls f with each YAML document of inputs, in order, and
// joins the errors: the files' syntax errors and f's.
func EachDocument(inputs []Input, f func(file string, doc *yaml.Node) error) error {
	var errs []error
	for _, in := range inputs {
		docs, err := manifest.YAMLDocuments(in.Name, in.Data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, d := range docs {
			errs = append(errs, f(in.Name, d))
		}
	}
	return errors.Join(errs...)
}

// Field is the node at a path of mapping keys below n, or nil.
func Field(n *yaml.Node, path ...string) *yaml.Node {
	for _, key := range path {
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				next = n.Content[i+1]
				break
			}
		}
		n = next
	}
	return n
}

// Errorf is a problem with the input at n's line of file.
func Errorf(file string, n *yaml.Node, format string, args ...any) error {
	line := 0
	if n != nil {
		line = n.Line
	}
	return &manifest.Error{File: file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// String is the string at path below n: "" when absent, an error naming the
// line when it is not a string (a mapping, a list).
func String(file string, n *yaml.Node, path ...string) (string, error) {
	v := Field(n, path...)
	if v == nil || v.Tag == "!!null" {
		return "", nil
	}
	if v.Kind != yaml.ScalarNode {
		return "", Errorf(file, v, "%s: want a string", strings.Join(path, "."))
	}
	return v.Value, nil
}

// Strings is the list of strings at path below n.
func Strings(file string, n *yaml.Node, path ...string) ([]string, error) {
	v := Field(n, path...)
	if v == nil || v.Tag == "!!null" {
		return nil, nil
	}
	if v.Kind != yaml.SequenceNode {
		return nil, Errorf(file, v, "%s: want a list of strings", strings.Join(path, "."))
	}
	out := make([]string, 0, len(v.Content))
	for _, c := range v.Content {
		if c.Kind != yaml.ScalarNode || c.Tag == "!!null" || c.Value == "" {
			return nil, Errorf(file, c, "%s: want a list of non-empty strings", strings.Join(path, "."))
		}
		out = append(out, c.Value)
	}
	return out, nil
}

// At is the location of n in file.
func At(file string, n *yaml.Node) Location {
	if n == nil {
		return Location{File: file}
	}
	return Location{File: file, Line: n.Line}
}
