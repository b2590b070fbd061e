// Package importtest holds what the import readers' tests share: golden
// files of what an import writes, and the contract every reader keeps under
// fuzzing. It is imported by tests only.
package importtest

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/orgplane/orgplane/internal/importer"
	"github.com/orgplane/orgplane/internal/manifest"
)

var update = flag.Bool("update", false, "rewrite the golden outputs in testdata")

// Render is what `kubectl org import` writes of res: the manifests, then
// the guesses and warnings as comments.
func Render(t testing.TB, res *importer.Result) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := importer.Write(&b, res, "yaml"); err != nil {
		t.Fatal(err)
	}
	for _, g := range res.Guesses {
		fmt.Fprintf(&b, "# guess: %s\n", g)
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(&b, "# warning: %s\n", w)
	}
	return b.Bytes()
}

// Golden compares got with the file (go test -update rewrites it).
func Golden(t testing.TB, file string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s (-golden +got):\n%s", file, diff)
	}
}

// Malformed is a malformed input and the error it must give.
type Malformed struct{ Name, In, Want string }

// RejectsMalformed reads each case as the file "stdin" and requires its
// error, exactly.
func RejectsMalformed(t *testing.T, cases []Malformed, read func([]importer.Input) (*importer.Source, error)) {
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			_, err := read([]importer.Input{{Name: manifest.StdinName, Data: []byte(c.In)}})
			if err == nil {
				t.Fatal("no error")
			}
			if diff := cmp.Diff(c.Want, err.Error()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// Errors lists the *manifest.Error leaves of err; any other error fails t.
func Errors(t testing.TB, err error) []*manifest.Error {
	t.Helper()
	var out []*manifest.Error
	var walk func(error)
	walk = func(e error) {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, c := range j.Unwrap() {
				walk(c)
			}
			return
		}
		var me *manifest.Error
		if !errors.As(e, &me) {
			t.Fatalf("an error that names no place: %v", e)
		}
		out = append(out, me)
	}
	walk(err)
	return out
}

// Contract holds a reader to its contract on data, read as standard input:
// it never panics; a problem is an error at a line of the input that says
// something; what it accepts, Build makes into valid names whose parents
// and owners name teams made, the same bytes twice.
func Contract(t *testing.T, data []byte, read func([]importer.Input) (*importer.Source, error)) {
	lines := bytes.Count(data, []byte("\n")) + 1
	src, err := read([]importer.Input{{Name: manifest.StdinName, Data: data}})
	if err != nil {
		for _, e := range Errors(t, err) {
			if e.File != manifest.StdinName || e.Line < 0 || e.Line > lines || strings.TrimSpace(e.Msg) == "" {
				t.Fatalf("error %q at %s:%d, outside the %d lines of stdin or empty", e.Msg, e.File, e.Line, lines)
			}
		}
		return
	}
	res := importer.Build(src, importer.Options{Namespace: "fuzz"})
	first := Render(t, res)
	if again := Render(t, importer.Build(src, importer.Options{Namespace: "fuzz"})); !bytes.Equal(first, again) {
		t.Fatalf("two builds differ:\n%s", cmp.Diff(string(first), string(again)))
	}
	teams := map[string]bool{}
	for _, tm := range res.Teams {
		if errs := validation.IsDNS1123Subdomain(tm.Name); len(errs) > 0 {
			t.Fatalf("team name %q: %v", tm.Name, errs)
		}
		if teams[tm.Name] {
			t.Fatalf("team name %q made twice", tm.Name)
		}
		teams[tm.Name] = true
	}
	for _, tm := range res.Teams {
		if p := tm.Spec.ParentRef; p != nil && !teams[p.Name] {
			t.Fatalf("team %q: parent %q was not made", tm.Name, p.Name)
		}
	}
	for _, p := range res.Platforms {
		if errs := validation.IsDNS1123Subdomain(p.Name); len(errs) > 0 {
			t.Fatalf("platform name %q: %v", p.Name, errs)
		}
		if o := p.Spec.OwnerRef; o != nil && !teams[o.Name] {
			t.Fatalf("platform %q: owner %q was not made", p.Name, o.Name)
		}
	}
	Loads(t, res)
}

// Loads holds what an import writes to what `kubectl org check` and the
// apiserver accept: manifest.Load reads it strictly, every object, no error.
func Loads(t testing.TB, res *importer.Result) {
	t.Helper()
	var b bytes.Buffer
	if err := importer.Write(&b, res, "yaml"); err != nil {
		t.Fatal(err)
	}
	set, err := manifest.Load([]string{manifest.Stdin}, manifest.Options{Namespace: "default", Stdin: &b})
	if err != nil {
		t.Fatalf("the import does not load:\n%v\n%s", err, b.String())
	}
	if got, want := len(set.Objects), len(res.Teams)+len(res.Platforms); got != want {
		t.Fatalf("%d objects load, %d were made", got, want)
	}
}
