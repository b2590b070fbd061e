// Package manifest reads orgplane objects from YAML and JSON manifests the way
// kubectl apply would read them, remembering where each object and each of
// its fields was written, so that problems can be reported as file:line.
//
// Files are read whole and parsed as YAML streams (multi-document YAML, and
// JSON, which is YAML). Documents of other API groups are counted and
// skipped; a `kind: List` (as `kubectl get -o yaml` writes) is unpacked. The
// orgplane kinds are decoded strictly into the API's Go types: an unknown or
// duplicate field, a missing required field, an unknown kind or version of
// the orgplane group, or a value of the wrong type is an error naming the
// file and line. Objects without a namespace get the namespace the caller
// gives (as `kubectl apply -n` does), and the defaults that the CRDs declare
// are applied, so that the policy engine sees what the apiserver would store.
package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	sigsjson "sigs.k8s.io/json"
	sigsyaml "sigs.k8s.io/yaml"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/policy"
)

// Stdin is the path that names standard input, and the file name its
// objects and errors report.
const (
	Stdin     = "-"
	StdinName = "stdin"
)

// maxErrors bounds how many errors one Load reports: past that, the input is
// clearly not what was meant and more lines would only bury the first ones.
const maxErrors = 50

// Object is one orgplane object read from a manifest.
type Object struct {
	// Object is the decoded object (*orgv1.Team, ...), with its namespace
	// and the CRDs' defaults applied.
	Object orgv1.Object
	// File is the file it was read from, as named on the command line or
	// found under a named directory; StdinName for standard input.
	File string
	// Line is the line of its metadata (of its first line when it has none).
	Line int

	root *yaml.Node
}

// Kind is the object's kind (Team, Platform, ...).
func (o *Object) Kind() string { return o.Object.GetObjectKind().GroupVersionKind().Kind }

// LineOf returns the line of the field at path, a JSON path with list
// indexes such as spec.activities[2].informed[1] (the form the policy
// engine's messages and the JSON decoder's errors use), or of its nearest
// ancestor written in the manifest, or Line when none of it is.
func (o *Object) LineOf(path string) int {
	line, n := o.Line, o.root
	for _, seg := range splitPath(path) {
		c, at := child(n, seg)
		if c == nil {
			break
		}
		n, line = c, at
	}
	return line
}

// Set is what Load read.
type Set struct {
	// Objects are the orgplane objects, in file order, then in the order
	// written.
	Objects []*Object
	// Ignored counts the documents of other API groups.
	Ignored int
	// Files counts the files read.
	Files int

	byKey map[string]*Object
}

// Lookup finds an object by kind, namespace and name; nil when absent.
func (s *Set) Lookup(kind, namespace, name string) *Object {
	return s.byKey[key(kind, namespace, name)]
}

func key(kind, namespace, name string) string { return kind + "/" + namespace + "/" + name }

// Error is a problem with the input, at a file and line (0 when the file as
// a whole is at fault).
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// Options tune Load.
type Options struct {
	// Namespace is given to objects that have none.
	Namespace string
	// Stdin is read for the path "-".
	Stdin io.Reader
	// Progress, when set, is called after each file with the number of
	// files read and the number to read.
	Progress func(done, total int)
	// DeleteAnnotation, when set, is an annotation whose value "delete"
	// marks an object that stands for a deletion (kubectl org whatif): it
	// needs a kind and a name, not the kind's required fields.
	DeleteAnnotation string
}

// Load reads the manifests at paths: files, directories (recursively, their
// .yaml, .yml and .json files, in lexical order) and "-" for standard input.
// It returns every object read and, when the input has problems, an error
// joining every *Error found (at most 50), whose lines read
// `file:line: problem`.
func Load(paths []string, opts Options) (*Set, error) {
	l := &loader{opts: opts, set: &Set{byKey: map[string]*Object{}}}
	files := l.expand(paths)
	for i, f := range files {
		if len(l.errs) >= maxErrors {
			break
		}
		l.file(f)
		l.set.Files++
		if opts.Progress != nil {
			opts.Progress(i+1, len(files))
		}
	}
	if len(l.errs) > maxErrors {
		l.errs = append(l.errs[:maxErrors], errors.New("too many errors"))
	}
	return l.set, errors.Join(l.errs...)
}

type loader struct {
	opts Options
	set  *Set
	errs []error
}

