package manifest

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/orgplane/orgplane/internal/policy"
)

// FuzzLoad feeds arbitrary bytes to Load as standard input, the way
// `kubectl org check -f -` reads a pipeline's output, and holds it to its
// contract: it never panics; a problem is an *Error naming stdin and a line
// within the input; what it accepts has lines within the input and builds a
// graph that the policy engine judges without panicking. The checked-in
// corpus (testdata/fuzz/FuzzLoad) holds the samples, every kind, Lists,
// JSON, and malformed documents. Every input is also read the reference
// way (sameAsReference), which Load must agree with.
func FuzzLoad(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		sameAsReference(t, data)
		lines := bytes.Count(data, []byte("\n")) + 1
		set, err := Load([]string{Stdin}, Options{Namespace: "default", Stdin: bytes.NewReader(data)})
		if err != nil {
			for _, e := range leaves(err) {
				var me *Error
				if !errors.As(e, &me) {
					if e.Error() == "too many errors" {
						continue
					}
					t.Fatalf("an error that names no place: %v", e)
				}
				if me.File != StdinName || me.Line < 0 || me.Line > lines {
					t.Fatalf("error at %s:%d, outside the %d lines of stdin: %v", me.File, me.Line, lines, me)
				}
				if strings.TrimSpace(me.Msg) == "" {
					t.Fatalf("error at %s:%d says nothing", me.File, me.Line)
				}
			}
			return
		}
		for _, o := range set.Objects {
			if o.File != StdinName || o.Line < 1 || o.Line > lines {
				t.Fatalf("%s %q at %s:%d, outside the %d lines of stdin", o.Kind(), o.Object.GetName(), o.File, o.Line, lines)
			}
			for _, path := range []string{"metadata.name", "spec", "spec.ownerRef.name", "spec.activities[0].informed[1]", "spec.rules[0]"} {
				if l := o.LineOf(path); l < 1 || l > lines {
					t.Fatalf("%s %q: LineOf(%s) = %d, outside the %d lines of stdin", o.Kind(), o.Object.GetName(), path, l, lines)
				}
			}
			policy.References(o.Object)
		}
		g, err := set.Graph()
		if err != nil {
			t.Fatalf("accepted input does not make a graph: %v", err)
		}
		e, err := policy.NewEngine(policy.Options{})
		if err != nil {
			t.Fatal(err)
		}
		e.Evaluate(g, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	})
}

// leaves flattens joined errors.
func leaves(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, leaves(e)...)
		}
		return out
	}
	return []error{err}
}
