package manifest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/orgplane/orgplane/internal/orggen"
)

// sameAsReference reads data as standard input both the way Load does
// (documents parsed in parallel parts, decoded straight from the node tree)
// and the reference way (one stream, every object through YAML to JSON to
// a strict JSON decode, as Kubernetes reads a manifest), and fails unless
// both give the same objects, at the same lines, and the same errors. The
// parts are made tiny, so that even small inputs are cut.
func sameAsReference(t *testing.T, data []byte) {
	t.Helper()
	opts := func() Options { return Options{Namespace: "default", Stdin: bytes.NewReader(data)} }
	want, wantErr := read([]string{Stdin}, opts(), false, 0)
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		if dec.Decode(&doc) != nil {
			break
		}
		if len(doc.Content) > 0 {
			sameLines(t, doc.Content[0])
		}
	}
	for _, size := range []int{16, chunkSize} {
		got, gotErr := read([]string{Stdin}, opts(), true, size)
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Fatalf("parts of %d bytes: errors differ from the reference:\n%v\nwant:\n%v", size, gotErr, wantErr)
		}
		sameSet(t, fmt.Sprintf("parts of %d bytes", size), got, want)
	}
}

// sameLines holds what an object keeps of its tree (lines) to the tree: the
// same line for every path LineOf can be given, and for paths that go
// astray.
func sameLines(t *testing.T, root *yaml.Node) {
	t.Helper()
	ls := linesOf(root)
	tree := &Object{Line: 1, root: root}
	flat := &Object{Line: 1, lines: ls}
	var walk func(n *yaml.Node, path string, depth int)
	walk = func(n *yaml.Node, path string, depth int) {
		for _, p := range []string{path, path + ".nope", path + "[0]", path + "[99]", path + "[x]"} {
			if got, want := flat.LineOf(p), tree.LineOf(p); got != want {
				t.Fatalf("LineOf(%q) = %d from lines, %d from the tree", p, got, want)
			}
		}
		if depth > 8 {
			return
		}
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				walk(n.Content[i+1], joinPath(path, n.Content[i].Value), depth+1)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, fmt.Sprintf("%s[%d]", path, i), depth+1)
			}
		}
	}
	walk(root, "", 0)
}

func sameSet(t *testing.T, what string, got, want *Set) {
	t.Helper()
	if got.Files != want.Files || got.Ignored != want.Ignored || len(got.Objects) != len(want.Objects) {
		t.Fatalf("%s: %d files, %d ignored, %d objects; the reference: %d, %d, %d", what,
			got.Files, got.Ignored, len(got.Objects), want.Files, want.Ignored, len(want.Objects))
	}
	for i, o := range got.Objects {
		w := want.Objects[i]
		if o.File != w.File || o.Line != w.Line || !reflect.DeepEqual(o.Object, w.Object) {
			t.Fatalf("%s: object %d differs from the reference (-want +got):\n%s:%d %s:%d\n%s", what, i,
				w.File, w.Line, o.File, o.Line, cmp.Diff(w.Object, o.Object))
		}
		if o.LineOf("metadata.name") != w.LineOf("metadata.name") || o.LineOf("spec") != w.LineOf("spec") || o.LineOf("spec.members[1]") != w.LineOf("spec.members[1]") {
			t.Fatalf("%s: object %d: node lines differ from the reference", what, i)
		}
	}
}

// TestReadsAsReference holds Load to the reference reading on generated
// organizations (every kind and field the generator writes, with and
// without namespaces, Unicode, quoting that YAML needs), written as one
// large file cut into parts and as several files, and on the testdata of
// the check package.
func TestReadsAsReference(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for i, o := range []orggen.Options{
		orggen.Enterprise("acme", 3000, 1),
		{Namespace: "small", Others: []string{"acme"}, Foreign: 0.1, Seed: 2, Teams: 8, Platforms: 5, Committees: 2, Matrices: 2, Dangling: 0.07, Cycles: 1, CEL: true, Broken: true},
	} {
		var buf bytes.Buffer
		if err := orggen.WriteYAML(&buf, orggen.Generate(o), i == 0); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, fmt.Sprintf("org-%d.yaml", i))
		if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	check, err := filepath.Glob("../check/testdata/*/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	paths = append(paths, check...)
	want, wantErr := read(paths, Options{Namespace: "default"}, false, 0)
	for _, size := range []int{1 << 10, chunkSize} {
		got, gotErr := read(paths, Options{Namespace: "default"}, true, size)
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Fatalf("errors differ from the reference:\n%v\nwant:\n%v", gotErr, wantErr)
		}
		sameSet(t, fmt.Sprintf("parts of %d bytes", size), got, want)
	}
	if len(want.Objects) < 3000 {
		t.Fatalf("read only %d objects", len(want.Objects))
	}
}