func (l *loader) fail(file string, line int, format string, args ...any) {
	l.errs = append(l.errs, &Error{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// expand lists the files that paths name.
func (l *loader) expand(paths []string) []string {
	var files []string
	stdin := false
	for _, p := range paths {
		if p == Stdin {
			if stdin {
				l.fail(StdinName, 0, "standard input can be read only once")
			}
			stdin = true
			files = append(files, p)
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			l.fail(p, 0, "%v", unwrapPathError(err))
			continue
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		found := 0
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			switch strings.ToLower(filepath.Ext(path)) {
			case ".yaml", ".yml", ".json":
				if !d.IsDir() {
					files = append(files, path)
					found++
				}
			}
			return nil
		})
		if err != nil {
			l.fail(p, 0, "%v", err)
		} else if found == 0 {
			l.fail(p, 0, "no .yaml, .yml or .json files in this directory")
		}
	}
	return files
}

// unwrapPathError drops the operation and path that the caller already names.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// file reads one file's documents.
func (l *loader) file(path string) {
	name := path
	var data []byte
	var err error
	if path == Stdin {
		name = StdinName
		if l.opts.Stdin == nil {
			l.fail(name, 0, "no standard input")
			return
		}
		data, err = io.ReadAll(l.opts.Stdin)
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		l.fail(name, 0, "%v", unwrapPathError(err))
		return
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			// The stream cannot be read past a syntax error.
			line, msg := yamlErrorLine(err)
			// An error at the end of the input can be counted past its
			// last line.
			l.fail(name, min(line, bytes.Count(data, []byte("\n"))+1), "%s", msg)
			return
		}
		if len(doc.Content) == 0 || isNull(doc.Content[0]) {
			continue // an empty document, or only comments
		}
		l.document(name, doc.Content[0])
	}
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parserProblems are the YAML parser's (not scanner's) problems. For those,
// the YAML library reports a zero-based line (of the construct being parsed,
// or else of the offending token), so one is added.
var parserProblems = map[string]bool{
	"did not find expected <stream-start>":   true,
	"did not find expected <document start>": true,
	"did not find expected key":              true,
	"did not find expected '-' indicator":    true,
	"did not find expected node content":     true,
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"found duplicate %YAML directive":        true,
	"found duplicate %TAG directive":         true,
	"found incompatible YAML document":       true,
	"found undefined tag handle":             true,
}

// yamlErrorLine splits a YAML parser error into its line and problem.
func yamlErrorLine(err error) (int, string) {
	m := yamlLineRE.FindStringSubmatch(err.Error())
	if m == nil {
		return 0, strings.TrimPrefix(err.Error(), "yaml: ")
	}
	line, _ := strconv.Atoi(m[1])
	if parserProblems[m[2]] {
		line++
	}
	return line, m[2]
}

// document reads one document: an object, or a List of them.
func (l *loader) document(file string, n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		l.fail(file, n.Line, "a manifest must be an object (a YAML mapping)")
		return
	}
	if apiVersion, kind := scalar(n, "apiVersion"), scalar(n, "kind"); apiVersion == "v1" && kind == "List" {
		items := mapValue(n, "items")
		if items == nil || items.Kind != yaml.SequenceNode {
			l.fail(file, n.Line, "a List needs a list of items")
			return
		}
		for _, item := range items.Content {
			if item.Kind != yaml.MappingNode {
				l.fail(file, item.Line, "a List item must be an object (a YAML mapping)")
				continue
			}
			l.object(file, item)
		}
		return
	}
	l.object(file, n)
}

