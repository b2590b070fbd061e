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

	// root is the object's node tree while it is read, lines what is kept
	// of it after.
	root  *yaml.Node
	lines lines
}

// Kind is the object's kind (Team, Platform, ...).
func (o *Object) Kind() string { return o.Object.GetObjectKind().GroupVersionKind().Kind }

// LineOf returns the line of the field at path, a JSON path with list
// indexes such as spec.activities[2].informed[1] (the form the policy
// engine's messages and the JSON decoder's errors use), or of its nearest
// ancestor written in the manifest, or Line when none of it is.
func (o *Object) LineOf(path string) int {
	if o.lines == nil {
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
	line, i := o.Line, 0
	for _, seg := range splitPath(path) {
		c := o.lines.child(i, seg)
		if c < 0 {
			break
		}
		i, line = c, int(o.lines[c].line)
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
// `file:line: problem`. Files, and the documents of a large file, are parsed
// in parallel (as many at once as GOMAXPROCS); what Load returns does not
// depend on it.
func Load(paths []string, opts Options) (*Set, error) { return read(paths, opts, true, chunkSize) }

// read is Load, cutting large files into parts of chunk bytes; without
// fast, it reads one file after the other and decodes every object the
// reference way (decodeSlow), which tests compare with.
func read(paths []string, opts Options, fast bool, chunk int) (*Set, error) {
	l := &loader{opts: opts, set: &Set{byKey: map[string]*Object{}}}
	files := l.expand(paths)
	next := l.sequential(files)
	if fast {
		var stop func()
		next, stop = l.parallel(files, chunk)
		defer stop()
	}
	for i := range files {
		if len(l.errs) >= maxErrors {
			break
		}
		l.merge(next(i))
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

// merge adds what one file held, in the order written: its errors, and its
// objects unless already defined.
func (l *loader) merge(r *fileResult) {
	l.set.Ignored += r.ignored
	for _, it := range r.items {
		if it.obj == nil {
			l.errs = append(l.errs, it.errs...)
			continue
		}
		o := it.obj
		k := key(o.Kind(), o.Object.GetNamespace(), o.Object.GetName())
		if prev := l.set.byKey[k]; prev != nil {
			l.fail(o.File, o.Line, "%s: already defined in namespace %q at %s:%d", o.Kind()+" "+strconv.Quote(o.Object.GetName()), o.Object.GetNamespace(), prev.File, prev.Line)
			continue
		}
		l.set.byKey[k] = o
		l.set.Objects = append(l.set.Objects, o)
	}
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

// fileResult is what one file held.
type fileResult struct {
	// items are its objects and problems, in the order written.
	items   []item
	ignored int
}

// item is an object read, or the problems of a document or object.
type item struct {
	obj  *Object
	errs []error
}

// reader reads the documents of one file, or of a part of one.
type reader struct {
	file string
	ns   string
	fast bool
	// deleteAnnotation is Options.DeleteAnnotation.
	deleteAnnotation string
	res              fileResult
}

func (r *reader) fail(line int, format string, args ...any) {
	r.res.items = append(r.res.items, item{errs: []error{&Error{File: r.file, Line: line, Msg: fmt.Sprintf(format, args...)}}})
}

// readFile reads a file's bytes; the name it reports and, on failure, the
// result holding the error.
func (l *loader) readFile(path string) (name string, data []byte, failed *fileResult) {
	name = path
	var err error
	if path == Stdin {
		name = StdinName
		if l.opts.Stdin == nil {
			err = errors.New("no standard input")
		} else {
			data, err = io.ReadAll(l.opts.Stdin)
		}
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return name, nil, &fileResult{items: []item{{errs: []error{&Error{File: name, Msg: unwrapPathError(err).Error()}}}}}
	}
	return name, data, nil
}

// sequential reads files one after the other, decoding the reference way.
func (l *loader) sequential(files []string) func(i int) *fileResult {
	return func(i int) *fileResult {
		name, data, failed := l.readFile(files[i])
		if failed != nil {
			return failed
		}
		r := &reader{file: name, ns: l.opts.Namespace, deleteAnnotation: l.opts.DeleteAnnotation}
		r.stream(data, 0)
		return &r.res
	}
}

// stream reads the documents of data, which starts at line offset+1 of the
// file; false when it stopped at a syntax error (reported at its line when
// offset is 0).
func (r *reader) stream(data []byte, offset int) bool {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return true
		}
		if err != nil {
			// The stream cannot be read past a syntax error.
			line, msg := yamlErrorLine(err)
			// An error at the end of the input can be counted past its
			// last line.
			r.fail(min(line, bytes.Count(data, []byte("\n"))+1), "%s", msg)
			return false
		}
		if len(doc.Content) == 0 || isNull(doc.Content[0]) {
			continue // an empty document, or only comments
		}
		if offset > 0 {
			shiftLines(doc.Content[0], offset)
		}
		r.document(doc.Content[0])
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
func (r *reader) document(n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		r.fail(n.Line, "a manifest must be an object (a YAML mapping)")
		return
	}
	if apiVersion, kind := scalar(n, "apiVersion"), scalar(n, "kind"); apiVersion == "v1" && kind == "List" {
		items := mapValue(n, "items")
		if items == nil || items.Kind != yaml.SequenceNode {
			r.fail(n.Line, "a List needs a list of items")
			return
		}
		for _, item := range items.Content {
			if item.Kind != yaml.MappingNode {
				r.fail(item.Line, "a List item must be an object (a YAML mapping)")
				continue
			}
			r.object(item)
		}
		return
	}
	r.object(n)
}

// what names an object in errors: its kind, and its name when it has one.
func what(kind string, n *yaml.Node) string {
	if name := scalar(mapValue(n, "metadata"), "name"); name != "" {
		return kind + " " + strconv.Quote(name)
	}
	return kind
}

// object decodes one object, or counts it as ignored when it is not
// orgplane's.
func (r *reader) object(n *yaml.Node) {
	apiVersion, kind := scalar(n, "apiVersion"), scalar(n, "kind")
	if apiVersion == "" || kind == "" {
		r.fail(n.Line, "apiVersion and kind are required")
		return
	}
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		r.fail(lineOf(n, "apiVersion"), "%v", err)
		return
	}
	if gv.Group != orgv1.GroupVersion.Group {
		r.res.ignored++
		return
	}
	what := what(kind, n)
	if gv.Version != orgv1.GroupVersion.Version {
		r.fail(lineOf(n, "apiVersion"), "%s: unknown version %q of %s (this plugin reads %s)", what, gv.Version, gv.Group, orgv1.GroupVersion)
		return
	}
	obj := newObject(kind)
	if obj == nil {
		r.fail(lineOf(n, "kind"), "unknown kind %q in %s (known kinds: %s)", kind, orgv1.GroupVersion, strings.Join(kindNames, ", "))
		return
	}
	o := &Object{Object: obj, File: r.file, Line: cmpLine(lineOf(n, "metadata"), n.Line), root: n}
	var errs []error
	fail := func(line int, format string, args ...any) {
		errs = append(errs, &Error{File: r.file, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	for _, d := range duplicateKeys(n, "") {
		fail(d.line, "%s: duplicate field %q (first at line %d)", what, d.path, d.first)
	}
	deletion := r.deleteAnnotation != "" && scalar(mapValue(mapValue(n, "metadata"), "annotations"), r.deleteAnnotation) == "delete"
	for _, m := range missingFields(n, requiredFields(obj)) {
		if !deletion {
			fail(m.line, "%s: missing required field %q", what, m.path)
		}
	}
	if len(errs) == 0 && (!r.fast || !decodeFast(n, o.Object)) {
		if r.fast {
			o.Object = newObject(kind) // start again from a fresh object
		}
		errs = decodeSlow(o, what)
	}
	if len(errs) == 0 && o.Object.GetName() == "" {
		fail(o.Line, "%s: missing required field \"metadata.name\"", kind)
	}
	if len(errs) > 0 {
		sortByLine(errs)
		r.res.items = append(r.res.items, item{errs: errs})
		return
	}
	if o.Object.GetNamespace() == "" {
		o.Object.SetNamespace(r.ns)
	}
	if !deletion {
		if errs = o.validate(what); len(errs) > 0 {
			r.res.items = append(r.res.items, item{errs: errs})
			return
		}
	}
	applyDefaults(o.Object)
	o.lines, o.root = linesOf(n), nil
	r.res.items = append(r.res.items, item{obj: o})
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

// decodeSlow decodes an object's node strictly into its Go type the way
// Kubernetes reads a manifest (YAML to JSON, then the JSON strictly, as the
// apiserver's strict field validation does): an unknown or duplicate field
// is an error naming the field's path, which the node tree turns into a
// line. It is the reference that decodeFast follows, and decides whatever
// decodeFast cannot.
func decodeSlow(o *Object, what string) []error {
	var errs []error
	fail := func(line int, format string, args ...any) {
		errs = append(errs, &Error{File: o.File, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	text, err := yaml.Marshal(o.root)
	var js []byte
	if err == nil {
		js, err = sigsyaml.YAMLToJSONStrict(text)
	}
	if err != nil {
		fail(o.Line, "%s: %v", what, err)
		return errs
	}
	strict, err := sigsjson.UnmarshalStrict(js, o.Object)
	if err != nil {
		// The decoder's type error carries the field's path, without list
		// indexes, only in its text.
		if m := typeErrorRE.FindStringSubmatch(err.Error()); m != nil {
			got, want := m[1], jsonTypeAt(o.Object, m[2])
			path, n := findTyped(o.root, splitPath(m[2]), "", got)
			if n == nil {
				fail(o.Line, "%s: %s: wrong type: got %s, want %s", what, m[2], got, want)
				return errs
			}
			hint := ""
			if got == "bool" && yaml11Bools[n.Value] {
				hint = fmt.Sprintf(" (YAML reads %s as a boolean: quote it)", n.Value)
			}
			fail(n.Line, "%s: %s: wrong type: got %s, want %s%s", what, path, got, want, hint)
		} else {
			fail(o.Line, "%s: %v", what, err)
		}
		return errs
	}
	for _, e := range strict {
		line := o.Line
		var fe sigsjson.FieldError
		if errors.As(e, &fe) {
			line = o.LineOf(fe.FieldPath())
		}
		fail(line, "%s: %v", what, e)
	}
	return errs
}

// Graph is the policy engine's view of the objects read.
func (s *Set) Graph() (*policy.MemoryGraph, error) {
	objs := make([]metav1.Object, len(s.Objects))
	for i, o := range s.Objects {
		objs[i] = o.Object
	}
	return policy.NewMemoryGraph(objs...)
}