// object decodes one object, or counts it as ignored when it is not
// orgplane's.
func (l *loader) object(file string, n *yaml.Node) {
	apiVersion, kind := scalar(n, "apiVersion"), scalar(n, "kind")
	if apiVersion == "" || kind == "" {
		l.fail(file, n.Line, "apiVersion and kind are required")
		return
	}
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		l.fail(file, lineOf(n, "apiVersion"), "%v", err)
		return
	}
	if gv.Group != orgv1.GroupVersion.Group {
		l.set.Ignored++
		return
	}
	what := kind
	if name := scalar(mapValue(n, "metadata"), "name"); name != "" {
		what += " " + strconv.Quote(name)
	}
	if gv.Version != orgv1.GroupVersion.Version {
		l.fail(file, lineOf(n, "apiVersion"), "%s: unknown version %q of %s (this plugin reads %s)", what, gv.Version, gv.Group, orgv1.GroupVersion)
		return
	}
	obj := newObject(kind)
	if obj == nil {
		l.fail(file, lineOf(n, "kind"), "unknown kind %q in %s (known kinds: %s)", kind, orgv1.GroupVersion, strings.Join(kindNames, ", "))
		return
	}
	o := &Object{Object: obj, File: file, Line: cmpLine(lineOf(n, "metadata"), n.Line), root: n}
	before := len(l.errs)
	defer func() { sortByLine(l.errs[before:]) }()
	for _, d := range duplicateKeys(n, "") {
		l.fail(file, d.line, "%s: duplicate field %q (first at line %d)", what, d.path, d.first)
	}
	deletion := l.opts.DeleteAnnotation != "" && scalar(mapValue(mapValue(n, "metadata"), "annotations"), l.opts.DeleteAnnotation) == "delete"
	for _, m := range missingFields(n, requiredFields(obj)) {
		if !deletion {
			l.fail(file, m.line, "%s: missing required field %q", what, m.path)
		}
	}
	if len(l.errs) > before {
		return
	}
	l.decode(o, what)
	if len(l.errs) > before {
		return
	}
	if obj.GetName() == "" {
		l.fail(file, o.Line, "%s: missing required field \"metadata.name\"", kind)
		return
	}
	if obj.GetNamespace() == "" {
		obj.SetNamespace(l.opts.Namespace)
	}
	applyDefaults(obj)
	k := key(kind, obj.GetNamespace(), obj.GetName())
	if prev := l.set.byKey[k]; prev != nil {
		l.fail(file, o.Line, "%s: already defined in namespace %q at %s:%d", what, obj.GetNamespace(), prev.File, prev.Line)
		return
	}
	l.set.byKey[k] = o
	l.set.Objects = append(l.set.Objects, o)
}

// sortByLine orders one object's errors as they appear in the file.
func sortByLine(errs []error) {
	slices.SortStableFunc(errs, func(a, b error) int {
		var ea, eb *Error
		errors.As(a, &ea)
		errors.As(b, &eb)
		return ea.Line - eb.Line
	})
}

// cmpLine is a if set, else b.
func cmpLine(a, b int) int {
	if a > 0 {
		return a
	}
	return b
}

var typeErrorRE = regexp.MustCompile(`^json: cannot unmarshal (.+) into Go struct field [^ ]*?\.((?:spec|metadata|status)[^ ]*) of type `)

// decode decodes an object's node strictly into its Go type, the way the
// apiserver's strict field validation reads it: an unknown or duplicate field
// is an error naming the field's path, which the node tree turns into a line.
func (l *loader) decode(o *Object, what string) {
	text, err := yaml.Marshal(o.root)
	var js []byte
	if err == nil {
		js, err = sigsyaml.YAMLToJSONStrict(text)
	}
	if err != nil {
		l.fail(o.File, o.Line, "%s: %v", what, err)
		return
	}
	strict, err := sigsjson.UnmarshalStrict(js, o.Object)
	if err != nil {
		// The decoder's type error carries the field's path, without list
		// indexes, only in its text.
		if m := typeErrorRE.FindStringSubmatch(err.Error()); m != nil {
			got, want := m[1], jsonTypeAt(o.Object, m[2])
			path, n := findTyped(o.root, splitPath(m[2]), "", got)
			if n == nil {
				l.fail(o.File, o.Line, "%s: %s: wrong type: got %s, want %s", what, m[2], got, want)
				return
			}
			hint := ""
			if got == "bool" && yaml11Bools[n.Value] {
				hint = fmt.Sprintf(" (YAML reads %s as a boolean: quote it)", n.Value)
			}
			l.fail(o.File, n.Line, "%s: %s: wrong type: got %s, want %s%s", what, path, got, want, hint)
		} else {
			l.fail(o.File, o.Line, "%s: %v", what, err)
		}
		return
	}
	for _, e := range strict {
		line := o.Line
		var fe sigsjson.FieldError
		if errors.As(e, &fe) {
			line = o.LineOf(fe.FieldPath())
		}
		l.fail(o.File, line, "%s: %v", what, e)
	}
}

// Graph is the policy engine's view of the objects read.
func (s *Set) Graph() (*policy.MemoryGraph, error) {
	objs := make([]metav1.Object, len(s.Objects))
	for i, o := range s.Objects {
		objs[i] = o.Object
	}
	return policy.NewMemoryGraph(objs...)
}
